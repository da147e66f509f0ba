/**
 * Quantities and durations rendered the way metrics-server serializes them: CPU is a
 * resource.NewScaledQuantity(nanocores, Nano) and memory a resource.NewQuantity(bytes, BinarySI),
 * both in Kubernetes' canonical form ("250m", "123456789n", "2", "5120Ki", "1Mi"); the window is a
 * metav1.Duration (Go's time.Duration String: "10s", "10.5s", "1m0s").
 */

const decimalSuffixes: [number, string][] = [
  [18, 'E'],
  [15, 'P'],
  [12, 'T'],
  [9, 'G'],
  [6, 'M'],
  [3, 'k'],
  [0, ''],
  [-3, 'm'],
  [-6, 'u'],
  [-9, 'n'],
];

/**
 * A CPU usage in nanocores in canonical DecimalSI form: the largest power-of-1000 suffix that keeps
 * the mantissa an integer (250000000 → "250m", 1500000000 → "1500m", 2e9 → "2").
 */
export function formatCpuNanoCores(nanoCores: number): string {
  const n = BigInt(Math.max(0, Math.round(nanoCores)));
  if (n === 0n) return '0';
  for (const [exp, suffix] of decimalSuffixes) {
    const shift = exp + 9; // value in units of 10^exp = n / 10^(exp+9)
    const div = 10n ** BigInt(shift);
    if (n % div === 0n) return `${n / div}${suffix}`;
  }
  return `${n}n`;
}

const binarySuffixes: [bigint, string][] = [
  [1n << 60n, 'Ei'],
  [1n << 50n, 'Pi'],
  [1n << 40n, 'Ti'],
  [1n << 30n, 'Gi'],
  [1n << 20n, 'Mi'],
  [1n << 10n, 'Ki'],
];

/** A memory amount in bytes in canonical BinarySI form (4096 → "4Ki", 1048576 → "1Mi", 1000 → "1000"). */
export function formatMemoryBytes(bytes: number): string {
  const n = BigInt(Math.max(0, Math.round(bytes)));
  if (n === 0n) return '0';
  for (const [div, suffix] of binarySuffixes) if (n % div === 0n) return `${n / div}${suffix}`;
  return String(n);
}

function trimFraction(x: number, digits: number): string {
  return x.toFixed(digits).replace(/\.?0+$/, '');
}

/** Go's time.Duration String for a non-negative number of milliseconds ("15s", "10.5s", "1m30s", "500ms"). */
export function formatGoDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${trimFraction(ms, 6)}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  const sec = `${trimFraction(s, 9) || '0'}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}
