// `concord serve`: bad input gets one line and exit 1 (in-process through main()); the real command, as a child
// process, serves a blob by its hash and stops on SIGINT.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { main } from "../clients/cli/index";
import { fetchBlob } from "../sdk/net/blobFetch";
import { captureConsole } from "./helpers/capturedConsole";
import { within } from "./helpers/within";

const REPO = join(__dirname, "..");
const dir = mkdtempSync(join(tmpdir(), "concord-cli-serve-"));
const logged = captureConsole();
const children: ChildProcessWithoutNullStreams[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

test("--help names the options", async () => {
  expect(await main(["serve", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--dir[\s\S]*--host[\s\S]*--port[\s\S]*--accept-uploads[\s\S]*--max-upload-mib/);
});

test.each([
  [["serve"], /dir/],
  [["serve", "--dir", join(dir, "file")], /is not a folder/],
  [["serve", "--dir", dir, "--port", "70000"], /--port must be an integer/],
  [["serve", "--dir", dir, "--port", "x"], /--port must be an integer/],
  [["serve", "--dir", dir, "--max-upload-mib", "0"], /--max-upload-mib must be positive/],
])("%j: one line and exit 1", async (argv, why) => {
  writeFileSync(join(dir, "file"), "not a folder");
  expect(await main(argv)).toBe(1);
  const errors = logged.filter((l) => l.startsWith("error: "));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toContain("\n");
  expect(errors[0]).toMatch(why);
});

test("serves a blob by its hash, prints where, and stops on SIGINT", async () => {
  // Given: a folder holding one blob
  const blobs = join(dir, "blobs");
  const data = Buffer.from("a shard of training data");
  const hash = bytesToHex(sha256(data));
  const child = spawn(process.execPath, [join(REPO, "clients", "cli", "bin.js"), "serve", "--dir", blobs], {
    cwd: REPO,
  });
  children.push(child);
  let out = "";
  const exited = new Promise<number | null>((ok) => child.on("exit", ok));
  const url = new Promise<string>((ok) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /URL: (\S+)\/blob\/<sha256>/.exec(out);
      if (m) ok(m[1]);
    });
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  });
  const base = await within(
    Promise.race([url, exited.then(() => Promise.reject(new Error(`exited: ${out}`)))]),
    "the URL",
    30_000,
  );
  writeFileSync(join(blobs, hash), data);
  // When: a client fetches it
  const bytes = await within(fetchBlob([base], hash), "the blob");
  // Then: the bytes are the blob's, and SIGINT stops the server
  expect(Buffer.from(bytes).equals(data)).toBe(true);
  child.kill("SIGINT");
  expect(await within(exited, "exit after SIGINT", 10_000)).toBe(0);
  expect(out).toContain("stopped");
}, 40_000);
