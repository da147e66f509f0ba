/**
 * A SPDY/3.1 session over any byte transport (an upgraded socket, or the binary messages of
 * kubectl ≥ 1.31's `SPDY/3.1+portforward.k8s.io` WebSocket tunnel, whose boundaries are
 * arbitrary). It is transport-agnostic: bytes come in through `receive()`, go out through
 * `write`. Frames are handled strictly in order (header blocks share one zlib context per
 * direction, which Node runs asynchronously, so both directions are serialised queues).
 *
 * Flow control: windows are always accounted, but send windows are enforced only once the peer
 * has sent a WINDOW_UPDATE. kubectl's spdystream never sends one (it ignores the frame type),
 * as kubelet's spdystream never enforces one; enforcing a 64 KiB window against it would stall
 * every `kubectl cp` after 64 KiB.
 */
import { EventEmitter } from 'node:events';
import { FrameEncoder, FrameParser, RstStatus, SettingId, type SpdyFrame, type SpdyHeaders } from './spdy-frames.js';
import { SpdyStream, type StreamHost } from './spdy-stream.js';

/** SPDY/3's default initial window, per stream and (3.1) for the session. */
export const DEFAULT_WINDOW = 65536;

/** Options of a session. */
export interface SpdySessionOptions {
  /** writes bytes to the transport */
  write(b: Buffer): void;
  /** closes the transport (after GOAWAY) */
  end(): void;
  /** a server accepts odd (client-initiated) streams and opens even ones */
  server: boolean;
  /** our per-stream receive window (default 64 KiB) */
  receiveWindow?: number;
  /** largest DATA payload sent (default 32 KiB) */
  maxDataFrame?: number;
}

/** Events: `stream` (SpdyStream opened by the peer), `ping` (id), `goaway`, `error`, `close`. */
export class SpdySession extends EventEmitter {
  private readonly parser = new FrameParser();
  private readonly encoder = new FrameEncoder();
  private readonly streams = new Map<number, SpdyStream>();
  private inQueue: Promise<void> = Promise.resolve();
  private outQueue: Promise<void> = Promise.resolve();
  private nextId: number;
  private nextPing: number;
  private lastPeerStream = 0;
  private peerInitialWindow = DEFAULT_WINDOW;
  private sessionSendWindow = DEFAULT_WINDOW;
  private sessionUnacked = 0;
  private enforce = false;
  private closed = false;
  private goingAway = false;
  private readonly host: StreamHost;

  constructor(private readonly opts: SpdySessionOptions) {
    super();
    this.nextId = opts.server ? 2 : 1;
    this.nextPing = opts.server ? 2 : 1;
    const receiveWindow = opts.receiveWindow ?? DEFAULT_WINDOW;
    const isEnforcing = (): boolean => this.enforce;
    this.host = {
      send: (f) => this.send(f),
      get enforceWindows() {
        return isEnforcing();
      },
      sessionWindow: () => this.sessionSendWindow,
      consumeSessionWindow: (n) => {
        this.sessionSendWindow -= n;
      },
      received: (n) => this.sessionReceived(n),
      receiveWindow,
      maxDataFrame: opts.maxDataFrame ?? 32 * 1024,
      forget: (id) => {
        this.streams.delete(id);
      },
    };
  }

