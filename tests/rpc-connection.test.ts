// rpcConnection: a request to an RPC node that cannot be reached waits for it (bounded), with one warning line when it
// goes and one when it is back, instead of failing the long-running client that made it.
import { startLocalnet } from "../coordinator/localnet/localnet";
import type { RpcCall } from "../sdk/rpcConnection";
import { rpcConnection } from "../sdk/rpcConnection";
import { freePortPair } from "./helpers/cliProcess";

test("a request made while the node is down is answered once it is back, with a warning for each", async () => {
  // Given a connection to a port where no node listens yet
  const port = await freePortPair();
  const warnings: string[] = [];
  const calls: RpcCall[] = [];
  const connection = rpcConnection(`http://127.0.0.1:${port}`, {
    onOutage: (m) => warnings.push(m),
    onRequest: (c) => calls.push(c),
  });

  // When a request is made, and the node starts there a second later
  const slot = connection.getSlot();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const net = await startLocalnet({ port });
  try {
    // Then the request is answered, and the outage was reported when it began and when it ended
    expect(await slot).toBeGreaterThanOrEqual(0);
    expect(warnings).toEqual([
      `RPC http://127.0.0.1:${port} unreachable (ECONNREFUSED); retrying its requests for up to 120 s`,
      expect.stringMatching(new RegExp(`^RPC http://127.0.0.1:${port} reachable again after \\d+\\.\\d s$`)),
    ]);
    // and every attempt was told to onRequest (metrics): those that found no node, then the one answered
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.slice(0, -1).every((c) => c.method === "getSlot" && c.error === "transport")).toBe(true);
    expect(calls.at(-1)).toEqual({ method: "getSlot", seconds: expect.any(Number), error: undefined });
  } finally {
    await net.close();
  }
});

test("a node down for longer than outageMs fails the request, naming the node and the cause", async () => {
  const port = await freePortPair();
  const warnings: string[] = [];
  const connection = rpcConnection(`http://127.0.0.1:${port}`, { outageMs: 500, onOutage: (m) => warnings.push(m) });
  await expect(connection.getSlot()).rejects.toThrow(
    `RPC http://127.0.0.1:${port} unreachable for 0.5 s (ECONNREFUSED)`,
  );
  expect(warnings).toEqual([
    expect.stringMatching(/unreachable \(ECONNREFUSED\); retrying its requests for up to 0.5 s$/),
  ]);
});

test("onRequest tells an error answer from an answer: the method and the kind of failure, for metrics", async () => {
  const net = await startLocalnet({ port: 0 });
  try {
    const calls: RpcCall[] = [];
    const connection = rpcConnection(net.rpcUrl, { onRequest: (c) => calls.push(c) });
    await connection.getSlot();
    await expect(connection.getSupply()).rejects.toThrow(); // a method the local chain does not serve
    expect(calls.map(({ method, error }) => ({ method, error }))).toEqual([
      { method: "getSlot", error: undefined },
      { method: "getSupply", error: "rpc" },
    ]);
  } finally {
    await net.close();
  }
});
