// `npm start`: what runs today. Builds the on-chain program, loads it into an embedded litesvm chain and calls its
// `version` instruction. The demo network (trainers, relay, crank, dashboard) is not built yet.
import { Program } from "@coral-xyz/anchor";
import type { Idl } from "@coral-xyz/anchor";
import { readFileSync } from "node:fs";
import { LiteSvmProvider } from "../tests/helpers/litesvmProvider";
import { TestChain } from "../tests/helpers/testChain";
import { buildProgram, IDL_PATH } from "./build-program";

async function main(): Promise<void> {
  const build = buildProgram();
  console.log(`built ${build.soPath} (${build.size} bytes, sha256 ${build.sha256})`);
  const provider = new LiteSvmProvider(new TestChain());
  const program = new Program(JSON.parse(readFileSync(IDL_PATH, "utf8")) as Idl, provider);
  const v = await program.methods.version().view();
  const sim = await program.methods.version().simulate();
  console.log(
    `coordinator program ${program.programId.toBase58()} answers version ${v.major}.${v.minor}.${v.patch} on the embedded chain`,
  );
  console.log(sim.raw.filter((l: string) => l.includes("consumed")).join("\n"));
  console.log("The demo network (trainers, relay, crank, dashboard) is not built yet; this is what runs today.");
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
