// Asserts that `f` throws a ConcordError with `code` (any other throw, or none, fails the test); returns the error.
import type { ConcordError } from "../../sdk/errors/concordError";
import { isConcordError } from "../../sdk/errors/concordError";

export function expectConcordError(f: () => unknown, code: number): ConcordError {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  if (!isConcordError(thrown)) throw new Error(`expected ConcordError ${code}, got ${String(thrown ?? "no error")}`);
  expect(thrown.code).toBe(code);
  return thrown;
}
