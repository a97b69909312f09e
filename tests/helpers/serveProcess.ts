// A `concord serve` child process: started, its URL read from what it prints, its output kept for failure reports.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../../programs/coordinator/paths";
import { within } from "./within";

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** SIGINT, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export async function startServeProcess(args: readonly string[]): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(REPO_ROOT, "clients", "cli", "bin.js"), "serve", ...args], {
    cwd: REPO_ROOT,
  });
  let out = "";
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const url = new Promise<string>((ok) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /URL: (\S+)\/blob\/<sha256>/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  });
  const started = Promise.race([url, exited.then(() => Promise.reject(new Error(`concord serve exited: ${out}`)))]);
  return {
    url: await within(started, "concord serve's URL", 60_000),
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      await within(exited, "concord serve to stop", 10_000).catch(() => child.kill("SIGKILL"));
    },
  };
}
