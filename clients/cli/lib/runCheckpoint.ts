// `concord run checkpoint --run R --hash HEX --uri URL`: the authority records by hand where new members find the
// model (`concord serve --checkpoints` records each epoch's automatically). The epoch defaults to the run's current
// one; the program takes only epochs not in the future and newer than the last checkpoint's, and URIs of 1-127 bytes.
import { hexToBytes } from "@noble/hashes/utils";
import * as ix from "../../../sdk/coordinatorInstructions";
import { toBigInt } from "../../../sdk/coordinatorAccounts";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import type { ClusterArgs } from "./clusterArgs";
import { authorityRun } from "./runAuthority";

export async function runCheckpoint(
  args: ClusterArgs & { run: string; hash: string; uri: string; epoch?: number; json: boolean },
): Promise<void> {
  const bad = (name: string, value: string, reason: string) =>
    new ConcordError(codes.CONCORD_ERROR__CLIENT__INVALID_ARGUMENT, { name, value, reason });
  if (!/^[0-9a-f]{64}$/i.test(args.hash)) throw bad("--hash", args.hash, "expected a sha256 as 64 hex digits");
  if (args.epoch !== undefined && !(Number.isSafeInteger(args.epoch) && args.epoch >= 0))
    throw bad("--epoch", String(args.epoch), "expected an epoch number");
  const { run, account, program, sender, wallet } = await authorityRun(args);
  const epoch = args.epoch === undefined ? toBigInt(account.epoch) : BigInt(args.epoch);
  const hash = hexToBytes(args.hash.toLowerCase());
  await sender.send([
    await ix.checkpointInstruction(program, { run, authority: wallet.publicKey, epoch, hash, uri: args.uri }),
  ]);
  const out = { run: run.toBase58(), epoch: Number(epoch), hash: args.hash.toLowerCase(), uri: args.uri };
  if (args.json) console.log(JSON.stringify(out));
  else console.log(`run ${out.run}: checkpoint of epoch ${out.epoch} recorded: ${out.hash} at ${out.uri}`);
}
