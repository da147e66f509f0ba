import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLocationError, nextActivation, parseCronSchedule, parseGoDuration, scheduleError } from './cron.js';

test('standard five-field schedules, names, steps and descriptors parse', () => {
  for (const s of ['*/1 * * * *', '0 0 * * *', '5 4 * * sun', '0 22 * * 1-5', '0,30 9-17 ? JAN-jun MON', '@hourly', '@every 1h30m', '10/15 * * * *']) {
    assert.equal(scheduleError(s), undefined, s);
  }
});

test('malformed schedules report robfig/cron messages', () => {
  assert.equal(scheduleError(''), 'empty spec string');
  assert.equal(scheduleError('* * * *'), 'expected exactly 5 fields, found 4: [* * * *]');
  assert.equal(scheduleError('60 * * * *'), 'end of range (60) above maximum (59): 60');
  assert.equal(scheduleError('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(scheduleError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(scheduleError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(scheduleError('foo * * * *'), 'failed to parse int from foo: strconv.Atoi: parsing "foo": invalid syntax');
  assert.equal(scheduleError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
  assert.equal(scheduleError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(scheduleError('@every 5'), 'failed to parse duration @every 5: time: missing unit in duration "5"');
});

test('a TZ= prefix is parsed and a bad location reported', () => {
  const s = parseCronSchedule('TZ=Europe/Paris 0 9 * * *');
  assert.equal(s.timeZone, 'Europe/Paris');
  assert.equal(scheduleError('CRON_TZ=Mars/Olympus 0 9 * * *'), 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus');
});

test('Go durations parse with units', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.throws(() => parseGoDuration('3x'), /time: unknown unit "x" in duration "3x"/);
});

test('time zones load as Go would, case-sensitively', () => {
  assert.equal(loadLocationError('America/New_York'), undefined);
  assert.equal(loadLocationError('UTC'), undefined);
  assert.equal(loadLocationError('america/new_york'), 'unknown time zone america/new_york');
  assert.equal(loadLocationError('Nowhere/City'), 'unknown time zone Nowhere/City');
});

test('next activations follow minutes, hours and the day-of-month/day-of-week rule', () => {
  const at = (s: string, from: string, tz?: string): string | undefined => nextActivation(parseCronSchedule(s), new Date(from), tz)?.toISOString();
  assert.equal(at('*/1 * * * *', '2025-03-01T10:00:30Z'), '2025-03-01T10:01:00.000Z');
  assert.equal(at('*/15 * * * *', '2025-03-01T10:00:00Z'), '2025-03-01T10:15:00.000Z');
  assert.equal(at('0 9 * * *', '2025-03-01T10:00:00Z'), '2025-03-02T09:00:00.000Z');
  // 2025-03-03 is a Monday: with both day fields restricted either may match.
  assert.equal(at('0 0 15 * mon', '2025-03-01T00:00:00Z'), '2025-03-03T00:00:00.000Z');
  assert.equal(at('0 9 * * *', '2025-03-01T10:00:00Z', 'America/New_York'), '2025-03-01T14:00:00.000Z');
  assert.equal(at('0 0 30 2 *', '2025-01-01T00:00:00Z'), undefined);
  assert.equal(at('@every 90s', '2025-03-01T10:00:00Z'), '2025-03-01T10:01:30.000Z');
});
