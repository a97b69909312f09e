// The sync check: witnesses report their parameter hash with each witness; honest members that applied the same
// accepted updates hold the same one. The hash most reporters agree on is the reference; the others are out of sync
// (a member that skipped or altered an outer step, or runs other code).

export interface SyncReport {
  readonly member: string;
  readonly hash: string;
}

export interface SyncResult {
  /** The hash most reporters hold (ties: the lexicographically first, so every auditor picks the same). */
  readonly reference: string | null;
  readonly outOfSync: readonly SyncReport[];
}

export function parameterSync(reports: readonly SyncReport[]): SyncResult {
  const counts = new Map<string, number>();
  for (const r of reports) counts.set(r.hash, (counts.get(r.hash) ?? 0) + 1);
  let reference: string | null = null;
  for (const [hash, n] of counts) {
    const best = reference === null ? 0 : counts.get(reference)!;
    if (n > best || (n === best && hash < reference!)) reference = hash;
  }
  return { reference, outOfSync: reports.filter((r) => r.hash !== reference) };
}
