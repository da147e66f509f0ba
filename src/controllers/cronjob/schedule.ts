/**
 * CronJob schedule arithmetic (pkg/controller/cronjob/utils.go): the most recent unmet schedule
 * time since max(lastScheduleTime, creationTimestamp) — narrowed by startingDeadlineSeconds —,
 * the "too many missed start times" rule (more than 100 → a warning, the most recent still runs),
 * the requeue delay to the next activation (+100 ms against clock skew), job names
 * `<cronjob>-<minutes since epoch>` and the scheduled-timestamp annotation in the CronJob's zone.
 */
import { nextActivation, parseCronSchedule, type CronSchedule } from '../../api/registry/batch/cron.js';

/** The CronJob fields the schedule arithmetic reads. */
export interface ScheduleView {
  creationTimestamp?: string;
  lastScheduleTime?: string;
  startingDeadlineSeconds?: number;
  timeZone?: string;
}

/** How many activations were missed since the earliest time. */
export type Missed = 'none' | 'few' | 'many';

/** upstream's nextScheduleDelta */
export const NEXT_SCHEDULE_DELTA_MS = 100;

/** A parsed schedule with the zone it runs in (a TZ= prefix wins over spec.timeZone). */
export interface ZonedSchedule {
  sched: CronSchedule;
  timeZone?: string;
}

/** cron.ParseStandard of spec.schedule, evaluated in spec.timeZone (throws CronParseError). */
export function parseZoned(schedule: string, timeZone?: string): ZonedSchedule {
  return { sched: parseCronSchedule(schedule), ...(timeZone ? { timeZone } : {}) };
}

/** Schedule.Next: the first activation strictly after `t` (undefined: never, robfig's zero time). */
export function next(z: ZonedSchedule, t: Date): Date | undefined {
  return nextActivation(z.sched, t, z.timeZone);
}

/** Result of mostRecentScheduleTime. */
export interface MostRecent {
  earliest: Date;
  mostRecent?: Date;
  missed: Missed;
}

/** mostRecentScheduleTime; throws when two activations are less than a second apart (or never come). */
export function mostRecentScheduleTime(cj: ScheduleView, now: Date, z: ZonedSchedule, includeDeadline: boolean): MostRecent {
  let earliest = new Date(Date.parse(cj.lastScheduleTime ?? cj.creationTimestamp ?? '') || now.getTime());
  if (includeDeadline && cj.startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - cj.startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = next(z, earliest);
  if (t1 && now < t1) return { earliest, missed: 'none' };
  const t2 = t1 ? next(z, t1) : undefined;
  if (t1 && t2 && now < t2) return { earliest, mostRecent: t1, missed: 'few' };
  if (!t1 || !t2) throw new Error('time difference between two schedules is less than 1 second');
  const between = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (between < 1) throw new Error('time difference between two schedules is less than 1 second');
  // Rough count of the missed activations, then walk from just before the last few of them.
  const elapsed = Math.floor((now.getTime() - t1.getTime()) / 1000);
  const missedCount = Math.floor(elapsed / between) + 1;
  let mostRecent: Date | undefined;
  const from = new Date(t1.getTime() + (missedCount - 2) * between * 1000);
  for (let t = next(z, from); t && t <= now; t = next(z, t)) mostRecent = t;
  return { earliest, mostRecent, missed: missedCount > 100 ? 'many' : 'few' };
}

/** nextScheduleTime: the activation to run now, if any, and whether too many were missed. */
export function nextScheduleTime(cj: ScheduleView, now: Date, z: ZonedSchedule): { time?: Date; tooManyMissed: boolean } {
  const r = mostRecentScheduleTime(cj, now, z, true);
  if (!r.mostRecent || r.mostRecent > now) return { tooManyMissed: false };
  return { time: r.mostRecent, tooManyMissed: r.missed === 'many' };
}

/** nextScheduleTimeDuration: milliseconds until just after the next activation. */
export function nextScheduleDelayMs(cj: ScheduleView, now: Date, z: ZonedSchedule): number | undefined {
  let base: Date;
  try {
    const r = mostRecentScheduleTime(cj, now, z, false);
    base = r.mostRecent ?? (r.missed === 'none' ? r.earliest : now);
  } catch {
    base = now;
  }
  const t = next(z, base);
  return t ? t.getTime() + NEXT_SCHEDULE_DELTA_MS - now.getTime() : undefined;
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** time.Format(time.RFC3339) of `t` in zone `tz` (UTC when unset): "2024-05-01T14:00:00+02:00". */
export function rfc3339InZone(t: Date, tz?: string): string {
  const utc = t.toISOString().replace(/\.\d+Z$/, 'Z');
  if (!tz || tz === 'UTC') return utc;
  const name = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' }).formatToParts(t).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT([+-])(\d{2}):?(\d{2})?$/.exec(name);
  if (!m) return utc;
  const sign = m[1] === '-' ? -1 : 1;
  const offsetMin = sign * (Number(m[2]) * 60 + Number(m[3] ?? '0'));
  const local = new Date(t.getTime() + offsetMin * 60_000).toISOString().replace(/\.\d+Z$/, '');
  return `${local}${m[1]}${m[2]}:${m[3] ?? '00'}`;
}

/** time.RFC1123Z in UTC, as the MissSchedule event writes it: "Wed, 01 May 2024 12:00:00 +0000". */
export function rfc1123z(t: Date): string {
  return t.toUTCString().replace(/GMT$/, '+0000');
}
