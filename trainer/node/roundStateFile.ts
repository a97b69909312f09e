// A member's private round state (error feedback, inner AdamW moments) kept in its state dir, written after every
// round it commits, so a restarted node goes on with the state its next update must be trained from. The file is
// replaced atomically (temp file, fsync, rename): a crash leaves the previous round's file or this one, never half.
// It is valid only for the member's last committed round: a node killed between its commit and the write finds an
// older step and starts its state from zero instead (trainer/audit/reexecution.ts accepts either).
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import type { PublicKey } from "@solana/web3.js";
import type { NamedTensor } from "../../sdk/codec/safetensors";
import { decodeSafetensors, encodeSafetensors } from "../../sdk/codec/safetensors";
import type { RoundState } from "./roundTraining";

const FORMAT = "concord-round-state";

export interface RoundStateOwner {
  readonly run: PublicKey;
  readonly member: PublicKey;
}

export function saveRoundState(path: string, owner: RoundStateOwner, step: number, state: RoundState): void {
  const flat = (prefix: string, xs: readonly Float32Array[]): NamedTensor[] =>
    xs.map((data, i) => ({ name: `${prefix}/${i}`, shape: [data.length], data }));
  const bytes = encodeSafetensors(
    [
      ...flat("error_feedback", state.buffer),
      ...flat("adamw_m", state.adamw?.m ?? []),
      ...flat("adamw_v", state.adamw?.v ?? []),
    ],
    {
      format: FORMAT,
      run: owner.run.toBase58(),
      member: owner.member.toBase58(),
      step: String(step),
      adamw_t: String(state.adamw?.t ?? -1),
    },
  );
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * The state saved after `step` by this member of this run; otherwise (no file, another run, member or step, or a
 * file that does not parse) the reason it cannot be used.
 */
export function loadRoundState(
  path: string,
  owner: RoundStateOwner,
  step: number,
): { state: RoundState } | { unusable: string } {
  if (!existsSync(path)) return { unusable: "no saved round state" };
  let decoded;
  try {
    decoded = decodeSafetensors(readFileSync(path));
  } catch (e) {
    return { unusable: `the saved round state does not parse (${(e as Error).message})` };
  }
  const { tensors, metadata: m } = decoded;
  if (m.format !== FORMAT || m.run !== owner.run.toBase58() || m.member !== owner.member.toBase58())
    return { unusable: "the saved round state is another run's or member's" };
  if (m.step !== String(step))
    return { unusable: `the saved round state is of step ${m.step}, the last receipt on record is of step ${step}` };
  const part = (prefix: string) => tensors.filter((t) => t.name.startsWith(`${prefix}/`)).map((t) => t.data);
  const t = Number(m.adamw_t);
  return {
    state: { buffer: part("error_feedback"), adamw: t >= 0 ? { m: part("adamw_m"), v: part("adamw_v"), t } : null },
  };
}
