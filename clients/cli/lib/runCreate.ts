// `concord run create --config run.toml`: the run a config file describes, created and funded on-chain by the wallet
// (its authority), and the recipe file every trainer and auditor of the run is given (its sha256 is the run's
// model_hash). Nothing is sent, and no file written, unless the whole file passes.
import { bytesToHex } from "@noble/hashes/utils";
import { Connection } from "@solana/web3.js";
import { providerFor } from "../../../coordinator/localnet/localnetClient";
import { runAddresses } from "../../../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../../../sdk/coordinatorProgram";
import * as codes from "../../../sdk/errors/codes";
import { ConcordError } from "../../../sdk/errors/concordError";
import { rpcFailed } from "../../../sdk/errors/rpcFailed";
import { createRun } from "../../../sdk/runCreation";
import { TransactionSender } from "../../../sdk/transactionSender";
import type { ClusterArgs } from "./clusterArgs";
import { rpcUrlOf, walletOf } from "./clusterArgs";
import { readRunFile, recipeFileOf, writeRecipe } from "./runFile";
import { solText } from "./solAmount";

export async function runCreate(
  args: ClusterArgs & { config: string; recipeOut?: string; json: boolean; quiet?: boolean },
) {
  const plan = await readRunFile(args.config);
  const recipeFile = recipeFileOf(args.config, args.recipeOut);
  const connection = new Connection(await rpcUrlOf(args), "confirmed");
  const wallet = await walletOf(args);
  const program = coordinatorProgram(providerFor(connection, wallet));
  const { run } = runAddresses(program, plan.runId);
  const taken = await connection.getAccountInfo(run, "confirmed").catch((e: unknown) => {
    throw rpcFailed("getAccountInfo", e);
  });
  if (taken)
    throw new ConcordError(codes.CONCORD_ERROR__CLIENT__RUN_FILE_OUT_OF_RANGE, {
      path: args.config,
      key: "[run] id",
      value: plan.runId,
      rule: `run ${run.toBase58()} has this id already: choose another (or leave it out for the current time)`,
    });
  await createRun(program, new TransactionSender(connection, wallet), plan);
  writeRecipe(recipeFile, plan.recipe);
  const out = {
    run: run.toBase58(),
    runId: plan.runId.toString(),
    authority: wallet.publicKey.toBase58(),
    recipe: recipeFile,
    modelHash: bytesToHex(Uint8Array.from(plan.config.modelHash)),
    datasetHash: bytesToHex(Uint8Array.from(plan.config.datasetHash)),
    fundedLamports: plan.fundLamports.toString(),
  };
  if (args.json) console.log(JSON.stringify(out));
  else if (args.quiet) console.log(out.run);
  else {
    console.log(`created run ${out.run} (id ${out.runId}), funded with ${solText(plan.fundLamports)}`);
    console.log(`recipe ${recipeFile} (model hash ${out.modelHash}); dataset hash ${out.datasetHash}`);
  }
}
