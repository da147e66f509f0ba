/**
 * The server side of an exec over WebSocket `v5.channel.k8s.io` (client-go's remotecommand):
 * every binary message is one channel byte plus payload. Client → server: 0 stdin, 4 resize
 * (`{"Width":w,"Height":h}`), `ff 00` closes stdin (v5's CLOSE signal). Server → client: 1 stdout,
 * 2 stderr, 3 the final Status: Success, or Failure with reason NonZeroExitCode and the code in
 * details.causes[ExitCode], which kubectl turns into "command terminated with exit code N".
 */
import type { WebSocket, RawData } from 'ws';
import type { ExecRequest, ExecSession } from '../runtime.js';

/** The only subprotocol served (kubectl ≥ 1.30 offers exactly this one). */
export const V5_PROTOCOL = 'v5.channel.k8s.io';

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** The Status written on channel 3 when the command ended with `code`. */
export function exitStatus(code: number): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

/** A Failure Status for an exec that could not run; kubectl prints its message. */
export function failureStatus(message: string, code = 500, reason = 'InternalError'): Record<string, unknown> {
  return { metadata: {}, status: 'Failure', message, reason, code };
}

/** Sends a message on a channel. */
export function sendChannel(ws: WebSocket, channel: number, payload: Buffer | string): void {
  if (ws.readyState !== ws.OPEN) return;
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  ws.send(Buffer.concat([Buffer.from([channel]), body]), { binary: true });
}

/** Writes the final Status and closes normally (kubectl waits for both). */
export function finish(ws: WebSocket, status: Record<string, unknown>): void {
  sendChannel(ws, Channel.error, JSON.stringify(status));
  if (ws.readyState === ws.OPEN) ws.close(1000);
}

/** Reads the exec parameters from the query (`command` repeated, booleans as `true`). */
export function parseExecQuery(q: URLSearchParams): ExecRequest & { stdout: boolean; stderr: boolean } {
  const b = (k: string): boolean => {
    const v = q.get(k);
    return v !== null && v !== 'false' && v !== '0';
  };
  return { command: q.getAll('command'), stdin: b('stdin'), stdout: b('stdout'), stderr: b('stderr'), tty: b('tty') };
}

function toBuffer(d: RawData): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (Array.isArray(d)) return Buffer.concat(d);
  return Buffer.from(d);
}

/**
 * Wires a started exec session to the WebSocket: streams out, stdin and resize in, the exit
 * Status at the end. A client that goes away kills the command.
 */
export function relaySession(ws: WebSocket, s: ExecSession, want: { stdout: boolean; stderr: boolean }): void {
  let open = 2;
  const ended = new Promise<void>((resolve) => {
    const done = (): void => {
      if (--open === 0) resolve();
    };
    const pipe = (r: NodeJS.ReadableStream | undefined, channel: number, on: boolean): void => {
      if (!r) return done();
      r.on('data', (d: Buffer) => {
        if (on) sendChannel(ws, channel, d);
      });
      r.on('end', done);
      r.on('error', done);
    };
    pipe(s.stdout, Channel.stdout, want.stdout);
    pipe(s.stderr, Channel.stderr, want.stderr);
  });
  ws.on('message', (raw) => {
    const m = toBuffer(raw);
    if (m.length === 0) return;
    const ch = m[0];
    const body = m.subarray(1);
    if (ch === Channel.stdin) s.stdin?.write(body);
    else if (ch === Channel.close && body[0] === Channel.stdin) s.stdin?.end();
    else if (ch === Channel.resize && s.resize) {
      try {
        const r = JSON.parse(body.toString()) as { Width?: number; Height?: number };
        if (r.Width && r.Height) s.resize(r.Width, r.Height);
      } catch {
        // a malformed resize is ignored, as kubelet does
      }
    }
  });
  ws.on('close', () => {
    s.stdin?.end();
    s.kill();
  });
  void Promise.all([s.exited, ended])
    .then(([code]) => finish(ws, exitStatus(code)))
    .catch((e: unknown) => finish(ws, failureStatus(e instanceof Error ? e.message : String(e))));
}
