import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileFeed, memoryFeed, streamLog } from './log-stream.js';

const T = (s: number): string => `2026-12-01T07:00:0${s}.000000000Z`;

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe('streamLog', () => {
  it('writes the whole log and ends when not following', async () => {
    const lines = [`${T(1)} stdout F a`, `${T(2)} stderr F b`];
    let out = '';
    await streamLog(memoryFeed(() => lines), { follow: false, timestamps: false }, { write: (s) => Promise.resolve(void (out += s)), running: () => true, signal: new AbortController().signal });
    assert.equal(out, 'a\nb\n');
  });

  it('applies tailLines to the existing log, then follows new lines until the container exits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-logs-'));
    try {
      const path = join(dir, '0.log');
      writeFileSync(path, `${T(1)} stdout F one\n${T(2)} stdout F two\n`);
      let out = '';
      let running = true;
      const done = streamLog(fileFeed(path), { follow: true, timestamps: false, tailLines: 1 }, { write: (s) => Promise.resolve(void (out += s)), running: () => running, signal: new AbortController().signal, pollMs: 5 });
      await until(() => out === 'two\n', 'the tail');
      appendFileSync(path, `${T(3)} stdout P thr`);
      appendFileSync(path, `ee\n${T(4)} stdout F !\n`);
      await until(() => out === 'two\nthree!\n', 'the followed line');
      appendFileSync(path, `${T(5)} stdout F last\n`);
      running = false;
      await done;
      assert.equal(out, 'two\nthree!\nlast\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops following when the client goes away', async () => {
    const ac = new AbortController();
    const done = streamLog(memoryFeed(() => []), { follow: true, timestamps: false }, { write: () => Promise.resolve(), running: () => true, signal: ac.signal, pollMs: 10_000 });
    ac.abort();
    await done;
  });

  it('ends a followed stream at limitBytes', async () => {
    const lines = [`${T(1)} stdout F 0123456789`];
    let out = '';
    await streamLog(memoryFeed(() => lines), { follow: true, timestamps: false, limitBytes: 4 }, { write: (s) => Promise.resolve(void (out += s)), running: () => true, signal: new AbortController().signal, pollMs: 5 });
    assert.equal(out, '0123');
  });
});
