/**
 * Completed-index bookkeeping of Indexed Jobs (orderedIntervals upstream): status.completedIndexes
 * is a compressed list such as "1,3-5,7", where a run of two is written "3,4".
 */

/** Parses "1,3-5,7" into the indexes below `completions` (invalid pieces are skipped, as upstream). */
export function parseIndexes(s: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  if (!s) return out;
  for (const piece of s.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(piece.trim());
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** Formats indexes in order as upstream's orderedIntervals.String(). */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === last + 1) last = sorted[++i]!;
    if (last === first) parts.push(String(first));
    else if (last === first + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
    i++;
  }
  return parts.join(',');
}

/** firstPendingIndexes: the lowest `n` indexes neither completed nor held by an active pod. */
export function firstPendingIndexes(n: number, completions: number, completed: Set<number>, active: Set<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < n; i++) if (!completed.has(i) && !active.has(i)) out.push(i);
  return out;
}
