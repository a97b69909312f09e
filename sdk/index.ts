// Concord SDK: pure protocol logic shared by the trainer, services, CLI and auditors. Re-exports only.
export { anchorDiscriminator } from "./anchorDiscriminator";
export type { DiscriminatorNamespace } from "./anchorDiscriminator";
export * from "./errors/codes";
export { ConcordError, isConcordError } from "./errors/concordError";
export type { ConcordErrorCode, ConcordErrorContext } from "./errors/concordError";
export * from "./upgradeableLoader";
