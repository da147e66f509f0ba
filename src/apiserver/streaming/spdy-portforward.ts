/**
 * port-forward over a SPDY/3.1 session (`portforward.k8s.io`, upstream kubelet's
 * portforward/httpstream.go). For every local connection kubectl opens two streams with the same
 * `requestID` and `port` headers: `streamtype: error` (which kubectl half-closes at once and
 * reads to EOF: any text is the error it prints) and `streamtype: data` (the TCP bytes, FIN =
 * the local side finished writing). Once a pair is complete it is forwarded through `dial`,
 * which reaches the pod's port (via the node agent); the data stream is finished when the pod
 * side is, and the error stream when the whole forward ends.
 */
import type { Duplex } from 'node:stream';
import { RstStatus } from './spdy-frames.js';
import type { SpdySession } from './spdy-session.js';
import type { SpdyStream } from './spdy-stream.js';

/** The SPDY protocol name, and the WebSocket subprotocol of kubectl ≥ 1.31's tunnel. */
export const PORTFORWARD_PROTOCOL = 'portforward.k8s.io';
export const PORTFORWARD_WEBSOCKET_PROTOCOL = 'SPDY/3.1+portforward.k8s.io';

/** A connection to the pod's port: data both ways, `end()` half-closes, `error` text is reported to kubectl. */
export interface ForwardTarget {
  /** the pod side's bytes */
  stream: Duplex;
  /** an error to report on the error stream (e.g. connection refused), then everything ends */
  onError(cb: (message: string) => void): void;
}

/** Opens the pod side of one forwarded connection. */
export type ForwardDialer = (port: number) => ForwardTarget;

/** How long the second stream of a pair may take (upstream's streamCreationTimeout). */
export const PAIR_TIMEOUT_MS = 30_000;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: ReturnType<typeof setTimeout>;
}

/** Serves port-forward streams of the session until it closes. */
export function servePortForward(session: SpdySession, dial: ForwardDialer, timeoutMs = PAIR_TIMEOUT_MS): void {
  const pairs = new Map<string, Pair>();
  session.on('stream', (s: SpdyStream) => {
    s.on('error', () => {});
    const type = s.header('streamtype');
    const requestId = s.header('requestid') ?? String(s.id);
    const port = Number(s.header('port'));
    if ((type !== 'data' && type !== 'error') || !Number.isInteger(port) || port <= 0 || port > 65535) {
      s.reply({}, true);
      if (type === 'error' || type === 'data') s.end(`invalid port header ${JSON.stringify(s.header('port') ?? '')}`);
      return;
    }
    s.reply();
    let p = pairs.get(requestId);
    if (!p) {
      p = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          for (const x of [p?.data, p?.error]) x?.reset(RstStatus.cancel);
        }, timeoutMs),
      };
      pairs.set(requestId, p);
    }
    if (p[type]) {
      s.reset(RstStatus.protocolError);
      return;
    }
    p[type] = s;
    if (p.data && p.error) {
      clearTimeout(p.timer);
      pairs.delete(requestId);
      forward(p.data, p.error, port, dial);
    }
  });
  session.once('close', () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
}

function forward(data: SpdyStream, errorStream: SpdyStream, port: number, dial: ForwardDialer): void {
  // kubectl half-closes the error stream right away; drain it so its FIN is consumed.
  errorStream.resume();
  let done = false;
  const target = dial(port);
  const pod = target.stream;
  const finish = (message?: string): void => {
    if (done) return;
    done = true;
    if (message) errorStream.write(message);
    errorStream.end();
    if (!data.writableEnded) data.end();
    pod.destroy();
  };
  target.onError((m) => finish(m));
  pod.on('error', (e: Error) => finish(e.message));
  data.on('data', (b: Buffer) => {
    if (!pod.write(b)) {
      data.pause();
      pod.once('drain', () => data.resume());
    }
  });
  data.on('end', () => pod.end());
  pod.on('data', (b: Buffer) => {
    if (!data.write(b)) {
      pod.pause();
      data.once('drain', () => pod.resume());
    }
  });
  pod.on('end', () => data.end());
  pod.on('close', () => finish());
  data.on('close', () => finish());
}