  /** Whether the session has ended. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Open streams (diagnostics and tests). */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Feeds transport bytes. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    let frames;
    try {
      frames = this.parser.push(chunk);
    } catch (e) {
      this.protocolError(e);
      return;
    }
    for (const raw of frames) {
      this.inQueue = this.inQueue.then(async () => {
        if (this.closed) return;
        this.handle(await this.parser.inflate(raw));
      }).catch((e: unknown) => this.protocolError(e));
    }
  }

  /** Opens a stream (SYN_STREAM); the peer's SYN_REPLY emits `reply` on it. */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean; priority?: number } = {}): SpdyStream {
    const id = this.nextId;
    this.nextId += 2;
    const s = new SpdyStream(id, headers, this.host, this.peerInitialWindow, false);
    this.streams.set(id, s);
    this.send({ type: 'synStream', streamId: id, associatedId: 0, priority: opts.priority ?? 0, fin: opts.fin === true, unidirectional: false, headers });
    if (opts.fin) s.end();
    return s;
  }

  /** Sends a PING; the peer's echo emits `pong` with the id. */
  ping(): number {
    const id = this.nextPing;
    this.nextPing += 2;
    this.send({ type: 'ping', id });
    return id;
  }

  /** Sends a SETTINGS frame. */
  settings(entries: { id: number; value: number; flags?: number }[]): void {
    this.send({ type: 'settings', clear: false, entries: entries.map((e) => ({ id: e.id, value: e.value, flags: e.flags ?? 0 })) });
  }

  /**
   * Ends the session as spdystream's Close does: GOAWAY (OK) naming the last peer stream, then
   * the transport is closed once everything queued before it was written.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.goingAway) {
      this.goingAway = true;
      this.send({ type: 'goAway', lastGoodStreamId: this.lastPeerStream, status: 0 });
    }
    await this.outQueue;
    this.opts.end();
    this.transportClosed();
  }

  /** The transport ended: every stream sees EOF and the session closes. */
  transportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.streams.values()]) s.onSessionClosed();
    this.streams.clear();
    this.parser.close();
    // The encoder may still be finishing a queued frame; release it after.
    void this.outQueue.finally(() => this.encoder.close());
    this.emit('close');
  }

  private send(f: SpdyFrame): void {
    if (this.closed) return;
    this.outQueue = this.outQueue.then(async () => {
      const b = await this.encoder.encode(f);
      if (!this.closed) this.opts.write(b);
    }).catch((e: unknown) => {
      this.emit('error', e instanceof Error ? e : new Error(String(e)));
    });
  }

  private sessionReceived(n: number): void {
    // SPDY/3.1's session window (stream 0), refilled as soon as half of it is used: data is
    // buffered per stream, where the per-stream window applies backpressure.
    this.sessionUnacked += n;
    const win = this.host.receiveWindow;
    if (this.sessionUnacked >= win / 2) {
      const delta = this.sessionUnacked;
      this.sessionUnacked = 0;
      this.send({ type: 'windowUpdate', streamId: 0, delta });
    }
  }

  private protocolError(e: unknown): void {
    if (this.closed) return;
    this.emit('error', e instanceof Error ? e : new Error(String(e)));
    if (!this.goingAway) {
      this.goingAway = true;
      this.send({ type: 'goAway', lastGoodStreamId: this.lastPeerStream, status: 1 });
    }
    void this.close();
  }

  private handle(f: SpdyFrame): void {
    switch (f.type) {
      case 'synStream': {
        const peerParity = this.opts.server ? 1 : 0;
        if (f.streamId === 0 || f.streamId % 2 !== peerParity || this.streams.has(f.streamId) || f.streamId <= this.lastPeerStream) {
          this.send({ type: 'rstStream', streamId: f.streamId, status: RstStatus.protocolError });
          return;
        }
        this.lastPeerStream = f.streamId;
        if (this.goingAway) {
          this.send({ type: 'rstStream', streamId: f.streamId, status: RstStatus.refusedStream });
          return;
        }
        const s = new SpdyStream(f.streamId, f.headers, this.host, this.peerInitialWindow, true);
        this.streams.set(f.streamId, s);
        if (f.fin) s.onRemoteFin();
        this.emit('stream', s);
        return;
      }
      case 'synReply':
        this.streams.get(f.streamId)?.onReply(f.headers, f.fin);
        return;
      case 'headers': {
        const s = this.streams.get(f.streamId);
        if (!s) return;
        for (const [k, v] of Object.entries(f.headers)) s.replyHeaders[k] = v;
        if (f.fin) s.onRemoteFin();
        return;
      }
      case 'data': {
        const s = this.streams.get(f.streamId);
        if (!s) {
          // DATA for a stream we do not know (already reset or closed): tell the peer, as upstream.
          if (f.streamId !== 0) this.send({ type: 'rstStream', streamId: f.streamId, status: RstStatus.invalidStream });
          return;
        }
        s.onData(f.data, f.fin);
        return;
      }
      case 'rstStream':
        this.streams.get(f.streamId)?.onReset(f.status);
        return;
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SettingId.initialWindowSize) continue;
          // A new initial window shifts every open stream's window by the difference (SPDY/3 §2.6.8).
          const diff = e.value - this.peerInitialWindow;
          this.peerInitialWindow = e.value;
          for (const s of this.streams.values()) s.adjustWindow(diff);
        }
        return;
      case 'ping':
        if (f.id % 2 === this.nextPing % 2) this.emit('pong', f.id);
        else this.send({ type: 'ping', id: f.id });
        return;
      case 'goAway':
        this.goingAway = true;
        this.emit('goaway', f.status);
        return;
      case 'windowUpdate':
        this.enforce = true;
        if (f.streamId === 0) {
          this.sessionSendWindow += f.delta;
          for (const s of this.streams.values()) s.flush();
        } else {
          this.streams.get(f.streamId)?.adjustWindow(f.delta);
        }
        return;
      case 'unknown':
        return; // SPDY requires ignoring unknown control frames
    }
  }
}
