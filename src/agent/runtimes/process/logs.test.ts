import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { criTimestamp, LogPump } from './logs.js';

function setup(maxSizeBytes = 10 * 1024 * 1024, maxFiles = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-logpump-'));
  const files = { stdout: join(dir, 'stdout'), stderr: join(dir, 'stderr'), log: join(dir, 'c.log'), offsets: join(dir, 'offsets.json') };
  writeFileSync(files.stdout, '');
  writeFileSync(files.stderr, '');
  const pump = new LogPump(files, { maxSizeBytes, maxFiles }, () => Date.parse('2026-12-01T07:00:00.123Z'));
  return { dir, files, pump, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('CRI timestamps carry nine fractional digits', () => {
  assert.equal(criTimestamp(Date.parse('2026-12-01T07:00:00.123Z')), '2026-12-01T07:00:00.123000000Z');
});

test('complete lines become F lines tagged with their stream; an unterminated tail waits until exit', () => {
  const s = setup();
  try {
    appendFileSync(s.files.stdout, 'one\ntw');
    appendFileSync(s.files.stderr, 'oops\n');
    s.pump.pump();
    assert.equal(readFileSync(s.files.log, 'utf8'), '2026-12-01T07:00:00.123000000Z stdout F one\n2026-12-01T07:00:00.123000000Z stderr F oops\n');
    appendFileSync(s.files.stdout, 'o\nend');
    s.pump.pump(true);
    const lines = readFileSync(s.files.log, 'utf8').trim().split('\n');
    assert.deepEqual(lines.slice(2), ['2026-12-01T07:00:00.123000000Z stdout F two', '2026-12-01T07:00:00.123000000Z stdout P end']);
  } finally {
    s.done();
  }
});

test('a new pump resumes from the persisted offsets instead of repeating lines', () => {
  const s = setup();
  try {
    appendFileSync(s.files.stdout, 'a\n');
    s.pump.pump();
    appendFileSync(s.files.stdout, 'b\n');
    new LogPump(s.files, { maxSizeBytes: 1e7, maxFiles: 5 }, () => 0).pump();
    assert.deepEqual(readFileSync(s.files.log, 'utf8').trim().split('\n').map((l) => l.split(' ').at(-1)), ['a', 'b']);
  } finally {
    s.done();
  }
});

test('the log rotates at max size and keeps max files in all', () => {
  const s = setup(200, 3);
  try {
    for (let i = 0; i < 20; i++) appendFileSync(s.files.stdout, `line-${String(i).padStart(2, '0')}-${'x'.repeat(20)}\n`);
    s.pump.pump();
    assert.ok(existsSync(`${s.files.log}.1`) && existsSync(`${s.files.log}.2`));
    assert.ok(!existsSync(`${s.files.log}.3`), 'at most 3 files');
    for (const f of [s.files.log, `${s.files.log}.1`, `${s.files.log}.2`]) assert.ok(readFileSync(f).length <= 200);
    assert.match(readFileSync(s.files.log, 'utf8'), /line-19-/);
  } finally {
    s.done();
  }
});
