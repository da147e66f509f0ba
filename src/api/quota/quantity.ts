/**
 * Exact resource.Quantity arithmetic for quota and limit-range checks: values are kept as BigInt
 * nano-units with the format of the operand they came from, and printed in upstream's canonical
 * form (Quantity.String()), because quota messages and status.used echo them ("requests.cpu=1500m",
 * "memory=1536Mi"). A pure module: the quota controller and the admission plugins share it.
 */

/** Quantity formats of k8s.io/apimachinery/pkg/api/resource. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A quantity: value in units of 10^-9, and the format it prints in. */
export interface Quantity {
  nano: bigint;
  format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const quantityRe = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const binaryPow: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalExp: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/** Ceiling division for a positive divisor (upstream rounds sub-nano precision up). */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** resource.ParseQuantity; undefined when malformed. Numbers (as JSON may carry) are DecimalSI. */
export function parseQ(input: unknown): Quantity | undefined {
  const s = typeof input === 'number' ? (Number.isFinite(input) ? String(input) : '') : typeof input === 'string' ? input : '';
  const m = quantityRe.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const [whole = '', frac = ''] = (m[2] ?? '').split('.');
  const suffix = m[3] ?? '';
  // digits × 10^-frac.length, then scaled by the suffix
  const digits = BigInt((whole || '0') + frac);
  let exp10 = -frac.length;
  let format: QuantityFormat = 'DecimalSI';
  let mult = 1n;
  if (suffix in binaryPow) {
    format = 'BinarySI';
    mult = 1024n ** BigInt(binaryPow[suffix] ?? 0);
  } else if (/^[eE]/.test(suffix)) {
    format = 'DecimalExponent';
    exp10 += Number(suffix.slice(1));
  } else {
    exp10 += decimalExp[suffix] ?? 0;
  }
  // value in nano = digits × mult × 10^(exp10 + 9)
  const e = exp10 + 9;
  const scaled = digits * mult;
  const nano = e >= 0 ? scaled * 10n ** BigInt(e) : divCeil(scaled, 10n ** BigInt(-e));
  return { nano: sign * nano, format };
}

/** A zero quantity (prints "0"). */
export function zeroQ(format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nano: 0n, format };
}

/** An integer count (pods=1, services.nodeports=2). */
export function intQ(n: number): Quantity {
  return { nano: BigInt(n) * NANO, format: 'DecimalSI' };
}

/** a + b in a's format, or b's when a is zero (Quantity.Add). */
export function addQ(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano + b.nano, format: a.nano === 0n ? b.format : a.format };
}

/** a - b in a's format (Quantity.Sub). */
export function subQ(a: Quantity, b: Quantity): Quantity {
  return { nano: a.nano - b.nano, format: a.nano === 0n ? b.format : a.format };
}

/** -1, 0 or 1 (Quantity.Cmp). */
export function cmpQ(a: Quantity, b: Quantity): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** The value as a double in base units (for ratios). */
export function toNumber(q: Quantity): number {
  return Number(q.nano) / 1e9;
}

function decimalParts(nano: bigint): [bigint, number] {
  let m = nano;
  let exp = -9;
  while (m !== 0n && m % 1000n === 0n && exp < 18) {
    m /= 1000n;
    exp += 3;
  }
  return [m, exp];
}

const decimalSuffix: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const binarySuffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/**
 * Quantity.String(): the canonical form. DecimalSI uses the largest SI suffix that keeps an
 * integer mantissa ("1500m", "2k"); BinarySI uses powers of 1024 for integers of magnitude ≥ 1024
 * and falls back to DecimalSI otherwise ("512", "1536Mi"); DecimalExponent prints "<m>e<exp>".
 */
export function formatQ(q: Quantity): string {
  if (q.nano === 0n) return '0';
  if (q.format === 'BinarySI') {
    const abs = q.nano < 0n ? -q.nano : q.nano;
    if (abs >= 1024n * NANO && abs % NANO === 0n) {
      let m = q.nano / NANO;
      let i = 0;
      while (m % 1024n === 0n && i < 6) {
        m /= 1024n;
        i++;
      }
      return `${m}${binarySuffix[i] ?? ''}`;
    }
  }
  const [m, exp] = decimalParts(q.nano);
  if (q.format === 'DecimalExponent') return exp === 0 ? `${m}` : `${m}e${exp}`;
  return `${m}${decimalSuffix[exp] ?? ''}`;
}

/** A ResourceList (name → quantity). */
export type QList = Map<string, Quantity>;

/** Parses a ResourceList; malformed entries are skipped (validation rejected them already). */
export function parseList(list: unknown): QList {
  const out: QList = new Map();
  if (!list || typeof list !== 'object') return out;
  for (const [k, v] of Object.entries(list as Record<string, unknown>)) {
    const q = parseQ(v);
    if (q) out.set(k, q);
  }
  return out;
}

/** quota.Add: the union, summing common keys. */
export function addList(a: QList, b: QList): QList {
  const out: QList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    out.set(k, cur ? addQ(cur, v) : v);
  }
  return out;
}

/** quota.SubtractWithNonNegativeResult over a's keys (b's extra keys are ignored). */
export function subtractNonNegative(a: QList, b: QList): QList {
  const out: QList = new Map();
  for (const [k, v] of a) {
    const other = b.get(k);
    const d = other ? subQ(v, other) : v;
    out.set(k, d.nano < 0n ? zeroQ(v.format) : d);
  }
  return out;
}

/** quota.Subtract over the union (a - b, keys of b missing in a become negative). */
export function subtractList(a: QList, b: QList): QList {
  const out: QList = new Map(a);
  for (const [k, v] of b) {
    const cur = out.get(k);
    out.set(k, cur ? subQ(cur, v) : { nano: -v.nano, format: v.format });
  }
  return out;
}

/** quota.Mask: only the given names. */
export function maskList(a: QList, names: Iterable<string>): QList {
  const out: QList = new Map();
  for (const n of names) {
    const v = a.get(n);
    if (v) out.set(n, v);
  }
  return out;
}

/** quota.RemoveZeros. */
export function removeZeros(a: QList): QList {
  return new Map([...a].filter(([, v]) => v.nano !== 0n));
}

/** The ResourceList as JSON (canonical strings), keys sorted. */
export function listToJson(a: QList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...a.keys()].sort()) out[k] = formatQ(a.get(k)!);
  return out;
}

/** quota.Equals on the JSON forms (after canonicalising both). */
export function sameList(a: unknown, b: unknown): boolean {
  const x = parseList(a);
  const y = parseList(b);
  if (x.size !== y.size) return false;
  for (const [k, v] of x) {
    const o = y.get(k);
    if (!o || o.nano !== v.nano) return false;
  }
  return true;
}
