// A `concord train` child process as the demo and the network tests run it: its JSON events parsed line by line,
// the tail of its output kept for the report when it dies, and a clean stop (SIGTERM, then SIGKILL).
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../programs/coordinator/paths";
import type { DatasetEvent } from "../../trainer/data/datasetDownload";
import { isDatasetEvent } from "../../trainer/data/datasetDownload";
import type { NodeEvent } from "../../trainer/node/trainerNode";

const CLI = join(REPO_ROOT, "clients", "cli", "bin.js");
const TAIL_LINES = 30;

export interface TrainerProcessOptions {
  readonly name: string;
  readonly rpcUrl: string;
  readonly run: string;
  readonly keypairFile: string;
  /** The run's recipe (`--recipe`); without it, the recipe is downloaded from `servers` by the run's model_hash. */
  readonly recipeFile?: string;
  /** The run's dataset folder (`--data`); without it, the dataset is downloaded from `servers`. */
  readonly dataDir?: string;
  /** Data servers (`--server`): the recipe and dataset without their files, checkpoints and past updates. */
  readonly servers?: readonly string[];
  readonly stateDir: string;
  readonly listen: string;
  readonly onEvent: (event: NodeEvent) => void;
  /** The dataset download's events (without `dataDir`). */
  readonly onDatasetEvent?: (event: DatasetEvent) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** More `concord train` options (e.g. a red-team run's --attack). */
  readonly extraArgs?: readonly string[];
}

export class TrainerProcess {
  readonly child: ChildProcess;
  /** The last lines it printed (stdout and stderr), for the report when it dies. */
  readonly tail: string[] = [];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;

  constructor(readonly o: TrainerProcessOptions) {
    const args = [
      CLI,
      "train",
      ...["--url", o.rpcUrl, "--run", o.run, "--keypair", o.keypairFile],
      ...(o.recipeFile === undefined ? [] : ["--recipe", o.recipeFile]),
      ...(o.dataDir === undefined ? [] : ["--data", o.dataDir]),
      ...(o.servers ?? []).flatMap((url) => ["--server", url]),
      ...["--state-dir", o.stateDir, "--listen", o.listen, "--json"],
      ...(o.extraArgs ?? []),
    ];
    this.child = spawn(process.execPath, args, { env: o.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.lines(this.child.stdout!, (line) => {
      if (line.startsWith("{")) {
        try {
          const event = JSON.parse(line) as NodeEvent | DatasetEvent;
          if (isDatasetEvent(event)) o.onDatasetEvent?.(event);
          else o.onEvent(event);
          return;
        } catch {
          // not an event after all: keep it as output
        }
      }
    });
    this.lines(this.child.stderr!, () => {});
  }

  private lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
    let buffered = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
        onLine(line);
      }
    });
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
