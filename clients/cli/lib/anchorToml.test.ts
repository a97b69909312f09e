import { mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { clusterUrl, readAnchorToml } from "./anchorToml";

function tomlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "concord-anchor-")), "Anchor.toml");
  writeFileSync(file, text);
  return file;
}

describe("Anchor.toml", () => {
  test("the project's own file names localnet, the default wallet and the coordinator's id", async () => {
    const config = await readAnchorToml();
    expect(config.rpcUrl).toBe("http://127.0.0.1:8899");
    expect(config.walletPath).toBe(join(homedir(), ".config", "solana", "id.json"));
    expect(config.programs.concord_coordinator).toBe("9QzudNr92RATf4sj12qmiwbJipLxJw6UbL1fCKSwE6BW");
  });

  test("a URL cluster and a relative wallet resolve against the file's folder", async () => {
    const file = tomlFile('[provider]\ncluster = "http://10.0.0.2:9000"\nwallet = "keys/me.json"\n');
    const config = await readAnchorToml(file);
    expect(config.rpcUrl).toBe("http://10.0.0.2:9000");
    expect(config.walletPath).toBe(join(file, "..", "keys", "me.json"));
  });

  test("monikers map to the public clusters; unknown ones are refused", () => {
    expect(clusterUrl("devnet")).toBe("https://api.devnet.solana.com");
    expect(clusterUrl("mainnet-beta")).toBe("https://api.mainnet-beta.solana.com");
    expect(() => clusterUrl("moonnet")).toThrow(/unknown cluster "moonnet"/);
  });

  test("a missing or malformed file is a clear error", async () => {
    await expect(readAnchorToml(join(tmpdir(), "nowhere", "Anchor.toml"))).rejects.toThrow(/not found/);
    await expect(readAnchorToml(tomlFile("[provider\ncluster ="))).rejects.toThrow();
  });
});
