/**
 * `kubectl attach` for runtimes whose containers' stdio are not held open by the agent (the
 * process runtime writes them to files, so they survive an agent restart): the session follows
 * the container's CRI log from its current end, as an attach sees only output produced after it
 * connects, splitting records back into stdout and stderr, and ends when the container stops.
 * stdin cannot reach such a container; a runtime that can attach stdin implements
 * `Runtime.attach` instead.
 */
import { PassThrough } from 'node:stream';
import type { ExecSession } from '../runtime.js';
import { CriDecoder } from './cri-log.js';
import type { LogFeed } from './log-stream.js';

/** What following needs: the log, whether the container still runs, and the poll interval. */
export interface LogAttachOptions {
  feed: LogFeed;
  running(): boolean;
  pollMs?: number;
}

/** Starts following; the session's `exited` resolves with 0 when the container stopped (kubelet reports no exit code for attach). */
export async function logAttachSession(o: LogAttachOptions): Promise<ExecSession> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  const decoder = new CriDecoder();
  let pos = (await o.feed.read(0)).next;
  const emit = (data: string, final: boolean): void => {
    const recs = [...decoder.push(data), ...(final ? [...decoder.push('\n'), ...decoder.flush()] : [])];
    for (const r of recs) (r.stream === 'stderr' ? stderr : stdout).write(`${r.text}\n`);
  };
  const exited = (async (): Promise<number> => {
    while (!stopped) {
      // The flag first, so output written just before the exit is still read.
      const wasRunning = o.running();
      const next = await o.feed.read(pos);
      pos = next.next;
      emit(next.data, !wasRunning);
      if (!wasRunning) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, o.pollMs ?? 200);
      });
    }
    stdout.end();
    stderr.end();
    return 0;
  })();
  return {
    stdout,
    stderr,
    exited,
    kill: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      wake?.();
    },
  };
}
