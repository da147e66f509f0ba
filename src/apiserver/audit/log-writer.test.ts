import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLogWriter, listBackups } from './log-writer.js';

function tmp(t: { after: (f: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-audit-log-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A clock that moves one second per call, so every rotation gets its own name. */
function steppingClock(start = Date.parse('2026-12-01T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

const line = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(200) });

test('lines are appended to a 0600 file and flushed by close', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'audit.log');
  const w = new AuditLogWriter({ path });
  for (let i = 0; i < 100; i++) w.write(line(i));
  await w.close();
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.equal(lines.length, 100);
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { i: number }).i), [...Array(100).keys()]);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('the file rotates at maxsize into lumberjack-named backups and keeps only maxbackup of them', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'audit.log');
  // 1 MB files, ~5 000 lines of ~215 bytes → about 1 MB each rotation
  const w = new AuditLogWriter({ path, maxSizeMB: 1, maxBackups: 2, now: steppingClock() });
  for (let i = 0; i < 20_000; i++) w.write(line(i));
  await w.close();
  const backups = await listBackups(path);
  assert.equal(backups.length, 2);
  for (const b of backups) {
    assert.match(b.path, /audit-2026-12-01T10-00-\d\d\.000\.log$/);
    assert.ok(statSync(b.path).size <= 1024 * 1024);
  }
  assert.ok(statSync(path).size <= 1024 * 1024);
  // the newest backup ends right where the live file starts: nothing lost at the boundary
  const live = readFileSync(path, 'utf8').trimEnd().split('\n');
  const newest = readFileSync(backups[0]!.path, 'utf8').trimEnd().split('\n');
  assert.equal((JSON.parse(newest.at(-1)!) as { i: number }).i + 1, (JSON.parse(live[0]!) as { i: number }).i);
  assert.equal((JSON.parse(live.at(-1)!) as { i: number }).i, 19_999);
});

test('backups older than maxage days are removed at the next rotation', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'audit.log');
  writeFileSync(join(dir, 'audit-2026-11-01T00-00-00.000.log'), 'old\n');
  writeFileSync(join(dir, 'audit-2026-11-30T12-00-00.000.log'), 'recent\n');
  writeFileSync(join(dir, 'unrelated-2026-11-01T00-00-00.000.log'), 'other\n');
  const w = new AuditLogWriter({ path, maxSizeMB: 1, maxAgeDays: 7, now: steppingClock() });
  for (let i = 0; i < 6000; i++) w.write(line(i));
  await w.close();
  const files = readdirSync(dir).sort();
  assert.ok(!files.includes('audit-2026-11-01T00-00-00.000.log'));
  assert.ok(files.includes('audit-2026-11-30T12-00-00.000.log'));
  assert.ok(files.includes('unrelated-2026-11-01T00-00-00.000.log'));
});

test('an existing log is appended to, counting its size toward the limit', async (t) => {
  const dir = tmp(t);
  const path = join(dir, 'audit.log');
  writeFileSync(path, 'y'.repeat(1024 * 1024 - 100) + '\n');
  const w = new AuditLogWriter({ path, maxSizeMB: 1, now: steppingClock() });
  w.write(line(1));
  await w.close();
  assert.equal((await listBackups(path)).length, 1);
  assert.equal(readFileSync(path, 'utf8'), line(1) + '\n');
});

test('"-" writes the lines to stdout', async () => {
  const out: string[] = [];
  const w = new AuditLogWriter({ path: '-', stdout: { write: (s: string) => out.push(s) > 0 } });
  w.write('a');
  w.write('b');
  await w.close();
  assert.equal(out.join(''), 'a\nb\n');
});

test('write returns at once and lines beyond the buffer bound are dropped and counted', async (t) => {
  const dir = tmp(t);
  const errors: string[] = [];
  const w = new AuditLogWriter({ path: join(dir, 'audit.log'), maxBufferedBytes: 1000, onError: (m) => errors.push(m) });
  for (let i = 0; i < 10; i++) w.write(line(i));
  assert.ok(w.dropped > 0);
  assert.equal(errors.length, 1);
  await w.close();
  assert.equal(readFileSync(join(dir, 'audit.log'), 'utf8').trimEnd().split('\n').length, 10 - w.dropped);
});
