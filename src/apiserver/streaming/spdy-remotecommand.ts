/**
 * exec/attach over SPDY (remotecommand protocols v4/v5.channel.k8s.io; kubectl 1.27–1.29 and
 * the fallback of newer ones), bridged to the node agent's WebSocket v5 endpoint. kubectl opens
 * one stream per channel, named by the `streamtype` header: `error` first, then `stdin`,
 * `stdout`, `stderr` as requested and `resize` with a TTY. As upstream's kubelet does, the
 * server waits for every expected stream, then runs the command: stdout/stderr DATA carry the
 * output, the error stream carries the final metav1.Status (Success, or NonZeroExitCode with
 * the exit code in details.causes, which kubectl turns into its exit status), and then every
 * stream is finished and the session goes away. The v5 protocol over SPDY is v4 unchanged
 * (stdin's close is the stream's FIN); resize JSON objects are newline-separated.
 */
import type { RawData, WebSocket } from 'ws';
import type { SpdySession } from './spdy-session.js';
import type { SpdyStream } from './spdy-stream.js';

/** Protocols served, best first. */
export const REMOTECOMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** Which streams the request asked for. */
export interface RemoteCommandStreams {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** How long kubectl has to open its streams (upstream's streamCreationTimeout default). */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;

type Kind = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

/** A Failure Status for a command that never ran. */
export function failureStatusJson(message: string, code = 500, reason = 'InternalError'): string {
  return JSON.stringify({ metadata: {}, status: 'Failure', message, reason, code });
}

function toBuffer(d: RawData): Buffer {
  if (Buffer.isBuffer(d)) return d;
  if (Array.isArray(d)) return Buffer.concat(d);
  return Buffer.from(d);
}

/** Collects the streams kubectl opens; resolves when all expected ones are there. */
export function collectStreams(session: SpdySession, want: RemoteCommandStreams, timeoutMs = STREAM_CREATION_TIMEOUT_MS): Promise<Map<Kind, SpdyStream>> {
  const expected = new Set<Kind>(['error']);
  if (want.stdin) expected.add('stdin');
  if (want.stdout) expected.add('stdout');
  if (want.stderr && !want.tty) expected.add('stderr');
  if (want.tty) expected.add('resize');
  const got = new Map<Kind, SpdyStream>();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      session.off('stream', onStream);
      reject(new Error(`timed out waiting for client to create streams (expected ${[...expected].join(', ')})`));
    }, timeoutMs);
    const onStream = (s: SpdyStream): void => {
      const type = s.header('streamtype') as Kind | undefined;
      if (!type || !['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type) || got.has(type)) {
        // Unknown or duplicate stream types are refused, as upstream's stream handler does.
        s.reply({}, true);
        return;
      }
      s.reply();
      s.on('error', () => {});
      got.set(type, s);
      if ([...expected].every((k) => got.has(k))) {
        clearTimeout(timer);
        session.off('stream', onStream);
        resolve(got);
      }
    };
    session.on('stream', onStream);
    session.once('close', () => {
      clearTimeout(timer);
      reject(new Error('the client closed the connection before opening its streams'));
    });
  });
}

/**
 * Relays the SPDY streams to the agent's v5 WebSocket (already connecting or open) and ends the
 * session when the agent is done. `fail` problems (agent unreachable, bad answer) end the
 * session with a Failure Status on the error stream.
 */
export function bridgeToAgent(session: SpdySession, streams: Map<Kind, SpdyStream>, agent: WebSocket): { fail(message: string): void } {
  const errorStream = streams.get('error');
  let finished = false;
  const finish = (status?: string): void => {
    if (finished) return;
    finished = true;
    if (status !== undefined) errorStream?.write(status);
    // FIN every stream we write, then GOAWAY: kubectl reads the error stream to its end.
    const ends = (['stdout', 'stderr', 'error'] as const).map((k) => streams.get(k)).filter((x) => x !== undefined).map((x) => new Promise<void>((resolve) => {
      if (x.writableFinished || x.destroyed) return resolve();
      x.once('close', resolve);
      x.end(() => resolve());
    }));
    void Promise.all(ends).then(() => session.close());
  };
  const queue: Buffer[] = [];
  const toAgent = (b: Buffer): void => {
    if (agent.readyState === agent.OPEN) agent.send(b, { binary: true });
    else if (agent.readyState === agent.CONNECTING) queue.push(b);
  };
  agent.on('open', () => {
    for (const b of queue.splice(0)) agent.send(b, { binary: true });
  });
  const stdin = streams.get('stdin');
  stdin?.on('data', (d: Buffer) => toAgent(Buffer.concat([Buffer.from([0]), d])));
  // v5's CLOSE signal for stdin: kubectl finished its stdin stream.
  stdin?.on('end', () => toAgent(Buffer.from([255, 0])));
  let pendingResize = '';
  streams.get('resize')?.on('data', (d: Buffer) => {
    pendingResize += d.toString();
    let nl: number;
    while ((nl = pendingResize.indexOf('\n')) >= 0) {
      const line = pendingResize.slice(0, nl).trim();
      pendingResize = pendingResize.slice(nl + 1);
      if (line !== '') toAgent(Buffer.concat([Buffer.from([4]), Buffer.from(line)]));
    }
  });
  let statusSeen = false;
  agent.on('message', (raw) => {
    const m = toBuffer(raw);
    const ch = m[0];
    const body = m.subarray(1);
    if (ch === 1) streams.get('stdout')?.write(body);
    else if (ch === 2) streams.get('stderr')?.write(body);
    else if (ch === 3) {
      statusSeen = true;
      errorStream?.write(body);
    }
  });
  agent.on('close', () => finish(statusSeen ? undefined : failureStatusJson('the node agent closed the stream without a status')));
  session.once('close', () => {
    finished = true;
    if (agent.readyState === agent.OPEN) agent.close(1000);
    else if (agent.readyState === agent.CONNECTING) agent.terminate();
  });
  return {
    fail: (message) => {
      statusSeen = true;
      finish(failureStatusJson(message));
      if (agent.readyState !== agent.CLOSED) agent.terminate();
    },
  };
}
