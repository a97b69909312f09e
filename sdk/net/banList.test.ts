import { BanList } from "./banList";

describe("ban list", () => {
  it("bans until the duration has passed on the injected clock", () => {
    let t = 1_000;
    const bans = new BanList(() => t);
    bans.ban("member:a", 500);
    expect(bans.isBanned("member:a")).toBe(true);
    expect(bans.remainingMs("member:a")).toBe(500);
    expect(bans.isBanned("member:b")).toBe(false);
    t += 499;
    expect(bans.remainingMs("member:a")).toBe(1);
    t += 1;
    expect(bans.isBanned("member:a")).toBe(false);
  });

  it("a shorter ban does not cut a longer one short", () => {
    let t = 0;
    const bans = new BanList(() => t);
    bans.ban("k", 1_000);
    bans.ban("k", 10);
    t = 500;
    expect(bans.isBanned("k")).toBe(true);
  });

  it("sweeps expired entries once it grows large", () => {
    let t = 0;
    const bans = new BanList(() => t);
    for (let i = 0; i < 10_000; i++) bans.ban(`address:${i}`, 10);
    t = 20;
    bans.ban("fresh", 10);
    expect((bans as unknown as { until: Map<string, number> }).until.size).toBe(1);
  });
});
