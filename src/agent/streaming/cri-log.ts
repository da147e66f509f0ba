/**
 * Reading container logs in the CRI format kubelet reads (pkg/kubelet/kuberuntime/logs): each
 * line is `<RFC3339Nano time> <stdout|stderr> <P|F> <text>`, where `P` marks a fragment of a
 * longer line that continues on the next `P`/`F` line of the same stream. Records are filtered
 * and shaped by the PodLogOptions kubectl sends: tailLines, sinceSeconds/sinceTime, timestamps,
 * limitBytes, follow.
 */

/** One parsed CRI log line. */
export interface CriLine {
  /** the timestamp as written (RFC3339Nano) */
  time: string;
  timeMs: number;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  text: string;
}

/** A whole log record: partial fragments joined. */
export interface LogRecord {
  time: string;
  timeMs: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

/** The PodLogOptions the streaming server honours. */
export interface LogQuery {
  follow: boolean;
  /** only the last N records of what exists when the request starts */
  tailLines?: number;
  /** only records at or after this time (from sinceSeconds or sinceTime) */
  sinceMs?: number;
  timestamps: boolean;
  /** stop after this many bytes of output */
  limitBytes?: number;
}

/** Parses one CRI log line; undefined when it is not in the CRI format. */
export function parseCriLine(line: string): CriLine | undefined {
  const a = line.indexOf(' ');
  if (a <= 0) return undefined;
  const b = line.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const time = line.slice(0, a);
  const timeMs = Date.parse(time);
  if (!Number.isFinite(timeMs)) return undefined;
  // The tag field is `P` or `F` (possibly with more ':'-separated tags in future CRI versions).
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const text = c < 0 ? '' : line.slice(c + 1);
  return { time, timeMs, stream, partial: tag.split(':')[0] === 'P', text };
}

/**
 * Turns CRI text, fed in arbitrary chunks, into whole records. A trailing line without its
 * newline is held until the next chunk; partial fragments are held until their `F` line.
 */
export class CriDecoder {
  private rest = '';
  private readonly pending = new Map<string, { first: CriLine; parts: string[] }>();

  /** Feeds a chunk; returns the records it completes. */
  push(chunk: string): LogRecord[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    const out: LogRecord[] = [];
    for (const raw of lines) {
      const l = parseCriLine(raw.endsWith('\r') ? raw.slice(0, -1) : raw);
      if (!l) continue; // kubelet skips lines it cannot parse, too
      const p = this.pending.get(l.stream);
      if (l.partial) {
        if (p) p.parts.push(l.text);
        else this.pending.set(l.stream, { first: l, parts: [l.text] });
        continue;
      }
      if (p) {
        this.pending.delete(l.stream);
        out.push({ time: p.first.time, timeMs: p.first.timeMs, stream: l.stream, text: p.parts.join('') + l.text });
      } else {
        out.push({ time: l.time, timeMs: l.timeMs, stream: l.stream, text: l.text });
      }
    }
    return out;
  }

  /** Flushes fragments still waiting for their end (the log ended mid-line). */
  flush(): LogRecord[] {
    const out = [...this.pending.values()].map((p) => ({ time: p.first.time, timeMs: p.first.timeMs, stream: p.first.stream, text: p.parts.join('') }));
    this.pending.clear();
    return out;
  }
}

/** Parses CRI text into records (whole text at once). */
export function parseCriLog(text: string): LogRecord[] {
  const d = new CriDecoder();
  const recs = d.push(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  return [...recs, ...d.flush()];
}

/** How one record is written to the client: the text and a newline, the time first with timestamps. */
export function formatRecord(r: LogRecord, timestamps: boolean): string {
  return timestamps ? `${r.time} ${r.text}\n` : `${r.text}\n`;
}

/** Applies the since filter and tailLines to the records that exist when the request starts. */
export function selectInitial(records: LogRecord[], q: Pick<LogQuery, 'tailLines' | 'sinceMs'>): LogRecord[] {
  let recs = q.sinceMs !== undefined ? records.filter((r) => r.timeMs >= q.sinceMs!) : records;
  if (q.tailLines !== undefined) recs = q.tailLines <= 0 ? [] : recs.slice(-q.tailLines);
  return recs;
}

/** Counts bytes written and cuts output at limitBytes (kubelet truncates mid-line too). */
export class ByteLimiter {
  private written = 0;
  constructor(private readonly limit: number | undefined) {}

  /** The part of `s` that still fits; undefined once the limit is reached. */
  take(s: string): string | undefined {
    if (this.limit === undefined) return s;
    if (this.written >= this.limit) return undefined;
    const b = Buffer.from(s);
    const room = this.limit - this.written;
    const part = b.length <= room ? b : b.subarray(0, room);
    this.written += part.length;
    return part.toString();
  }

  /** Whether the limit has been reached. */
  get done(): boolean {
    return this.limit !== undefined && this.written >= this.limit;
  }
}

/** Parses PodLogOptions from the query kubectl sends; throws a message on a bad value. */
export function parseLogQuery(q: URLSearchParams, now: number): LogQuery & { previous: boolean } {
  const bool = (k: string): boolean => {
    const v = q.get(k);
    return v !== null && v !== 'false' && v !== '0';
  };
  const int = (k: string): number | undefined => {
    const v = q.get(k);
    if (v === null || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${k}: invalid value ${JSON.stringify(v)}: must be an integer`);
    return n;
  };
  const tailLines = int('tailLines');
  if (tailLines !== undefined && tailLines < 0) throw new Error('tailLines: Invalid value: must be greater than or equal to 0');
  const limitBytes = int('limitBytes');
  if (limitBytes !== undefined && limitBytes < 1) throw new Error('limitBytes: Invalid value: must be greater than 0');
  const sinceSeconds = int('sinceSeconds');
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw new Error('sinceSeconds: Invalid value: must be greater than 0');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw new Error('at most one of sinceTime or sinceSeconds may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = now - sinceSeconds * 1000;
  else if (sinceTime) {
    sinceMs = Date.parse(sinceTime);
    if (!Number.isFinite(sinceMs)) throw new Error(`sinceTime: invalid value ${JSON.stringify(sinceTime)}: must be RFC3339`);
  }
  return { follow: bool('follow'), timestamps: bool('timestamps'), previous: bool('previous'), tailLines, limitBytes, sinceMs };
}
