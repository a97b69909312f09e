import { Keypair } from "@solana/web3.js";
import { addressParam, arrayParam, stringParam } from "./rpcParams";

const key = Keypair.generate().publicKey.toBase58();

describe("JSON-RPC parameter readers", () => {
  test("addressParam answers the normalized base-58 key and refuses anything else", () => {
    expect(addressParam([key], 0, "account")).toBe(key);
    expect(() => addressParam([42], 0, "account")).toThrow(
      "invalid params: account (param 0) must be a base-58 public key string",
    );
    expect(() => addressParam(["0OIl"], 0, "account")).toThrow("invalid params: account is not a valid public key");
  });

  test("arrayParam reads every item and refuses a non-array or a length out of bounds with its refusal", () => {
    const read = (items: unknown[], i: number) => stringParam(items, i, "signature");
    expect(arrayParam([["a", "b"]], 0, "nope", read, { max: 2 })).toEqual(["a", "b"]);
    expect(arrayParam([[]], 0, "nope", read)).toEqual([]);
    for (const bad of [undefined, "a", { 0: "a" }, ["a", "b", "c"]])
      expect(() => arrayParam([bad], 0, "nope", read, { max: 2 })).toThrow("invalid params: nope");
    expect(() => arrayParam([[]], 0, "one only", read, { min: 1, max: 1 })).toThrow("invalid params: one only");
  });

  test("arrayParam passes an item's own error through", () => {
    expect(() => arrayParam([["a", 7]], 0, "nope", (items, i) => stringParam(items, i, "signature"))).toThrow(
      "invalid params: signature (param 1) must be a string",
    );
  });
});
