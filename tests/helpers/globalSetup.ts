// Builds the on-chain program once before the suite, so tests always run the current C sources.
import { buildProgram } from "../../scripts/build-program";

export default function globalSetup(): void {
  buildProgram();
}
