/**
 * Streams one container's log to a client the way kubelet does for `GET /containerLogs/...`:
 * what exists is filtered (since, tail) and written; with `follow` new records are written as
 * they appear until the container stops running (kubelet's follow ends when the container
 * exits) or the client goes away.
 */
import { open, stat } from 'node:fs/promises';
import { ByteLimiter, CriDecoder, formatRecord, selectInitial, type LogQuery, type LogRecord } from './cri-log.js';

/** Where a container's CRI text comes from: read from a position, get the next position. */
export interface LogFeed {
  read(from: number): Promise<{ data: string; next: number }>;
}

/** A CRI log file, read by byte offset; a missing file reads as empty. */
export function fileFeed(path: string): LogFeed {
  return {
    async read(from) {
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch {
        return { data: '', next: from };
      }
      // A rotated (truncated) file starts over.
      const start = size < from ? 0 : from;
      if (size === start) return { data: '', next: start };
      const fh = await open(path, 'r');
      try {
        const buf = Buffer.alloc(size - start);
        const { bytesRead } = await fh.read(buf, 0, buf.length, start);
        return { data: buf.subarray(0, bytesRead).toString('utf8'), next: start + bytesRead };
      } finally {
        await fh.close();
      }
    },
  };
}

/** CRI lines kept in memory (the simulated runtime without a log dir), read by line index. */
export function memoryFeed(lines: () => string[]): LogFeed {
  return {
    read(from) {
      const all = lines();
      const start = all.length < from ? 0 : from;
      const data = all.slice(start).map((l) => `${l}\n`).join('');
      return Promise.resolve({ data, next: all.length });
    },
  };
}

/** Dependencies of streamLog: the sink, whether to keep following, and the poll timer. */
export interface LogStreamDeps {
  /** writes output; resolves when the sink accepted it (back-pressure) */
  write(s: string): Promise<void>;
  /** whether the container is still running (follow stops after it exits and the log is drained) */
  running(): boolean;
  /** aborted when the client disconnects */
  signal: AbortSignal;
  /** follow poll interval (default 200 ms) */
  pollMs?: number;
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Writes the log per the query; returns when done (not following, container exited, limit hit, or aborted). */
export async function streamLog(feed: LogFeed, q: LogQuery, deps: LogStreamDeps): Promise<void> {
  const limiter = new ByteLimiter(q.limitBytes);
  const decoder = new CriDecoder();
  const emit = async (recs: LogRecord[]): Promise<void> => {
    for (const r of recs) {
      if (q.sinceMs !== undefined && r.timeMs < q.sinceMs) continue;
      const s = limiter.take(formatRecord(r, q.timestamps));
      if (s === undefined || deps.signal.aborted) return;
      await deps.write(s);
    }
  };
  const first = await feed.read(0);
  let pos = first.next;
  const initial = decoder.push(first.data);
  await emit(selectInitial(initial, q));
  if (!q.follow) {
    // A last line still missing its newline is part of the log, too.
    const tail = decoder.push('\n');
    await emit(selectInitial([...tail, ...decoder.flush()], { tailLines: q.tailLines === undefined ? undefined : Math.max(0, q.tailLines - initial.length) }));
    return;
  }
  const pollMs = deps.pollMs ?? 200;
  for (;;) {
    if (deps.signal.aborted || limiter.done) return;
    // Read the running flag before the feed, so records written just before the exit are not lost.
    const wasRunning = deps.running();
    const next = await feed.read(pos);
    pos = next.next;
    if (next.data) await emit(decoder.push(next.data));
    if (!wasRunning) {
      await emit([...decoder.push('\n'), ...decoder.flush()]);
      return;
    }
    await wait(pollMs, deps.signal);
  }
}
