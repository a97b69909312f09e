// Rebuilds the program from a clean output folder and prints its sha256, so anyone can compare it with another
// build or with the bytes deployed on a cluster.
// usage: tsx scripts/verify-build.ts [--url RPC_URL --program-id ID]
import { Connection, PublicKey } from "@solana/web3.js";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deployedElf, programDataAddress } from "../sdk/upgradeableLoader";
import { buildProgram } from "./build-program";
import { clangVersion } from "./clang";

/** sha256 of a deployed program's ELF: the ProgramData account minus its header, trimmed to the local ELF's length. */
export async function deployedSha256(url: string, programId: PublicKey, length: number): Promise<string> {
  const account = await new Connection(url, "confirmed").getAccountInfo(programDataAddress(programId));
  if (!account) throw new Error(`no ProgramData account for ${programId.toBase58()} at ${url}`);
  return createHash("sha256").update(deployedElf(account.data, length)).digest("hex");
}

async function main(argv: string[]): Promise<number> {
  const flag = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const dir = mkdtempSync(join(tmpdir(), "concord-verify-"));
  try {
    const build = buildProgram(dir);
    console.log(`toolchain: ${clangVersion()}, node ${process.version}`);
    console.log(`coordinator.so: ${build.size} bytes`);
    console.log(`sha256: ${build.sha256}`);
    const url = flag("--url");
    if (!url) return 0;
    const programId = new PublicKey(flag("--program-id") ?? "");
    const deployed = await deployedSha256(url, programId, build.size);
    console.log(`deployed at ${url}: ${deployed}`);
    if (deployed !== build.sha256) {
      console.error("MISMATCH: the deployed program is not this build");
      return 1;
    }
    console.log("match: the deployed program is byte-identical to this build");
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e) => {
      console.error((e as Error).message);
      process.exitCode = 1;
    },
  );
}
