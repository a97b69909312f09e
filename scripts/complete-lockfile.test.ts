import { readFileSync } from "node:fs";
import { join } from "node:path";
import { completeLockfile } from "./complete-lockfile";

describe("complete-lockfile", () => {
  test("adds a platform placeholder for each missing platform package", () => {
    const packages = {
      "": {},
      "node_modules/native": {
        version: "1.0.0",
        optionalDependencies: { "native-linux-x64-musl": "1.0.0", "native-darwin-arm64": "1.0.0" },
      },
      "node_modules/native-darwin-arm64": { version: "1.0.0", optional: true },
    };
    expect(completeLockfile(packages)).toEqual(["native-linux-x64-musl@1.0.0"]);
    expect(packages).toHaveProperty(["node_modules/native-linux-x64-musl"], {
      version: "1.0.0",
      cpu: ["x64"],
      libc: ["musl"],
      optional: true,
      os: ["linux"],
    });
    expect(completeLockfile(packages)).toEqual([]);
  });

  test("refuses to invent entries for missing packages that name no platform", () => {
    expect(() => completeLockfile({ "node_modules/a": { optionalDependencies: { fsevents: "2.3.3" } } })).toThrow(
      /names no platform/,
    );
  });

  test("the committed lockfile is complete, so `npm ci` accepts it", () => {
    const lock = JSON.parse(readFileSync(join(__dirname, "..", "package-lock.json"), "utf8"));
    expect(completeLockfile(lock.packages)).toEqual([]);
  });
});
