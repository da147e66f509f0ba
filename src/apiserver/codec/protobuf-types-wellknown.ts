/**
 * JSON forms of the apimachinery well-known messages whose Go MarshalJSON is not a plain struct:
 * metav1.Time/MicroTime (RFC3339 strings) and metav1.Duration (time.Duration.String()).
 */

/** metav1.Time marshals as RFC3339 in UTC with whole seconds; MicroTime with 6 fractional digits. */
export function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const iso = new Date(seconds * 1000).toISOString(); // "2024-01-02T03:04:05.000Z"
  const base = iso.slice(0, 19);
  if (!micro) return `${base}Z`;
  return `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
}

/** time.Duration.String(): "1h2m3.5s", "0s", "150ms" — what metav1.Duration prints in JSON. */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let n = Math.abs(ns);
  if (n < 1e9) {
    const [unit, div] = n < 1e3 ? ['ns', 1] : n < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return `${sign}${trimFrac(n / div)}${unit}`;
  }
  const h = Math.floor(n / 3.6e12);
  n -= h * 3.6e12;
  const m = Math.floor(n / 6e10);
  n -= m * 6e10;
  const s = `${trimFrac(n / 1e9)}s`;
  return sign + (h ? `${h}h${m}m${s}` : m ? `${m}m${s}` : s);
}

function trimFrac(v: number): string {
  return String(Number(v.toFixed(9)));
}
