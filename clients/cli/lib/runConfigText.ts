// A RunConfig as the run creator's commands show it: JSON-safe values (u64 as decimal strings, hashes as hex), keyed
// by the run config file's `[section] key`, and the fields two configurations differ in.
import { bytesToHex } from "@noble/hashes/utils";
import type { RunConfig } from "../../../sdk/coordinatorAccounts";
import { configFieldKey } from "../../../sdk/runSpec";

/** f32 fields as the chain holds them, so a value read back equals the one written (integers are exact already). */
const f32 = (v: number) => (Number.isInteger(v) ? v : Math.fround(v));

export type ConfigValues = Record<string, string | number>;

/** Each field's value by its key in a run config file (the padding left out). */
export function configValues(config: RunConfig): ConfigValues {
  const out: ConfigValues = {};
  for (const [field, v] of Object.entries(config) as [keyof RunConfig, unknown][]) {
    if (field === "padding") continue;
    out[configFieldKey(field)] = Array.isArray(v)
      ? bytesToHex(Uint8Array.from(v as number[]))
      : typeof v === "number"
        ? f32(v)
        : String(v);
  }
  return out;
}

/** The keys whose values differ, with both values. */
export function configChanges(
  before: RunConfig,
  after: RunConfig,
): { key: string; from: string | number; to: string | number }[] {
  const a = configValues(before);
  const b = configValues(after);
  return Object.keys(b)
    .filter((key) => a[key] !== b[key])
    .map((key) => ({ key, from: a[key], to: b[key] }));
}
