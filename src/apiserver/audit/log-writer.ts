/**
 * The audit log file (kube-apiserver --audit-log-path with its lumberjack rotation): lines are
 * queued in memory and appended by one asynchronous loop, so a request never waits for the
 * disk; when the file would grow past maxsize it is renamed to `<name>-<UTC time>.<ext>` (as
 * lumberjack names backups, e.g. `audit-2026-12-01T10-00-00.000.log`) and a new one started;
 * backups beyond maxbackup or older than maxage days are removed. `-` writes to stdout.
 */
import { open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { mkdirSync } from 'node:fs';

export interface AuditLogWriterOptions {
  /** file path, or "-" for stdout */
  path: string;
  /** --audit-log-maxsize in megabytes; 0 means lumberjack's default of 100 */
  maxSizeMB?: number;
  /** --audit-log-maxbackup: rotated files kept; 0 keeps all (subject to maxAge) */
  maxBackups?: number;
  /** --audit-log-maxage: days a rotated file is kept; 0 keeps them regardless of age */
  maxAgeDays?: number;
  now?: () => Date;
  /** queued bytes beyond which new lines are dropped (and counted) rather than buffered without bound */
  maxBufferedBytes?: number;
  /** where write failures and drops are reported (once per burst) */
  onError?: (message: string) => void;
  /** stdout replacement, for tests */
  stdout?: { write(s: string): boolean };
}

const MB = 1024 * 1024;

export class AuditLogWriter {
  private queue: string[] = [];
  private queuedBytes = 0;
  private running: Promise<void> | undefined;
  private fh: FileHandle | undefined;
  private size = 0;
  private closed = false;
  private reportedDrop = false;
  /** lines dropped because the queue was full */
  dropped = 0;
  private readonly maxSize: number;
  private readonly now: () => Date;
  private readonly maxBuffered: number;

  constructor(private readonly o: AuditLogWriterOptions) {
    this.maxSize = (o.maxSizeMB && o.maxSizeMB > 0 ? o.maxSizeMB : 100) * MB;
    this.now = o.now ?? (() => new Date());
    this.maxBuffered = o.maxBufferedBytes ?? 64 * MB;
    if (o.path !== '-') mkdirSync(dirname(o.path), { recursive: true, mode: 0o700 });
  }

  /** Queues one line (a newline is added); never blocks. */
  write(line: string): void {
    if (this.closed) return;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.queuedBytes + bytes > this.maxBuffered) {
      this.dropped++;
      if (!this.reportedDrop) this.o.onError?.(`audit log ${this.o.path}: writes are falling behind, dropping events`);
      this.reportedDrop = true;
      return;
    }
    this.queue.push(line + '\n');
    this.queuedBytes += bytes;
    this.running ??= this.drain();
  }

  /** Resolves once every line queued so far is written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    await this.fh?.close();
    this.fh = undefined;
  }

  private async drain(): Promise<void> {
    // Let the requests of this tick queue their lines first, then write them in one go.
    await new Promise<void>((r) => setImmediate(r));
    try {
      while (this.queue.length) {
        const lines = this.queue;
        this.queue = [];
        this.queuedBytes = 0;
        this.reportedDrop = false;
        await this.writeLines(lines);
      }
    } catch (e) {
      // Report and drop what is queued rather than retrying a failing disk in a tight loop.
      this.o.onError?.(`audit log ${this.o.path}: ${(e as Error).message}`);
      this.dropped += this.queue.length;
      this.queue = [];
      this.queuedBytes = 0;
      await this.fh?.close().catch(() => undefined);
      this.fh = undefined;
    } finally {
      this.running = undefined;
      if (this.queue.length) this.running = this.drain();
    }
  }

  private async writeLines(lines: string[]): Promise<void> {
    if (this.o.path === '-') {
      (this.o.stdout ?? process.stdout).write(lines.join(''));
      return;
    }
    await this.ensureOpen();
    let chunk: string[] = [];
    let chunkBytes = 0;
    for (const line of lines) {
      const n = Buffer.byteLength(line);
      if (this.size + chunkBytes + n > this.maxSize && this.size + chunkBytes > 0) {
        await this.append(chunk);
        chunk = [];
        chunkBytes = 0;
        await this.rotate();
      }
      chunk.push(line);
      chunkBytes += n;
    }
    await this.append(chunk);
  }

  private async append(chunk: string[]): Promise<void> {
    if (!chunk.length) return;
    const buf = Buffer.from(chunk.join(''));
    await this.fh!.write(buf);
    this.size += buf.length;
  }

  private async ensureOpen(): Promise<void> {
    if (this.fh) return;
    this.fh = await open(this.o.path, 'a', 0o600);
    this.size = (await this.fh.stat()).size;
  }

  private async rotate(): Promise<void> {
    await this.fh?.close();
    this.fh = undefined;
    const ext = extname(this.o.path);
    const base = join(dirname(this.o.path), basename(this.o.path, ext));
    const stamp = this.now().toISOString().replace(/:/g, '-').replace(/Z$/, '');
    let target = `${base}-${stamp}${ext}`;
    for (let i = 1; await exists(target); i++) target = `${base}-${stamp}.${i}${ext}`;
    await rename(this.o.path, target);
    await this.ensureOpen();
    await this.removeOldBackups();
  }

  /** lumberjack's millRun: keep the newest maxBackups, and none older than maxAge days. */
  private async removeOldBackups(): Promise<void> {
    const { maxBackups = 0, maxAgeDays = 0 } = this.o;
    if (maxBackups <= 0 && maxAgeDays <= 0) return;
    const backups = await listBackups(this.o.path);
    const cutoff = this.now().getTime() - maxAgeDays * 24 * 3600 * 1000;
    for (const [i, b] of backups.entries()) {
      if ((maxBackups > 0 && i >= maxBackups) || (maxAgeDays > 0 && b.time < cutoff)) await unlink(b.path).catch(() => undefined);
    }
  }
}

/** The rotated files of a log, newest first, with the time in their names. */
export async function listBackups(path: string): Promise<{ path: string; time: number }[]> {
  const ext = extname(path);
  const prefix = `${basename(path, ext)}-`;
  const dir = dirname(path);
  const out: { path: string; time: number }[] = [];
  for (const f of await readdir(dir)) {
    if (!f.startsWith(prefix) || !f.endsWith(ext)) continue;
    const m = /^(\d{4}-\d\d-\d\d)T(\d\d)-(\d\d)-(\d\d)\.(\d{3})/.exec(f.slice(prefix.length));
    if (!m) continue;
    const time = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
    if (!Number.isNaN(time)) out.push({ path: join(dir, f), time });
  }
  return out.sort((a, b) => b.time - a.time || (a.path < b.path ? 1 : -1));
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}
