import type * as codes from "./codes";
import { CONCORD_ERROR_MESSAGES } from "./messages";

type Codes = typeof codes;
export type ConcordErrorCode = Codes[keyof Codes];
export type ConcordErrorContext = Readonly<Record<string, string | number | bigint | boolean | undefined>>;

function render(code: ConcordErrorCode, context: ConcordErrorContext): string {
  return CONCORD_ERROR_MESSAGES[code].replace(/\$(\w+)/g, (_, name: string) => String(context[name] ?? `$${name}`));
}

/** The one error class of Concord's TypeScript: a stable numeric code, a message, and the values behind it. */
export class ConcordError<C extends ConcordErrorCode = ConcordErrorCode> extends Error {
  readonly code: C;
  readonly context: ConcordErrorContext;

  constructor(code: C, context: ConcordErrorContext = {}, options?: { cause?: unknown }) {
    super(render(code, context), options);
    this.name = "ConcordError";
    this.code = code;
    this.context = context;
  }
}

/** Narrows `e` to a ConcordError, optionally of one code. */
export function isConcordError<C extends ConcordErrorCode>(e: unknown, code?: C): e is ConcordError<C> {
  return e instanceof ConcordError && (code === undefined || e.code === code);
}
