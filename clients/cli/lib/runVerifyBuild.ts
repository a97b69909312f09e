// `concord verify-build`: rebuilds the program from a clean output folder and prints its sha256, so anyone can compare
// it with another build; with --url, with the bytes deployed on that cluster too (BUILD_MISMATCH when they differ).
import type { PublicKey } from "@solana/web3.js";
import { Connection } from "@solana/web3.js";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildProgram } from "../../../scripts/build-program";
import { clangVersion } from "../../../scripts/clang";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import { deployedElf, programDataAddress } from "../../../sdk/upgradeableLoader";
import { clusterUrl, readAnchorToml } from "./anchorToml";
import { runAddress } from "./runAddress";

/** sha256 of a deployed program's ELF: the ProgramData account minus its header, trimmed to the local ELF's length. */
export async function deployedSha256(url: string, programId: PublicKey, length: number): Promise<string> {
  const account = await new Connection(url, "confirmed")
    .getAccountInfo(programDataAddress(programId))
    .catch((e: unknown) => {
      throw rpcFailed("getAccountInfo", e);
    });
  if (!account)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__PROGRAM_NOT_DEPLOYED, { program: programId.toBase58(), url });
  return createHash("sha256").update(deployedElf(account.data, length)).digest("hex");
}

export async function runVerifyBuild(args: {
  anchorToml?: string;
  url?: string;
  programId?: string;
  json: boolean;
}): Promise<void> {
  // Everything about the cluster is checked before the build, which takes a while
  const url = args.url === undefined ? undefined : clusterUrl(args.url);
  const programId =
    url === undefined
      ? undefined
      : args.programId !== undefined
        ? runAddress(args.programId, "--program-id")
        : runAddress(
            (await readAnchorToml(args.anchorToml && resolve(args.anchorToml))).programs.concord_coordinator ?? "",
            "Anchor.toml's concord_coordinator",
          );
  const dir = mkdtempSync(join(tmpdir(), "concord-verify-"));
  try {
    const build = buildProgram(dir);
    const toolchain = `${clangVersion()}, node ${process.version}`;
    const deployed = url && programId ? await deployedSha256(url, programId, build.size) : undefined;
    if (args.json)
      console.log(
        JSON.stringify({
          toolchain,
          size: build.size,
          sha256: build.sha256,
          ...(deployed && { url, programId: programId!.toBase58(), deployed, match: deployed === build.sha256 }),
        }),
      );
    else {
      console.log(`toolchain: ${toolchain}`);
      console.log(`coordinator.so: ${build.size} bytes`);
      console.log(`sha256: ${build.sha256}`);
      if (deployed) console.log(`deployed at ${url}: ${deployed}`);
    }
    if (deployed && deployed !== build.sha256)
      throw new ConcordError(codes.CONCORD_ERROR__CLIENT__BUILD_MISMATCH, { url, deployed, built: build.sha256 });
    if (deployed && !args.json) console.log("match: the deployed program is byte-identical to this build");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
