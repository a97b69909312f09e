// Every command's --help, found from `concord --help` itself (and each group's own list), so commands added later are
// covered too: it exits 0, prints the command's usage, and describes every option it lists. And the error format
// every command shares: one line with the code, the stack only with --verbose, one JSON line with --json.
import { main } from "../clients/cli/index";
import { captureConsole } from "./helpers/capturedConsole";

const logged = captureConsole();

async function help(words: string[]): Promise<string> {
  logged.length = 0;
  expect(await main([...words, "--help"])).toBe(0);
  return logged.join("\n");
}

/** The lines of a help text's section (`Commands:`, `Options:`), up to the next blank line. */
function section(text: string, title: string): string[] {
  const lines = text.split("\n");
  const start = lines.indexOf(`${title}:`);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l.trim() === "");
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The commands a help text lists, by their words (`audit score`), without positional placeholders. */
const commandsIn = (text: string): string[][] =>
  section(text, "Commands")
    .filter((l) => /^ {2}concord /.test(l))
    .map((l) =>
      l
        .trim()
        .split(/\s{2,}/)[0]
        .split(" ")
        .slice(1)
        .filter((w) => /^[\w-]+$/.test(w)),
    );

/** Each option a help text lists, with the text beside its flags; [type], [required], [default: ..] tags removed. */
function optionsIn(text: string): { flag: string; description: string }[] {
  const options: { flag: string; description: string }[] = [];
  for (const line of section(text, "Options")) {
    const m = /^ {2}(?:-\w, )?(--[\w-]+)(?:, --[\w-]+)*(.*)$/.exec(line.replace(/^ {6}--/, "  --"));
    if (m) options.push({ flag: m[1], description: m[2] });
    else if (options.length) options[options.length - 1].description += ` ${line}`;
  }
  for (const o of options) o.description = o.description.replace(/\[[^\]]*\]/g, "").trim();
  return options;
}

const GLOBAL_FLAGS = ["--version", "--config", "--url", "--keypair", "--verbose", "--help"];

/** Every command and subcommand, depth first: [words, help text]. */
async function everyCommand(words: string[] = []): Promise<[string[], string][]> {
  const out: [string[], string][] = [];
  for (const command of commandsIn(await help(words))) {
    const text = await help(command);
    out.push([command, text]);
    if (commandsIn(text).length) out.push(...(await everyCommand(command)));
  }
  return out;
}

describe("--help", () => {
  test("concord --help lists the commands of every role", async () => {
    const names = commandsIn(await help([])).map((w) => w.join(" "));
    for (const name of ["localnet", "deploy", "train", "join", "leave", "withdraw", "claim", "status"])
      expect(names).toContain(name);
    for (const name of ["prepare-dataset", "demo", "verify-build", "serve", "relay", "crank", "audit"])
      expect(names).toContain(name);
  });

  test("every command's and subcommand's --help exits 0, shows its usage and describes each option", async () => {
    const commands = await everyCommand();
    expect(commands.length).toBeGreaterThanOrEqual(16);
    for (const [words, text] of commands) {
      const name = `concord ${words.join(" ")}`;
      expect({ name, usage: text.split("\n")[0].startsWith(name) }).toEqual({ name, usage: true });
      const options = optionsIn(text);
      for (const o of options)
        expect({ name, ...o, described: o.description.length > 0 }).toMatchObject({ described: true });
      // a leaf command names options of its own beside the global ones
      if (commandsIn(text).length === 0)
        expect({ name, own: options.some((o) => !GLOBAL_FLAGS.includes(o.flag)) }).toEqual({ name, own: true });
    }
  });
});

describe("errors", () => {
  const missing = ["prepare-dataset", "--input", "/nonexistent/corpus.txt"];

  test("one line with the code naming the cause, no stack trace, exit 1", async () => {
    expect(await main(missing)).toBe(1);
    expect(logged).toEqual(["error 13006: dataset source not found: /nonexistent/corpus.txt"]);
  });

  test("--verbose adds the stack trace", async () => {
    expect(await main([...missing, "--verbose"])).toBe(1);
    expect(logged[0]).toBe("error 13006: dataset source not found: /nonexistent/corpus.txt");
    expect(logged[1]).toMatch(/^ConcordError: dataset source not found[^\n]*\n\s+at readCorpus /);
  });

  test("--json: one JSON line, the code and the message", async () => {
    const stderr: string[] = [];
    jest.spyOn(console, "error").mockImplementation((l: string) => void stderr.push(l));
    expect(await main([...missing, "--json"])).toBe(1);
    expect(stderr.map((l) => JSON.parse(l))).toEqual([
      { error: { code: 13006, message: "dataset source not found: /nonexistent/corpus.txt" } },
    ]);
  });

  test.each([
    ["an unknown command", ["bogus"], "error 11030: Unknown argument: bogus (see concord --help)"],
    ["no command", [], "error 11030: name a command (see concord --help)"],
    [
      "no run command",
      ["run"],
      "error 11030: name a run command: create, status, update, fund, pause, resume, finish or checkpoint (see concord run --help)",
    ],
    [
      "no audit command",
      ["audit"],
      "error 11030: name an audit command: verify, score, replay, challenge or vote (see concord audit --help)",
    ],
    ["a missing required option", ["claim"], "error 11030: Missing required argument: run (see concord claim --help)"],
    [
      "an unknown option",
      ["status", "--run", "x", "--bogus"],
      "error 11030: Unknown argument: bogus (see concord status --help)",
    ],
  ])("a usage error (%s): one line pointing to --help", async (_, argv, line) => {
    expect(await main(argv)).toBe(1);
    expect(logged).toEqual([line]);
  });
});
