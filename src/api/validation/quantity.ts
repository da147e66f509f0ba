/**
 * resource.Quantity parsing (k8s.io/apimachinery/pkg/api/resource): a signed decimal number with
 * an optional suffix — binary SI (Ki..Ei), decimal SI (n u m "" k M G T P E) or a decimal
 * exponent (e3, E-2). Values are returned as plain numbers in base units; precision beyond a
 * double is not needed for scheduling and validation.
 */

const multipliers: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const quantityRe = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** The quantity's value in base units ("100m" → 0.1, "1Gi" → 1073741824), or undefined when malformed. */
export function parseQuantity(s: string | number): number | undefined {
  if (typeof s === 'number') return Number.isFinite(s) ? s : undefined;
  if (typeof s !== 'string') return undefined;
  const m = quantityRe.exec(s.trim() === s ? s : '');
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (/^[eE]/.test(suffix)) return num * 10 ** Number(suffix.slice(1));
  const mult = multipliers[suffix];
  return mult === undefined ? undefined : num * mult;
}

/** resource.ParseQuantity succeeds. */
export function isValidQuantity(s: unknown): boolean {
  return (typeof s === 'string' || typeof s === 'number') && parseQuantity(s) !== undefined;
}

/** The error text upstream's JSON decoder gives for a malformed quantity (resource.ErrFormatWrong). */
export const quantityFormatError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/**
 * Canonical-ish rendering for messages (e.g. "must be less than or equal to cpu limit of 1"):
 * upstream prints the Quantity's String(), which for user input is usually the input itself.
 */
export function formatQuantity(q: unknown): string {
  return typeof q === 'number' ? String(q) : typeof q === 'string' ? q : '';
}
