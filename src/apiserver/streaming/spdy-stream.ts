/**
 * One SPDY/3.1 stream as a Node Duplex: what the peer sends in DATA frames is readable, what is
 * written goes out as DATA frames, `end()` sends the empty DATA frame with FLAG_FIN (spdystream's
 * Close, a half-close) and a destroy before both halves finished resets the stream
 * (RST_STREAM CANCEL). Flow control follows SPDY/3.1: every stream has a send window (64 KiB
 * unless SETTINGS says otherwise) that DATA consumes and WINDOW_UPDATE refills, and the receive
 * window is refilled for the peer as the reader consumes.
 */
import { Duplex } from 'node:stream';
import { RstStatus, type SpdyFrame, type SpdyHeaders } from './spdy-frames.js';

/** What a stream needs from its session. */
export interface StreamHost {
  send(f: SpdyFrame): void;
  /** whether send windows are enforced (the peer has shown it does flow control) */
  readonly enforceWindows: boolean;
  /** bytes the session-level send window still allows */
  sessionWindow(): number;
  consumeSessionWindow(n: number): void;
  /** the session receive window: bytes were consumed */
  received(n: number): void;
  /** our advertised per-stream receive window */
  readonly receiveWindow: number;
  readonly maxDataFrame: number;
  forget(id: number): void;
}

interface Pending {
  data: Buffer;
  cb: (e?: Error | null) => void;
}

/** A SPDY stream. */
export class SpdyStream extends Duplex {
  /** whether SYN_REPLY went out (server side) or arrived (client side) */
  replied = false;
  /** the peer's SYN_REPLY headers (client side) */
  replyHeaders: SpdyHeaders = {};
  private sendWin: number;
  private unacked = 0;
  private readonly pending: Pending[] = [];
  private finalCb: ((e?: Error | null) => void) | undefined;
  private localFin = false;
  private remoteFin = false;
  private wasReset = false;

  constructor(
    readonly id: number,
    /** the SYN_STREAM headers */
    readonly headers: SpdyHeaders,
    private readonly host: StreamHost,
    initialSendWindow: number,
    private readonly isServerSide: boolean,
  ) {
    super({ allowHalfOpen: true });
    this.sendWin = initialSendWindow;
  }

  /** The first value of a SYN_STREAM header. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Sends SYN_REPLY (once); `fin` also half-closes our side, which upstream uses to reject. */
  reply(headers: SpdyHeaders = {}, fin = false): void {
    if (this.replied) return;
    this.replied = true;
    this.host.send({ type: 'synReply', streamId: this.id, fin, headers });
    if (fin) {
      this.localFin = true;
      this.end();
    }
  }

  /** Resets the stream (RST_STREAM) and destroys it. */
  reset(status: number = RstStatus.cancel): void {
    if (!this.wasReset) {
      this.wasReset = true;
      this.host.send({ type: 'rstStream', streamId: this.id, status });
    }
    this.destroy();
  }

  /** Current send window (tests and diagnostics). */
  get sendWindow(): number {
    return this.sendWin;
  }

  /** @internal the peer's DATA */
  onData(data: Buffer, fin: boolean): void {
    if (this.remoteFin) return;
    if (data.length > 0) {
      this.unacked += data.length;
      this.host.received(data.length);
      this.push(data);
      this.maybeUpdateWindow();
    }
    if (fin) this.onRemoteFin();
  }

  /** @internal FLAG_FIN on SYN_STREAM/SYN_REPLY/HEADERS/DATA */
  onRemoteFin(): void {
    if (this.remoteFin) return;
    this.remoteFin = true;
    this.push(null);
  }

  /** @internal the peer's SYN_REPLY */
  onReply(headers: SpdyHeaders, fin: boolean): void {
    this.replied = true;
    this.replyHeaders = headers;
    this.emit('reply', headers);
    if (fin) this.onRemoteFin();
  }

  /** @internal RST_STREAM from the peer */
  onReset(status: number): void {
    this.wasReset = true;
    this.remoteFin = true;
    this.emit('reset', status);
    this.destroy();
  }

  /** @internal WINDOW_UPDATE, or a SETTINGS change of the initial window (may be negative) */
  adjustWindow(delta: number): void {
    this.sendWin += delta;
    this.flush();
  }

  /** @internal the transport is gone: readers see EOF, writers are dropped */
  onSessionClosed(): void {
    this.remoteFin = true;
    this.localFin = true;
    this.wasReset = true; // nothing can be sent any more
    this.push(null);
    this.destroy();
  }

  override _read(): void {
    // The reader asks for more: whatever it was sent is being consumed.
    this.maybeUpdateWindow(true);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.pending.push({ data: chunk, cb });
    this.flush();
  }

  override _final(cb: (e?: Error | null) => void): void {
    this.finalCb = cb;
    this.flush();
  }

  override _destroy(err: Error | null, cb: (e: Error | null) => void): void {
    for (const p of this.pending.splice(0)) p.cb(err ?? new Error('spdy stream closed'));
    // Closed before both sides finished: tell the peer to stop (upstream resets the same way).
    if (!this.wasReset && !(this.localFin && this.remoteFin)) {
      this.wasReset = true;
      this.host.send({ type: 'rstStream', streamId: this.id, status: RstStatus.cancel });
    }
    this.host.forget(this.id);
    cb(err);
  }

  /** Sends what the windows allow; completes `end()` when everything went out. */
  flush(): void {
    if (this.isServerSide && !this.replied && (this.pending.length > 0 || this.finalCb)) this.reply();
    while (this.pending.length > 0) {
      const p = this.pending[0]!;
      const allowed = this.host.enforceWindows ? Math.min(this.sendWin, this.host.sessionWindow()) : Infinity;
      if (allowed <= 0) return;
      const n = Math.min(p.data.length, allowed, this.host.maxDataFrame);
      this.host.send({ type: 'data', streamId: this.id, fin: false, data: p.data.subarray(0, n) });
      this.sendWin -= n;
      this.host.consumeSessionWindow(n);
      if (n === p.data.length) {
        this.pending.shift();
        p.cb();
      } else {
        p.data = p.data.subarray(n);
      }
    }
    if (this.finalCb) {
      const cb = this.finalCb;
      this.finalCb = undefined;
      if (!this.localFin) {
        this.localFin = true;
        this.host.send({ type: 'data', streamId: this.id, fin: true, data: Buffer.alloc(0) });
      }
      cb();
    }
  }

  private maybeUpdateWindow(wanted = false): void {
    // Refill the peer's view of our window once half of it is consumed and the reader keeps up.
    if (this.remoteFin || this.unacked < this.host.receiveWindow / 2) return;
    if (!wanted && this.readableLength >= this.readableHighWaterMark) return;
    const delta = this.unacked;
    this.unacked = 0;
    this.host.send({ type: 'windowUpdate', streamId: this.id, delta });
  }
}
