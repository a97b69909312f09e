/** Stable codes so build scripts and tests can tell failures apart without parsing messages. */
export type LinkErrorCode =
  | "NOT_BPF_OBJECT"
  | "MALFORMED_OBJECT"
  | "WRITABLE_SECTION"
  | "NO_TEXT"
  | "NO_ENTRYPOINT"
  | "DUPLICATE_SYMBOL"
  | "UNDEFINED_SYMBOL"
  | "UNKNOWN_SYSCALL"
  | "UNSUPPORTED_RELOCATION"
  | "BAD_RELOCATION_SITE";

export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    message: string,
  ) {
    super(`sbf-link: ${message}`);
    this.name = "LinkError";
  }
}
