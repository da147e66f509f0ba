/**
 * Cron schedules as the CronJob API parses them: github.com/robfig/cron/v3's ParseStandard
 * (5 fields, month/day names, ranges, steps, `?`, descriptors such as @hourly and "@every 1h30m",
 * an optional TZ=/CRON_TZ= prefix), with its exact error messages, plus IANA time-zone checks
 * (time.LoadLocation) and a next-activation calculator for the CronJob controller.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A parsed schedule: allowed values per field, or a fixed interval ("@every"). */
export type CronSchedule =
  | {
      kind: 'spec';
      minute: Set<number>;
      hour: Set<number>;
      dom: Set<number>;
      month: Set<number>;
      dow: Set<number>;
      /** robfig's starBit: a "*" (or "?") day field makes day matching an AND instead of an OR */
      domStar: boolean;
      dowStar: boolean;
      /** from a TZ=/CRON_TZ= prefix */
      timeZone?: string;
    }
  | { kind: 'every'; ms: number; timeZone?: string };

/** Thrown with robfig/cron's message for an unparsable schedule. */
export class CronParseError extends Error {}

/** strconv.Atoi with Go's error text. */
function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new CronParseError(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2 ** 63 - 1) {
    throw new CronParseError(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: value out of range`);
  }
  return n;
}

function mustParseInt(s: string): number {
  const n = atoi(s);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function parseIntOrName(s: string, names?: Record<string, number>): number {
  const named = names?.[s.toLowerCase()];
  return named !== undefined ? named : mustParseInt(s);
}

/** getRange: one comma-separated piece ("*", "5", "1-5", "*\/15", "10/5", "mon-fri"). */
function getRange(expr: string, r: Bounds, out: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = (rangeAndStep[0] ?? '').split('-');
  const singleDigit = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  const low = lowAndHigh[0] ?? '';
  if (low === '*' || low === '?') {
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(low, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1] ?? '', r.names);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1] ?? '');
    if (singleDigit) end = r.max; // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronParseError(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new CronParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
  return star;
}

function getField(f: string, r: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of f.split(',').filter((x) => x !== '')) star = getRange(expr, r, values) || star;
  return { values, star };
}

const durationUnits: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration (milliseconds), with Go's error messages. */
export function parseGoDuration(s: string): number {
  const quoted = JSON.stringify(s);
  let rest = s;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new CronParseError(`time: invalid duration ${quoted}`);
  let total = 0;
  while (rest !== '') {
    const num = /^(\d*)(\.\d*)?/.exec(rest);
    const digits = num?.[0] ?? '';
    if (digits === '' || digits === '.') throw new CronParseError(`time: invalid duration ${quoted}`);
    rest = rest.slice(digits.length);
    const unit = /^[^\d.]*/.exec(rest)?.[0] ?? '';
    if (unit === '') throw new CronParseError(`time: missing unit in duration ${quoted}`);
    const mult = durationUnits[unit];
    if (mult === undefined) throw new CronParseError(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    total += Number(digits) * mult;
    rest = rest.slice(unit.length);
  }
  return sign * total;
}

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** cron.ParseStandard. Throws CronParseError with upstream's message. */
export function parseCronSchedule(input: string): CronSchedule {
  let spec = input;
  if (spec.length === 0) throw new CronParseError('empty spec string');
  let timeZone: string | undefined;
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const eq = spec.indexOf('=');
    // Without a space robfig slices out of range and panics; Kubernetes recovers it as an error.
    if (i < 0) throw new CronParseError(`invalid schedule ${input}: runtime error: slice bounds out of range [:-1]`);
    const loc = spec.slice(eq + 1, i);
    const tzErr = loadLocationError(loc);
    if (tzErr) throw new CronParseError(`provided bad location ${loc}: ${tzErr}`);
    timeZone = loc;
    spec = spec.slice(i).trim();
  }
  if (spec.startsWith('@')) {
    const fixed = descriptors[spec];
    if (fixed) return { ...parseFields(fixed.split(' ')), timeZone };
    if (spec.startsWith('@every ')) {
      let ms: number;
      try {
        ms = parseGoDuration(spec.slice('@every '.length));
      } catch (e) {
        throw new CronParseError(`failed to parse duration ${spec}: ${(e as Error).message}`);
      }
      // cron.Every: intervals below a second are rounded up to one second.
      return { kind: 'every', ms: Math.max(1000, Math.floor(ms / 1000) * 1000), timeZone };
    }
    throw new CronParseError(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return { ...parseFields(fields), timeZone };
}

function parseFields(fields: string[]): Extract<CronSchedule, { kind: 'spec' }> {
  const [mi, h, d, mo, w] = fields.map((f) => f ?? '');
  const minute = getField(mi ?? '', minutes);
  const hour = getField(h ?? '', hours);
  const day = getField(d ?? '', dom);
  const month = getField(mo ?? '', months);
  const week = getField(w ?? '', dow);
  return { kind: 'spec', minute: minute.values, hour: hour.values, dom: day.values, month: month.values, dow: week.values, domStar: day.star, dowStar: week.star };
}

/** The error message for an invalid schedule, or undefined when it parses. */
export function scheduleError(spec: string): string | undefined {
  try {
    parseCronSchedule(spec);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** time.LoadLocation's error for a name ("unknown time zone X"), undefined when it loads. */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  // ICU matches zone names case-insensitively; the zoneinfo files Go reads do not.
  const canonical = Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === name.toLowerCase());
  if (canonical !== undefined && canonical !== name) return `unknown time zone ${name}`;
  return undefined;
}

interface Wall {
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
}

const weekdays: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function wallClock(t: number, fmt: Intl.DateTimeFormat): Wall {
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(t))) parts[p.type] = p.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: weekdays[parts.weekday ?? ''] ?? 0,
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
  };
}

/**
 * The first activation strictly after `after` (robfig's SpecSchedule.Next, minute precision),
 * in the schedule's TZ= zone, else `timeZone`, else UTC. Undefined when nothing matches within
 * five years (e.g. "0 0 30 2 *"), as robfig returns the zero time.
 */
export function nextActivation(s: CronSchedule, after: Date, timeZone?: string): Date | undefined {
  if (s.kind === 'every') return new Date(Math.floor(after.getTime() / 1000) * 1000 + s.ms);
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: s.timeZone ?? timeZone ?? 'UTC',
    hourCycle: 'h23',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: 'numeric',
  });
  const minute = 60_000;
  let t = Math.floor(after.getTime() / minute) * minute + minute;
  const limit = after.getTime() + 5 * 366 * 24 * 60 * minute;
  while (t <= limit) {
    const w = wallClock(t, fmt);
    const domOk = s.dom.has(w.day);
    const dowOk = s.dow.has(w.weekday);
    // dayMatches: either field being a star means both must match, otherwise either may.
    const dayOk = s.domStar || s.dowStar ? domOk && dowOk : domOk || dowOk;
    if (!s.month.has(w.month) || !dayOk) t += ((23 - w.hour) * 60 + (60 - w.minute)) * minute;
    else if (!s.hour.has(w.hour)) t += (60 - w.minute) * minute;
    else if (!s.minute.has(w.minute)) t += minute;
    else return new Date(t);
  }
  return undefined;
}
