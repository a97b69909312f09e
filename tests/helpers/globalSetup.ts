// Builds the on-chain program and the trainer's native kernels once before the suite, so tests always run the
// current C sources.
import { buildNative } from "../../scripts/build-native";
import { buildProgram } from "../../scripts/build-program";

export default function globalSetup(): void {
  buildProgram();
  buildNative();
}
