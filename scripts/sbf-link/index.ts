export { link } from "./link";
export type { LinkOptions, LinkResult, LinkStats } from "./link";
export { LinkError } from "./linkError";
export type { LinkErrorCode } from "./linkError";
export { readElf, readObject } from "./readObject";
export type { ObjectFile, InputSection, InputSymbol } from "./readObject";
