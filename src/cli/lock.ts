/**
 * One `kubeling up` per data dir: a lock file holding the owner's pid. A lock left by a process
 * that no longer exists is taken over; a live owner makes the second start fail clearly.
 */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from 'node:fs';

export class LockedError extends Error {
  constructor(readonly pid: number, readonly path: string) {
    super(`another kubeling (pid ${pid}) is already running on this data dir (${path}); stop it first, or start this one with another --data-dir`);
    this.name = 'LockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock; returns a release function. */
export function acquireLock(path: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new LockedError(pid, path);
      unlinkSync(path); // stale: its owner is gone
    }
  }
  throw new Error(`could not take the lock ${path}`);
}
