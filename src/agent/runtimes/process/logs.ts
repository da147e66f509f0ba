/**
 * Container logs: the workload writes raw stdout/stderr straight into files (never a pipe to the
 * agent, so a dead agent cannot break a container's writes), and this pump converts them into the
 * CRI log format kubelet's log reader expects — `<RFC3339Nano> <stream> <P|F> <text>` — rotating
 * the CRI file by size and count like kubelet's --container-log-max-size / --container-log-max-files
 * (defaults 10Mi / 5). A line longer than 16 KiB, or an unterminated last line at exit, is written
 * as partial (`P`), as containerd does.
 */
import { closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';

/** Size/count rotation of a CRI log file. */
export interface LogRotation {
  maxSizeBytes: number;
  maxFiles: number;
}

/** kubelet's defaults. */
export const defaultRotation: LogRotation = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 5 };

/** Files of one container's logs. */
export interface LogPumpFiles {
  stdout: string;
  stderr: string;
  /** the CRI-format log (what logPath returns) */
  log: string;
  /** where read offsets persist across agent restarts */
  offsets: string;
}

const maxLine = 16 * 1024;
/** Raw files are truncated once fully consumed and larger than this, so they stay small. */
const rawTruncateBytes = 1024 * 1024;

/** Formats a CRI timestamp with nanosecond digits. */
export function criTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

interface StreamState {
  name: 'stdout' | 'stderr';
  path: string;
  offset: number;
  carry: Buffer;
}

/** Converts one container's raw output files into its CRI log file. */
export class LogPump {
  private readonly streams: StreamState[];

  constructor(
    private readonly files: LogPumpFiles,
    private readonly rotation: LogRotation,
    private readonly now: () => number,
  ) {
    let saved: Record<string, number> = {};
    try {
      saved = JSON.parse(readFileSync(files.offsets, 'utf8')) as Record<string, number>;
    } catch {
      saved = {};
    }
    this.streams = (['stdout', 'stderr'] as const).map((name) => ({ name, path: files[name], offset: saved[name] ?? 0, carry: Buffer.alloc(0) }));
  }

  /** Reads what was written since the last call; `final` flushes unterminated lines (the container exited). */
  pump(final = false): void {
    let moved = false;
    for (const s of this.streams) moved = this.pumpStream(s, final) || moved;
    if (moved) writeFileSync(this.files.offsets, JSON.stringify(Object.fromEntries(this.streams.map((s) => [s.name, s.offset]))));
  }

  private pumpStream(s: StreamState, final: boolean): boolean {
    let size: number;
    try {
      size = statSync(s.path).size;
    } catch {
      return false;
    }
    if (size < s.offset) s.offset = 0; // truncated behind our back
    let moved = false;
    if (size > s.offset) {
      const fd = openSync(s.path, 'r');
      try {
        const buf = Buffer.alloc(size - s.offset);
        const n = readSync(fd, buf, 0, buf.length, s.offset);
        s.offset += n;
        s.carry = Buffer.concat([s.carry, buf.subarray(0, n)]);
        moved = n > 0;
      } finally {
        closeSync(fd);
      }
    }
    const out: string[] = [];
    const ts = criTimestamp(this.now());
    for (;;) {
      const nl = s.carry.indexOf(10);
      if (nl >= 0 && nl <= maxLine) {
        out.push(`${ts} ${s.name} F ${s.carry.subarray(0, nl).toString('utf8')}`);
        s.carry = s.carry.subarray(nl + 1);
      } else if (s.carry.length > maxLine) {
        out.push(`${ts} ${s.name} P ${s.carry.subarray(0, maxLine).toString('utf8')}`);
        s.carry = s.carry.subarray(maxLine);
      } else break;
    }
    if (final && s.carry.length > 0) {
      out.push(`${ts} ${s.name} P ${s.carry.toString('utf8')}`);
      s.carry = Buffer.alloc(0);
    }
    for (const line of out) this.append(`${line}\n`);
    // Keep the raw file small: once everything is consumed, start it over (the writer appends).
    if (s.offset === size && size > rawTruncateBytes && s.carry.length === 0) {
      const fd = openSync(s.path, 'r+');
      try {
        ftruncateSync(fd, 0);
      } finally {
        closeSync(fd);
      }
      s.offset = 0;
      moved = true;
    }
    return moved;
  }

  private append(line: string): void {
    const log = this.files.log;
    const len = Buffer.byteLength(line);
    let cur = 0;
    try {
      cur = statSync(log).size;
    } catch {
      cur = 0;
    }
    if (cur > 0 && cur + len > this.rotation.maxSizeBytes) this.rotate();
    appendFileSync(log, line);
  }

  /** `log` → `log.1` → … keeping maxFiles files in all (the current one included), like kubelet. */
  private rotate(): void {
    const log = this.files.log;
    const keep = Math.max(1, this.rotation.maxFiles);
    rmSync(`${log}.${keep - 1}`, { force: true });
    for (let i = keep - 2; i >= 1; i--) if (existsSync(`${log}.${i}`)) renameSync(`${log}.${i}`, `${log}.${i + 1}`);
    if (keep > 1) renameSync(log, `${log}.1`);
    else rmSync(log, { force: true });
  }
}
