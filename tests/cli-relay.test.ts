// `concord relay` in-process through main(): --help names the options, and every bad input gets one line and exit 1
// before the relay listens; with --run, the relay reads the run's members from the chain. (tests/network-relay.test.ts
// runs the real command as a child process, killed mid-run.)
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Keypair, LAMPORTS_PER_SOL } from "@solana/web3.js";
import { WebSocket } from "ws";
import { main } from "../clients/cli/index";
import { fundedKeypair, providerFor } from "../coordinator/localnet/localnetClient";
import { RelayServer } from "../coordinator/relay/relayServer";
import { runMembership } from "../coordinator/relay/runMembership";
import { createDemoRun } from "../scripts/demo/demoRun";
import * as ix from "../sdk/coordinatorInstructions";
import { coordinatorProgram } from "../sdk/coordinatorProgram";
import { closeErrorCode } from "../sdk/net/peerSocket";
import * as codes from "../sdk/errors/codes";
import { RELAY_PATH } from "../sdk/net/relayUrls";
import { encodeRelayMessage } from "../sdk/peer/peerMessages";
import { signRegister } from "../sdk/peer/peerSignatures";
import { TransactionSender } from "../sdk/transactionSender";
import { captureConsole } from "./helpers/capturedConsole";
import { generatedDataset } from "./helpers/generatedDataset";
import { useTestLocalnet } from "./helpers/testLocalnet";
import { within } from "./helpers/within";

const chain = useTestLocalnet();
const logged = captureConsole();
const dir = mkdtempSync(join(tmpdir(), "concord-cli-relay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
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
  const errors = logged.filter((l) => /^error( \d+)?: /.test(l));
  expect(errors).toHaveLength(2);
  expect(errors[0]).toMatch(/account 11111111111111111111111111111112 does not exist/);
  expect(errors[1]).toMatch(/cannot accept peers on 127.0.0.1:\d+: listen EADDRINUSE/);
});

test("serving one run, it reads the run's members from the chain: a member registers, a stranger is refused", async () => {
  // Given a run with one joined member, and a relay for that run over the real chain
  const authority = await fundedKeypair(chain.connection, 20);
  const dataset = generatedDataset(join(dir, "data"), 20_000, 5);
  const { run } = await createDemoRun(chain.connection, authority, { dataset, members: 2, rounds: 2 });
  const member = await fundedKeypair(chain.connection, 2);
  const program = coordinatorProgram(providerFor(chain.connection, member));
  await new TransactionSender(chain.connection, member).send([
    await ix.joinInstruction(program, {
      run,
      member: member.publicKey,
      endpoint: "ws://h:1/relay",
      stake: LAMPORTS_PER_SOL / 10,
    }),
  ]);
  const relay = await RelayServer.start({ host: "127.0.0.1", port: 0, run, isMember: runMembership(chain.connection) });
  const endpoint = `${relay.url}${RELAY_PATH}`;
  /** Registers `keypair` over a raw control connection: the first message back, or the close code. */
  const register = (keypair: Keypair) =>
    within(
      new Promise<string>((done) => {
        const ws = new WebSocket(`${relay.url}/control`);
        ws.once("open", () => {
          const fields = {
            run,
            member: keypair.publicKey,
            relay: endpoint,
            timestamp: Date.now(),
            nonce: randomBytes(32),
          };
          ws.send(encodeRelayMessage(signRegister(fields, keypair.secretKey)));
        });
        ws.once("message", () => {
          done("registered");
          ws.close();
        });
        ws.once("close", (code) => done(`closed ${closeErrorCode(code)}`));
      }),
      "the relay's answer",
    );
  try {
    // Then the member's registration is acknowledged and a stranger's refused as NOT_A_MEMBER
    expect(await register(member)).toBe("registered");
    expect(await register(Keypair.generate())).toBe(`closed ${codes.CONCORD_ERROR__PEER__NOT_A_MEMBER}`);
  } finally {
    await relay.close();
  }
});
