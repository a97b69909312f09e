// Byte layout of fixed-size Borsh types from an Anchor IDL: sizes and field offsets. The program's C structs must
// have exactly these offsets (tests/coordinator-idl.test.ts); clients use them to read raw account bytes.
import type { Idl, IdlField, IdlType, IdlTypeDef } from "@coral-xyz/anchor/dist/cjs/idl";
import { CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE } from "./errors/codes";
import { ConcordError } from "./errors/concordError";

const PRIMITIVE_SIZES: Record<string, number> = {
  bool: 1,
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  u64: 8,
  i64: 8,
  f64: 8,
  u128: 16,
  i128: 16,
  pubkey: 32,
};

/** One field of a flattened layout: `path` like `config.warmup_time`, `members[0].stake`, or `receipts` (a vec). */
export interface FieldLayout {
  path: string;
  offset: number;
  size: number;
  /** For a trailing Borsh vec: its u32 length is at `offset`, elements start at offset + 4. */
  vecElementSize?: number;
}

function typeDef(idl: Idl, name: string): IdlTypeDef {
  const def = idl.types?.find((t) => t.name === name);
  if (!def) throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: name, reason: "not defined" });
  return def;
}

/** Size in bytes of a fixed-size IDL type (fieldless enums are one byte). */
export function idlTypeSize(idl: Idl, type: IdlType): number {
  if (typeof type === "string") {
    const size = PRIMITIVE_SIZES[type];
    if (size === undefined)
      throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type, reason: "variable size" });
    return size;
  }
  if ("array" in type) return idlTypeSize(idl, type.array[0]) * Number(type.array[1]);
  if ("defined" in type) {
    const def = typeDef(idl, type.defined.name);
    if (def.type.kind === "enum") {
      if (def.type.variants.some((v) => v.fields?.length))
        throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: def.name, reason: "enum data" });
      return 1;
    }
    if (def.type.kind !== "struct")
      throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: def.name, reason: def.type.kind });
    return ((def.type.fields ?? []) as IdlField[]).reduce((sum, f) => sum + idlTypeSize(idl, f.type), 0);
  }
  throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, {
    type: JSON.stringify(type),
    reason: "variable size",
  });
}

function isStruct(idl: Idl, type: IdlType): type is { defined: { name: string } } {
  return typeof type === "object" && "defined" in type && typeDef(idl, type.defined.name).type.kind === "struct";
}

/**
 * Every leaf field of struct `name`, flattened, with its offset from `base` (8 for an account: the discriminator
 * comes first). Arrays of structs list their first element's fields; a vec may only be the last field.
 */
export function idlFieldLayouts(idl: Idl, name: string, base = 0): FieldLayout[] {
  const def = typeDef(idl, name);
  if (def.type.kind !== "struct")
    throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: name, reason: "not a struct" });
  const out: FieldLayout[] = [];
  let offset = base;
  const fields = (def.type.fields ?? []) as IdlField[];
  fields.forEach((field, index) => {
    const type = field.type;
    if (typeof type === "object" && "vec" in type) {
      if (index !== fields.length - 1)
        throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: name, reason: "vec not last" });
      const elementSize = idlTypeSize(idl, type.vec);
      out.push({ path: field.name, offset, size: 4, vecElementSize: elementSize });
      if (isStruct(idl, type.vec))
        for (const inner of idlFieldLayouts(idl, type.vec.defined.name, offset + 4))
          out.push({ ...inner, path: `${field.name}[0].${inner.path}` });
      return;
    }
    const size = idlTypeSize(idl, type);
    if (isStruct(idl, type)) {
      for (const inner of idlFieldLayouts(idl, type.defined.name, offset))
        out.push({ ...inner, path: `${field.name}.${inner.path}` });
    } else if (typeof type === "object" && "array" in type && isStruct(idl, type.array[0])) {
      out.push({ path: field.name, offset, size });
      for (const inner of idlFieldLayouts(idl, type.array[0].defined.name, offset))
        out.push({ ...inner, path: `${field.name}[0].${inner.path}` });
    } else {
      out.push({ path: field.name, offset, size });
    }
    offset += size;
  });
  return out;
}

/** Offset and size of one field path (see idlFieldLayouts). */
export function idlFieldLayout(idl: Idl, name: string, path: string, base = 0): FieldLayout {
  const found = idlFieldLayouts(idl, name, base).find((f) => f.path === path);
  if (!found) throw new ConcordError(CONCORD_ERROR__CLIENT__UNSUPPORTED_IDL_TYPE, { type: name, reason: `no ${path}` });
  return found;
}
