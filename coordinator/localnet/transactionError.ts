// litesvm reports a failed transaction's error only as Rust Debug text (`InstructionError(0, Custom(101))`).
// Solana's JSON-RPC reports the same value in serde's externally tagged JSON (`{"InstructionError":[0,{"Custom":101}]}`),
// which web3.js and Anchor read. The two forms map one to one, so this parses the Debug text rather than keeping a
// hand-made table of variants that would drift from the runtime.

import type { TransactionErrorJson } from "../../sdk/transactionError";

class DebugParser {
  private i = 0;
  constructor(private readonly s: string) {}

  private skipSpace(): void {
    while (this.s[this.i] === " ") this.i++;
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.s[this.i] !== c) throw new Error(`expected '${c}' at ${this.i} in ${this.s}`);
    this.i++;
  }

  private peek(): string {
    this.skipSpace();
    return this.s[this.i];
  }

  value(): unknown {
    const c = this.peek();
    if (c === '"') return this.string();
    if (/[-0-9]/.test(c)) return this.number();
    if (c === "[") return this.list("[", "]");
    const name = this.identifier();
    const next = this.peek();
    if (next === "(") {
      const items = this.list("(", ")");
      return { [name]: items.length === 1 ? items[0] : items };
    }
    if (next === "{") return { [name]: this.struct() };
    return name;
  }

  end(): number {
    return this.i;
  }

  private identifier(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) throw new Error(`expected a name at ${this.i} in ${this.s}`);
    this.i += m[0].length;
    return m[0];
  }

  private number(): number {
    const m = /^-?\d+/.exec(this.s.slice(this.i));
    this.i += m![0].length;
    return Number(m![0]);
  }

  private string(): string {
    let out = "";
    this.i++; // opening quote
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      if (this.s[this.i] === "\\") this.i++;
      out += this.s[this.i++];
    }
    this.i++;
    return out;
  }

  private list(open: string, close: string): unknown[] {
    this.expect(open);
    const items: unknown[] = [];
    while (this.peek() !== close) {
      items.push(this.value());
      if (this.peek() === ",") this.i++;
    }
    this.i++;
    return items;
  }

  private struct(): Record<string, unknown> {
    this.expect("{");
    const out: Record<string, unknown> = {};
    while (this.peek() !== "}") {
      const key = this.identifier();
      this.expect(":");
      out[key] = this.value();
      if (this.peek() === ",") this.i++;
    }
    this.i++;
    return out;
  }
}

/** Parses one Rust Debug value, e.g. `InsufficientFundsForRent { account_index: 1 }`, into serde's JSON form. */
export function debugToJson(text: string): TransactionErrorJson {
  return new DebugParser(text).value() as TransactionErrorJson;
}

/** The error of a failed litesvm transaction, from its `toString()`: `...{ err: <Debug>, meta: ... }`. */
export function transactionErrorFromFailure(description: string): TransactionErrorJson {
  const start = description.indexOf("err: ");
  if (start < 0) return "ProgramFailedToComplete"; // never seen; keeps the RPC answer well formed
  return debugToJson(description.slice(start + 5));
}
