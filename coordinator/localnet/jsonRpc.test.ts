import { handleJsonRpc, MAX_BATCH_SIZE } from "./jsonRpc";
import { invalidParams } from "./rpcError";

const methods = {
  echo: (params: unknown[]) => params,
  fails: () => {
    throw invalidParams("bad thing");
  },
  crashes: () => {
    throw new TypeError("boom");
  },
};
const rpc = async (body: string) => JSON.parse((await handleJsonRpc(methods, body)) ?? "null");

describe("JSON-RPC envelope", () => {
  test("answers a call with its id and result", async () => {
    expect(await rpc('{"jsonrpc":"2.0","id":7,"method":"echo","params":[1,"a"]}')).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: [1, "a"],
    });
  });

  test("malformed JSON is a parse error (-32700) with a null id", async () => {
    expect(await rpc('{"jsonrpc":"2.0",')).toMatchObject({ id: null, error: { code: -32700 } });
  });

  test.each([
    ["a non-object", "42"],
    ["a wrong version", '{"jsonrpc":"1.0","id":1,"method":"echo"}'],
    ["a missing method", '{"jsonrpc":"2.0","id":1}'],
    ["an object id", '{"jsonrpc":"2.0","id":{},"method":"echo"}'],
    ["an empty batch", "[]"],
  ])("%s is an invalid request (-32600)", async (_, body) => {
    expect(await rpc(body)).toMatchObject({ error: { code: -32600 } });
  });

  test("unknown methods (including Object.prototype names) are -32601", async () => {
    expect(await rpc('{"jsonrpc":"2.0","id":1,"method":"nope"}')).toMatchObject({
      id: 1,
      error: { code: -32601, message: "method not found: nope" },
    });
    expect(await rpc('{"jsonrpc":"2.0","id":1,"method":"toString"}')).toMatchObject({ error: { code: -32601 } });
  });

  test("params that are not an array are -32602", async () => {
    expect(await rpc('{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}}')).toMatchObject({
      error: { code: -32602 },
    });
  });

  test("a method's typed error keeps its code; an unexpected one becomes -32603", async () => {
    expect(await rpc('{"jsonrpc":"2.0","id":1,"method":"fails"}')).toMatchObject({
      error: { code: -32602, message: "invalid params: bad thing" },
    });
    expect(await rpc('{"jsonrpc":"2.0","id":2,"method":"crashes"}')).toMatchObject({ error: { code: -32603 } });
  });

  test("batches answer each call in order and skip notifications", async () => {
    const out = await rpc(
      '[{"jsonrpc":"2.0","id":1,"method":"echo","params":[1]},{"jsonrpc":"2.0","method":"echo"},{"jsonrpc":"2.0","id":"b","method":"nope"},5]',
    );
    expect(out).toEqual([
      { jsonrpc: "2.0", id: 1, result: [1] },
      { jsonrpc: "2.0", id: "b", error: { code: -32601, message: "method not found: nope" } },
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "invalid request: not an object" } },
    ]);
  });

  test("a notification alone gets no answer; an oversized batch is refused", async () => {
    expect(await handleJsonRpc(methods, '{"jsonrpc":"2.0","method":"echo"}')).toBeUndefined();
    const big = JSON.stringify(
      Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "echo" })),
    );
    expect(await rpc(big)).toMatchObject({ error: { code: -32600 } });
  });
});
