// `npm run bench:program`: compute units of every coordinator instruction with 4, 64 and MAX_MEMBERS (256)
// members, at each instruction's costly case (the last slot, a full witness bitmap, an epoch end with every member
// holding points), and the serialized size of each instruction's transaction at MAX_MEMBERS. Exits non-zero when
// anything exceeds Solana's limits (1.4M CU per transaction, 1232 bytes per transaction).
// Compute units are deterministic (same program, same inputs): no side-by-side timing is involved.
import { MAX_MEMBERS } from "../sdk/runConfig";
import { buildProgram } from "../scripts/build-program";
import { MAX_COMPUTE_UNITS, MAX_TRANSACTION_BYTES, measureInstructions } from "../tests/helpers/instructionCosts";
import type { Measure, Row } from "../tests/helpers/instructionCosts";

const MEMBER_COUNTS = [4, 64, MAX_MEMBERS];

async function main(): Promise<void> {
  buildProgram();
  const rows = new Map<string, Row>();
  for (const members of MEMBER_COUNTS) {
    for (const [name, row] of await measureInstructions(members)) {
      const into = rows.get(name) ?? new Map<number, Measure>();
      for (const [m, v] of row) into.set(m, v);
      rows.set(name, into);
    }
  }
  const header = `| instruction | ${MEMBER_COUNTS.map((m) => `CU @ ${m}`).join(" | ")} | tx bytes @ ${MAX_MEMBERS} |`;
  const lines = [header, `| --- | ${MEMBER_COUNTS.map(() => "---:").join(" | ")} | ---: |`];
  let worstCu = 0;
  let worstBytes = 0;
  for (const [name, row] of rows) {
    const cu = MEMBER_COUNTS.map((m) => {
      const v = row.get(m)?.computeUnits;
      worstCu = Math.max(worstCu, v ?? 0);
      return v ? v.toLocaleString("en-US") : "—";
    });
    const bytes = row.get(MAX_MEMBERS)?.bytes ?? 0;
    worstBytes = Math.max(worstBytes, bytes);
    lines.push(`| ${name} | ${cu.join(" | ")} | ${bytes} |`);
  }
  console.log(lines.join("\n"));
  console.log(
    `\nlargest: ${worstCu.toLocaleString("en-US")} CU of ${MAX_COMPUTE_UNITS.toLocaleString("en-US")}, ` +
      `${worstBytes} bytes of ${MAX_TRANSACTION_BYTES}`,
  );
  if (worstCu > MAX_COMPUTE_UNITS || worstBytes > MAX_TRANSACTION_BYTES) {
    console.error("an instruction exceeds Solana's limits");
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
