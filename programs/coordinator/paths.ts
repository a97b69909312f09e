// Where the coordinator program's sources, IDL and build output live. Neutral ground below every part of the
// repository (the program is what the IDL and everything above it describe), so the build script, the local chain and
// the CLI share one definition without importing each other.
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(__dirname, "..", "..");
export const PROGRAM_DIR = __dirname;
export const PROGRAM_SRC = join(PROGRAM_DIR, "src");
export const IDL_PATH = join(PROGRAM_DIR, "idl.json");
export const DISCRIMINATORS_HEADER = join(PROGRAM_SRC, "generated", "discriminators.h");
export const ERROR_LOG_HEADER = join(PROGRAM_SRC, "generated", "error_log.h");
/** The build's output folder (objects under obj/, the deployable program under deploy/). */
export const DEFAULT_OUT_DIR = join(REPO_ROOT, "target");
export const COORDINATOR_SO = join(DEFAULT_OUT_DIR, "deploy", "coordinator.so");
/** The program's keypair on the local chain (its address everywhere Anchor.toml does not say otherwise). */
export const COORDINATOR_KEYPAIR = join(PROGRAM_DIR, "program-keypair.json");
