// `concord <command>` as a child process for the fault tests: its output kept line by line, bounded waits for a line,
// SIGKILL on demand, and a free port pair for `concord localnet` (HTTP on the port, websockets on the next one) that
// stays the same across a restart.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "../../programs/coordinator/paths";

const CLI = join(REPO_ROOT, "clients", "cli", "bin.js");

export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: string[] = [];
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly args: readonly string[]) {
    this.child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT });
    this.exited = new Promise((resolve) =>
      this.child.once("exit", (code) => {
        resolve(code);
        this.waiters.forEach((w) => w());
      }),
    );
    for (const stream of [this.child.stdout, this.child.stderr]) {
      let buffered = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
          this.lines.push(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
        }
        this.waiters.forEach((w) => w());
      });
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line matching `pattern`, waiting at most `ms`; fails with the output when it exits first. */
  line(pattern: RegExp, ms: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find((l) => pattern.test(l));
        if (found !== undefined) done(() => resolve(found));
        else if (!this.running) done(() => reject(this.failure(`exited before printing ${pattern}`)));
      };
      const timer = setTimeout(() => done(() => reject(this.failure(`printed no ${pattern} in ${ms} ms`))), ms);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        settle();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** SIGKILL; resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** An error naming the command, with its last lines. */
  failure(what: string): Error {
    return new Error(`concord ${this.args[0]} ${what}; its last lines:\n${this.lines.slice(-20).join("\n")}`);
  }
}

/** `concord localnet` on `port` saving to `stateDir`; resolves with the process once it serves (its banner's end). */
export async function startLocalnetProcess(port: number, stateDir: string): Promise<CliProcess> {
  const net = new CliProcess(["localnet", "--port", String(port), "--state-dir", stateDir]);
  await net.line(/^faucet: /, 120_000);
  return net;
}

const listening = (port: number) =>
  new Promise<number | null>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const bound = (server.address() as { port: number }).port;
      server.close(() => resolve(bound));
    });
  });

/** A port p with p and p + 1 both free on 127.0.0.1 now (the OS picks p). */
export async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await listening(0);
    if (port !== null && port < 65535 && (await listening(port + 1)) !== null) return port;
  }
}
