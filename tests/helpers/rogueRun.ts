// A short run on the local chain played to its end by in-process honest trainer nodes and one RogueMember (stale or
// copying): the record the audit commands' tests read. The recipe is written to `recipeFile`; node i keeps its store
// in `dir`/node-i.
import type { Keypair, PublicKey } from "@solana/web3.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fundedKeypair } from "../../coordinator/localnet/localnetClient";
import { createDemoRun } from "../../scripts/demo/demoRun";
import { planUpdateLayout } from "../../sdk/demo/compress";
import { valueFormatOf } from "../../sdk/runConfig";
import { parameterSpecs } from "../../trainer/model/transformer";
import { generatedDataset } from "./generatedDataset";
import { crankUntil, startNodes } from "./inProcessNodes";
import { RogueMember } from "./rogueMember";
import type { TestLocalnet } from "./testLocalnet";

export interface RogueRun {
  readonly run: PublicKey;
  readonly rogue: PublicKey;
  readonly honest: PublicKey[];
  readonly honestKeypairs: Keypair[];
}

export async function rogueRun(
  chain: TestLocalnet,
  o: { dir: string; recipeFile: string; honest: number; cheat: "stale" | "copy"; globalBatchSize: number; ms: number },
): Promise<RogueRun> {
  const dataset = generatedDataset(join(o.dir, "data"), 30_000, 12);
  const authority = await fundedKeypair(chain.connection, 20);
  const { run, recipe, config } = await createDemoRun(chain.connection, authority, {
    dataset,
    members: o.honest + 1,
    rounds: 3,
    globalBatchSize: o.globalBatchSize,
  });
  writeFileSync(o.recipeFile, JSON.stringify(recipe));
  const shapes = parameterSpecs(recipe.model).map((s) => s.shape);
  const layout = planUpdateLayout(shapes, config.demoChunk, config.demoTopK, valueFormatOf(config.valueBits));
  const rogue = new RogueMember(chain.connection, run, o.cheat === "stale" ? layout : "copy");
  await rogue.start(10n ** 8n);
  const nodes = await startNodes(chain.connection, {
    run,
    recipe,
    dataset,
    dir: o.dir,
    count: o.honest,
    witnessWaitMs: 3000,
  });
  try {
    await crankUntil(chain.connection, authority, run, Promise.all(nodes.runs), o.ms);
  } finally {
    nodes.stop();
    await rogue.stop();
  }
  return { run, rogue: rogue.keypair.publicKey, honest: nodes.keys, honestKeypairs: nodes.keypairs };
}
