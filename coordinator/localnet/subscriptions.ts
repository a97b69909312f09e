// The websocket side of the RPC (HTTP port + 1, as solana-test-validator): account, program, signature, logs and
// slot subscriptions, fed by the chain's events: a transaction's as it is confirmed (under instant latency, as it
// lands), whatever commitment the subscription asked for.
import type { Server } from "node:http";
import { createHash } from "node:crypto";
import type { WebSocket } from "ws";
import { WebSocketServer } from "ws";
import type { RpcMethods } from "./jsonRpc";
import { handleJsonRpc } from "./jsonRpc";
import type { AccountView, LocalChain, TransactionRecord } from "./localChain";
import { encodeAccount } from "./accountEncoding";
import { addressParam, arrayParam, configParam, stringParam } from "./rpcParams";
import { invalidParams } from "./rpcError";

/** Websocket messages above this size are refused by `ws` (close code 1009). */
export const MAX_WS_MESSAGE_BYTES = 64 * 1024;

type Subscription =
  | { kind: "account"; key: string; encoding: unknown; fingerprint: string }
  | { kind: "program"; program: string; encoding: unknown }
  | { kind: "signature"; signature: string }
  | { kind: "logs"; mentions?: string }
  | { kind: "slot" };

const NOTIFICATION: Record<Subscription["kind"], string> = {
  account: "accountNotification",
  program: "programNotification",
  signature: "signatureNotification",
  logs: "logsNotification",
  slot: "slotNotification",
};

/** Tells whether an account changed, so a write that leaves it as it was sends no notification. */
const fingerprint = (a: AccountView | null) =>
  a ? createHash("sha256").update(`${a.lamports}:${a.owner}:${a.executable}:`).update(a.data).digest("hex") : "none";

export function attachSubscriptions(server: Server, chain: LocalChain): WebSocketServer {
  const wss = new WebSocketServer({ server, maxPayload: MAX_WS_MESSAGE_BYTES });
  let nextId = 1;
  const subscriptions = new Map<number, { socket: WebSocket; sub: Subscription }>();
  const context = () => ({ slot: chain.slot });

  const notify = (id: number, result: unknown) => {
    const entry = subscriptions.get(id);
    if (!entry || entry.socket.readyState !== entry.socket.OPEN) return;
    entry.socket.send(
      JSON.stringify({ jsonrpc: "2.0", method: NOTIFICATION[entry.sub.kind], params: { result, subscription: id } }),
    );
  };

  const signatureDone = (id: number, t: TransactionRecord) => {
    notify(id, { context: { slot: t.slot }, value: { err: t.err } });
    subscriptions.delete(id); // signature subscriptions end after their one notification
  };

  const onTransaction = (t: TransactionRecord) => {
    for (const [id, { sub }] of subscriptions) {
      if (sub.kind === "account" && t.writable.includes(sub.key)) {
        const account = chain.getAccount(sub.key);
        const now = fingerprint(account);
        if (now === sub.fingerprint) continue;
        sub.fingerprint = now;
        notify(id, { context: context(), value: account && encodeAccount(account, sub.encoding) });
      } else if (sub.kind === "program") {
        for (const key of t.writable) {
          const account = chain.getAccount(key);
          if (account?.owner === sub.program)
            notify(id, { context: context(), value: { pubkey: key, account: encodeAccount(account, sub.encoding) } });
        }
      } else if (sub.kind === "signature" && sub.signature === t.signature) {
        signatureDone(id, t);
      } else if (sub.kind === "logs" && (!sub.mentions || t.message.accountKeys.includes(sub.mentions))) {
        notify(id, { context: { slot: t.slot }, value: { signature: t.signature, err: t.err, logs: t.logs } });
      }
    }
  };
  const onSlot = (slot: number) => {
    for (const [id, { sub }] of subscriptions)
      if (sub.kind === "slot") notify(id, { parent: slot - 1, root: slot, slot });
  };
  chain.on("transaction", onTransaction);
  chain.on("slot", onSlot);
  wss.on("close", () => {
    chain.off("transaction", onTransaction);
    chain.off("slot", onSlot);
  });

  wss.on("connection", (socket) => {
    const add = (sub: Subscription) => {
      const id = nextId++;
      subscriptions.set(id, { socket, sub });
      return id;
    };
    const remove = (kind: Subscription["kind"]) => (params: unknown[]) => {
      const id = params[0];
      const entry = typeof id === "number" ? subscriptions.get(id) : undefined;
      if (!entry || entry.socket !== socket || entry.sub.kind !== kind)
        throw invalidParams(`no ${kind} subscription ${String(id)} on this connection`);
      subscriptions.delete(id as number);
      return true;
    };
    const methods: RpcMethods = {
      accountSubscribe: (params) => {
        const key = addressParam(params, 0, "account");
        return add({
          kind: "account",
          key,
          encoding: configParam(params, 1).encoding,
          fingerprint: fingerprint(chain.getAccount(key)),
        });
      },
      accountUnsubscribe: remove("account"),
      programSubscribe: (params) =>
        add({
          kind: "program",
          program: addressParam(params, 0, "program"),
          encoding: configParam(params, 1).encoding,
        }),
      programUnsubscribe: remove("program"),
      signatureSubscribe: (params) => {
        const signature = stringParam(params, 0, "signature");
        const id = add({ kind: "signature", signature });
        const done = chain.getTransaction(signature);
        // after the subscribe answer; one landed but not yet confirmed is told of when it is (cluster latency)
        if (done && chain.commitment(done) !== "processed") setImmediate(() => signatureDone(id, done));
        return id;
      },
      signatureUnsubscribe: remove("signature"),
      logsSubscribe: (params) => {
        const filter = params[0];
        if (filter === "all" || filter === "allWithVotes") return add({ kind: "logs" });
        const [mentions] = arrayParam(
          [(filter as { mentions?: unknown } | undefined)?.mentions],
          0,
          'logs filter must be "all" or { mentions: [one public key] }',
          (items, i) => addressParam(items, i, "mentions"),
          { min: 1, max: 1 },
        );
        return add({ kind: "logs", mentions });
      },
      logsUnsubscribe: remove("logs"),
      slotSubscribe: () => add({ kind: "slot" }),
      slotUnsubscribe: remove("slot"),
      ping: () => "pong", // web3.js sends { method: "ping" } as a heartbeat notification
    };
    socket.on("message", (data) => {
      handleJsonRpc(methods, data.toString()).then((body) => {
        if (body && socket.readyState === socket.OPEN) socket.send(body);
      });
    });
    socket.on("close", () => {
      for (const [id, entry] of subscriptions) if (entry.socket === socket) subscriptions.delete(id);
    });
  });
  return wss;
}
