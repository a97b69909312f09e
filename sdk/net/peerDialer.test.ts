import { Keypair } from "@solana/web3.js";
import { eventually } from "../../tests/helpers/within";
import { BanList } from "./banList";
import { PeerDialer } from "./peerDialer";
import { PeerServer } from "./peerServer";
import type { PeerSocketOptions } from "./peerSocket";

const run = Keypair.generate().publicKey;

describe("peer dialer", () => {
  const serverSide = (): PeerSocketOptions & { readyCount: () => number } => {
    let ready = 0;
    return { run, keypair: Keypair.generate(), bans: new BanList(), onReady: () => ready++, readyCount: () => ready };
  };

  it("reconnects with exponential backoff and jitter after the server restarts, until stopped", async () => {
    const options = serverSide();
    let server = await PeerServer.start("127.0.0.1", 0, options);
    const port = Number(new URL(server.url).port);
    const log: string[] = [];
    let connects = 0;
    let closes = 0;
    const dialer = new PeerDialer(server.url, {
      run,
      keypair: Keypair.generate(),
      bans: new BanList(),
      backoff: { initialMs: 20, maxMs: 160 },
      random: () => 1, // the full ceiling, so the delays are exact
      onReady: () => connects++,
      onClose: () => closes++,
      log: (line) => log.push(line),
    });
    try {
      await eventually(() => dialer.peer !== null && options.readyCount() === 1, "the first connection");

      // Given the server goes away, the dialer keeps trying with growing delays
      await server.close();
      await eventually(() => log.filter((l) => l.includes("again")).length >= 5, "five failed redials");
      const delays = log.filter((l) => l.includes("again")).map((l) => Number(/in (\d+) ms/.exec(l)?.[1]));
      expect(delays.slice(0, 5)).toEqual([20, 40, 80, 160, 160]);
      expect(dialer.peer).toBeNull();

      // When it is back on the same port, the dialer reconnects on its own and the backoff resets
      server = await PeerServer.start("127.0.0.1", port, options);
      await eventually(() => connects === 2 && options.readyCount() === 2, "the reconnection", 3_000);
      expect(dialer.peer?.member?.equals(options.keypair.publicKey)).toBe(true);

      // Then stop closes it and dials no more
      dialer.stop();
      await eventually(() => closes === 1 + log.filter((l) => l.includes("again")).length, "the close after stop");
      const redials = log.filter((l) => l.includes("again")).length;
      await new Promise((r) => setTimeout(r, 100));
      expect(log.filter((l) => l.includes("again")).length).toBe(redials);
      expect(connects).toBe(2);
    } finally {
      dialer.stop();
      await server.close();
    }
  });

  it("jitter spreads the delay over the upper half of the ceiling", async () => {
    const log: string[] = [];
    const dialer = new PeerDialer("ws://127.0.0.1:1", {
      run,
      keypair: Keypair.generate(),
      bans: new BanList(),
      backoff: { initialMs: 1000, maxMs: 1000 },
      random: () => 0,
      log: (line) => log.push(line),
    });
    try {
      await eventually(() => log.some((l) => l.includes("again")), "the refused dial");
      expect(log.find((l) => l.includes("again"))).toContain("in 500 ms");
    } finally {
      dialer.stop();
    }
  });

  it("does not dial a URL banned for misbehaving before hello until the ban ends", async () => {
    const log: string[] = [];
    const bans = new BanList();
    bans.ban("url:ws://127.0.0.1:1", 60_000);
    const dialer = new PeerDialer("ws://127.0.0.1:1", {
      run,
      keypair: Keypair.generate(),
      bans,
      log: (l) => log.push(l),
    });
    dialer.stop();
    expect(log).toHaveLength(1);
    expect(Number(/in (\d+) ms/.exec(log[0])?.[1])).toBeGreaterThan(59_000);
  });
});
