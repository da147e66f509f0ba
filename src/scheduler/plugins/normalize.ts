/** Shared NormalizeScore helpers (pkg/scheduler/framework/plugins/helper/normalize_score.go). */
import { MAX_NODE_SCORE } from '../types.js';

/**
 * DefaultNormalizeScore: scale to 0..100 by the maximum; `reverse` flips it (lower raw is better).
 * All-zero raw scores become 0, or 100 when reversed.
 */
export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MAX_NODE_SCORE * scores[i]!) / max);
    if (reverse) s = MAX_NODE_SCORE - s;
    scores[i] = s;
  }
}
