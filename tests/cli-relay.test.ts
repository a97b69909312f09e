// `concord relay` in-process through main(): --help names the options, and every bad input gets one line and exit 1
// before the relay listens. (tests/network-relay.test.ts runs the real command as a child process, killed mid-run.)
import { main } from "../clients/cli/index";
import { RelayServer } from "../coordinator/relay/relayServer";
import { captureConsole } from "./helpers/capturedConsole";
import { useTestLocalnet } from "./helpers/testLocalnet";

const chain = useTestLocalnet();
const logged = captureConsole();

test("--help names the options", async () => {
  expect(await main(["relay", "--help"])).toBe(0);
  expect(logged.join("\n")).toMatch(/--port[\s\S]*--host[\s\S]*--run/);
});

test.each([
  [["relay"], /Missing required argument: port/],
  [["relay", "--port", "70000"], /--port = 70000 is out of range: an integer from 0 to 65535/],
  [["relay", "--port", "x"], /--port = NaN is out of range/],
  [["relay", "--port", "0", "--run", "not-an-address"], /--run "not-an-address" is not a base58 public key/],
])("%j: one line and exit 1", async (argv, why) => {
  expect(await main(argv)).toBe(1);
  const errors = logged.filter((l) => l.startsWith("error: "));
  expect(errors).toHaveLength(1);
  expect(errors[0]).not.toContain("\n");
  expect(errors[0]).toMatch(why);
});

test("a run that does not exist, and a port in use: one line and exit 1", async () => {
  const argv = ["relay", "--port", "0", "--url", chain.rpcUrl, "--run", "11111111111111111111111111111112"];
  expect(await main(argv)).toBe(1);
  const taken = await RelayServer.start({ host: "127.0.0.1", port: 0 });
  try {
    expect(await main(["relay", "--port", new URL(taken.url).port])).toBe(1);
  } finally {
    await taken.close();
  }
  const errors = logged.filter((l) => l.startsWith("error: "));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/account 11111111111111111111111111111112 does not exist/);
  expect(errors[1]).toMatch(/cannot accept peers on 127.0.0.1:\d+: listen EADDRINUSE/);
});
