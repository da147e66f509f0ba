import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteLimiter, CriDecoder, formatRecord, parseCriLine, parseCriLog, parseLogQuery, selectInitial } from './cri-log.js';

const T1 = '2026-12-01T07:00:00.100000000Z';
const T2 = '2026-12-01T07:00:01.200000000Z';
const T3 = '2026-12-01T07:00:02.300000000Z';

describe('CRI log parsing', () => {
  it('parses time, stream, tag and text of a CRI line', () => {
    const l = parseCriLine(`${T1} stderr F hello world`);
    assert.deepEqual(l, { time: T1, timeMs: Date.parse(T1), stream: 'stderr', partial: false, text: 'hello world' });
  });

  it('rejects lines not in the CRI format', () => {
    assert.equal(parseCriLine('just text'), undefined);
    assert.equal(parseCriLine(`${T1} stdin F x`), undefined);
    assert.equal(parseCriLine(`notatime stdout F x`), undefined);
  });

  it('keeps an empty line as an empty record', () => {
    assert.deepEqual(parseCriLog(`${T1} stdout F \n`).map((r) => r.text), ['']);
  });

  it('joins partial fragments of one stream into one record with the first fragment time', () => {
    const recs = parseCriLog(`${T1} stdout P hel\n${T2} stderr F other\n${T2} stdout P lo \n${T3} stdout F world\n`);
    assert.deepEqual(
      recs.map((r) => [r.stream, r.text, r.time]),
      [
        ['stderr', 'other', T2],
        ['stdout', 'hello world', T1],
      ],
    );
  });

  it('holds a line split across chunks until its newline arrives', () => {
    const d = new CriDecoder();
    assert.deepEqual(d.push(`${T1} stdout F fir`), []);
    assert.deepEqual(
      d.push(`st\n${T2} stdout F second\n`).map((r) => r.text),
      ['first', 'second'],
    );
  });
});

describe('log selection and formatting', () => {
  const recs = parseCriLog(`${T1} stdout F one\n${T2} stdout F two\n${T3} stdout F three\n`);

  it('tailLines keeps the last N records, 0 keeps none', () => {
    assert.deepEqual(selectInitial(recs, { tailLines: 2 }).map((r) => r.text), ['two', 'three']);
    assert.deepEqual(selectInitial(recs, { tailLines: 0 }), []);
    assert.equal(selectInitial(recs, { tailLines: 10 }).length, 3);
  });

  it('since drops records older than the given time before tailing', () => {
    assert.deepEqual(selectInitial(recs, { sinceMs: Date.parse(T2), tailLines: 5 }).map((r) => r.text), ['two', 'three']);
  });

  it('timestamps prefix each line with its RFC3339Nano time', () => {
    assert.equal(formatRecord(recs[0]!, true), `${T1} one\n`);
    assert.equal(formatRecord(recs[0]!, false), 'one\n');
  });

  it('limitBytes cuts the output at the byte limit, mid-line', () => {
    const l = new ByteLimiter(6);
    assert.equal(l.take('one\n'), 'one\n');
    assert.equal(l.take('two\n'), 'tw');
    assert.equal(l.done, true);
    assert.equal(l.take('three\n'), undefined);
  });
});

describe('log query parsing', () => {
  it('reads kubectl parameters', () => {
    const q = parseLogQuery(new URLSearchParams('follow=true&tailLines=5&timestamps=true&sinceSeconds=10&previous=true&limitBytes=100'), 100_000);
    assert.deepEqual(q, { follow: true, timestamps: true, previous: true, tailLines: 5, limitBytes: 100, sinceMs: 90_000 });
  });

  it('rejects a negative tailLines and both since forms', () => {
    assert.throws(() => parseLogQuery(new URLSearchParams('tailLines=-1'), 0), /tailLines/);
    assert.throws(() => parseLogQuery(new URLSearchParams(`sinceSeconds=1&sinceTime=${T1}`), 0), /at most one/);
  });

  it('converts sinceTime to a time', () => {
    assert.equal(parseLogQuery(new URLSearchParams(`sinceTime=${T2}`), 0).sinceMs, Date.parse(T2));
  });
});
