// `concord deploy`: resolves cluster and wallet (flags, else Anchor.toml), then deploys with a progress bar over the
// loader's transactions (most are the upload's buffer writes) on a terminal; none when stdout is not one, or with
// --json (one result line).
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { SingleBar, Presets } from "cli-progress";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { readKeypair } from "../../../coordinator/localnet/coordinatorProgram";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { deployProgram } from "./deployProgram";
import { progressWanted } from "./progress";

export async function runDeploy(args: {
  anchorToml?: string;
  url?: string;
  keypair?: string;
  program: string;
  programKeypair: string;
  programId?: string;
  json?: boolean;
}): Promise<void> {
  const url = await rpcUrlOf(args);
  const payer = await walletOf(args);
  const elfPath = resolve(args.program);
  if (!existsSync(elfPath)) throw new Error(`${elfPath} not found: run \`npm run build:program\` first`);
  const program = args.programId ? new PublicKey(args.programId) : readKeypair(resolve(args.programKeypair));

  const connection = new Connection(url, "confirmed");
  const elf = readFileSync(elfPath);
  if (!args.json)
    console.log(
      `deploying ${elfPath} (${elf.length} bytes) to ${url} as ${"publicKey" in program ? program.publicKey.toBase58() : program.toBase58()}`,
    );
  const bar = progressWanted(args.json ?? false)
    ? new SingleBar({ format: "{bar} {value}/{total} transactions | {label}" }, Presets.shades_classic)
    : undefined;
  const result = await deployProgram({
    connection,
    payer,
    program,
    elf,
    buffer: Keypair.generate(),
    onProgress: ({ done, total, label }) => {
      if (!bar) return;
      if (done === 1) bar.start(total, 0, { label });
      bar.update(done, { label });
    },
  }).finally(() => bar?.stop());
  if (args.json)
    console.log(
      JSON.stringify({
        programId: result.programId.toBase58(),
        upgraded: result.upgraded,
        transactions: result.transactions,
        sha256: result.sha256,
      }),
    );
  else
    console.log(
      `${result.upgraded ? "upgraded" : "deployed"} ${result.programId.toBase58()} in ${result.transactions} transactions; sha256 ${result.sha256}`,
    );
}
