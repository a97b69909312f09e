import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDataset } from "../trainer/data/tokenShards";
import { main } from "./prepare-dataset";

test("prepare-dataset writes a dataset and prints its hash", () => {
  const out = join(mkdtempSync(join(tmpdir(), "concord-prep-")), "gen");
  const lines: string[] = [];
  const log = jest.spyOn(console, "log").mockImplementation((l: string) => void lines.push(l));
  try {
    main(["--generated", "5000", "--out", out, "--tokenizer", "char", "--shard-tokens", "1000"]);
  } finally {
    log.mockRestore();
  }
  const ds = openDataset(out);
  expect(lines).toContain(`dataset hash ${ds.hash}`);
  expect(lines).toContain("train: 4500 tokens in 5 shard(s)");
  expect(ds.manifest.name).toBe("generated");
  rmSync(join(out, ".."), { recursive: true, force: true });
});
