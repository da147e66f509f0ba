/**
 * SPDY/3.1 framing (draft-mbelshe-httpbis-spdy-00 plus the 3.1 session window), the wire format
 * kubectl's spdystream speaks for exec/attach/port-forward. A control frame is
 * `1 | version(15) | type(16) | flags(8) | length(24) | payload`, a data frame
 * `0 | stream-id(31) | flags(8) | length(24) | payload`. Header blocks are
 * `count(32) {len(32) name len(32) value}*` (multiple values NUL-joined), deflated with one zlib
 * context per direction for the whole session, primed with the SPDY/3 dictionary and
 * sync-flushed after every block, exactly as Go's spdy.Framer does.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

/** The SPDY version written in control frames. */
export const SPDY_VERSION = 3;

/** Control frame type codes. */
export const FrameType = { synStream: 1, synReply: 2, rstStream: 3, settings: 4, ping: 6, goAway: 7, headers: 8, windowUpdate: 9 } as const;

/** FLAG_FIN (data and stream frames) and FLAG_UNIDIRECTIONAL (SYN_STREAM). */
export const Flag = { fin: 0x01, unidirectional: 0x02, clearSettings: 0x01 } as const;

/** RST_STREAM status codes. */
export const RstStatus = { protocolError: 1, invalidStream: 2, refusedStream: 3, unsupportedVersion: 4, cancel: 5, internalError: 6, flowControlError: 7, streamInUse: 8, streamAlreadyClosed: 9 } as const;

/** SETTINGS ids used here. */
export const SettingId = { maxConcurrentStreams: 4, initialWindowSize: 7 } as const;

/** Header names (lowercase) to their values. */
export type SpdyHeaders = Record<string, string[]>;

/** A decoded frame. */
export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | { type: 'synStream'; streamId: number; associatedId: number; priority: number; fin: boolean; unidirectional: boolean; headers: SpdyHeaders }
  | { type: 'synReply'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'headers'; streamId: number; fin: boolean; headers: SpdyHeaders }
  | { type: 'rstStream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: { id: number; flags: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goAway'; lastGoodStreamId: number; status: number }
  | { type: 'windowUpdate'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A frame whose header block is still compressed (the parser's output, before inflating). */
export type RawFrame = { frame: SpdyFrame; headerBlock?: Buffer };

/** The largest payload a frame's 24-bit length can carry. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

/** Serialises a header block (names lowercased, as SPDY requires). */
export function encodeHeaderBlock(h: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(h);
  const count = Buffer.alloc(4);
  count.writeUInt32BE(entries.length);
  parts.push(count);
  for (const [name, values] of entries) {
    for (const s of [name.toLowerCase(), values.join('\0')]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

/** Parses an (inflated) header block; throws on truncation. */
export function decodeHeaderBlock(b: Buffer): SpdyHeaders {
  const h: SpdyHeaders = {};
  let off = 0;
  const need = (n: number): void => {
    if (off + n > b.length) throw new Error('spdy: truncated header block');
  };
  need(4);
  const count = b.readUInt32BE(off);
  off += 4;
  const str = (): string => {
    need(4);
    const len = b.readUInt32BE(off);
    off += 4;
    need(len);
    const s = b.subarray(off, off + len).toString('utf8');
    off += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = str().toLowerCase();
    const value = str();
    (h[name] ??= []).push(...value.split('\0'));
  }
  return h;
}

/**
 * One direction's zlib context. Node's zlib is asynchronous; callers serialise their calls (the
 * session does), and every call's output is complete when its sync flush has called back.
 */
export class HeaderZlib {
  private readonly out: Buffer[] = [];

  private constructor(private readonly engine: Deflate | Inflate) {
    // Read as output appears, so a large block never stalls on the readable side's high-water mark.
    engine.on('readable', () => this.drain());
    engine.on('error', () => {});
  }

  /** The compressor of outgoing header blocks. */
  static compressor(): HeaderZlib {
    return new HeaderZlib(createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_BEST_COMPRESSION }));
  }

  /** The decompressor of incoming header blocks. */
  static decompressor(): HeaderZlib {
    return new HeaderZlib(createInflate({ dictionary: SPDY3_DICTIONARY }));
  }

  /** Feeds one block and returns everything the engine produced for it. */
  process(input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(new Error(`spdy: header block zlib error: ${e.message}`));
      this.engine.once('error', onError);
      this.engine.write(input);
      this.engine.flush(constants.Z_SYNC_FLUSH, () => {
        this.engine.off('error', onError);
        this.drain();
        resolve(Buffer.concat(this.out.splice(0)));
      });
    });
  }

  /** Releases the zlib handle. */
  close(): void {
    this.engine.destroy();
  }

  private drain(): void {
    let c: Buffer | null;
    while ((c = this.engine.read() as Buffer | null) !== null) this.out.push(c);
  }
}

function controlHeader(type: number, flags: number, length: number): Buffer {
  if (length > MAX_FRAME_PAYLOAD) throw new Error(`spdy: frame payload of ${length} bytes is too large`);
  const b = Buffer.alloc(8);
  b.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  b.writeUInt16BE(type, 2);
  b.writeUInt32BE(((flags & 0xff) << 24) | length, 4);
  return b;
}

function u31(n: number): number {
  return n & 0x7fffffff;
}

/**
 * Encodes a frame; frames with a header block take it already compressed (see
 * FrameEncoder), so this stays synchronous and pure.
 */
export function encodeFrame(f: SpdyFrame, compressedHeaders: Buffer = Buffer.alloc(0)): Buffer {
  switch (f.type) {
    case 'data': {
      if (f.data.length > MAX_FRAME_PAYLOAD) throw new Error(`spdy: data frame of ${f.data.length} bytes is too large`);
      const h = Buffer.alloc(8);
      h.writeUInt32BE(u31(f.streamId), 0);
      h.writeUInt32BE(((f.fin ? Flag.fin : 0) << 24) | f.data.length, 4);
      return Buffer.concat([h, f.data]);
    }
    case 'synStream': {
      const p = Buffer.alloc(10);
      p.writeUInt32BE(u31(f.streamId), 0);
      p.writeUInt32BE(u31(f.associatedId), 4);
      p[8] = (f.priority & 0x7) << 5;
      p[9] = 0; // credential slot
      const flags = (f.fin ? Flag.fin : 0) | (f.unidirectional ? Flag.unidirectional : 0);
      return Buffer.concat([controlHeader(FrameType.synStream, flags, 10 + compressedHeaders.length), p, compressedHeaders]);
    }
    case 'synReply':
    case 'headers': {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(u31(f.streamId), 0);
      const t = f.type === 'synReply' ? FrameType.synReply : FrameType.headers;
      return Buffer.concat([controlHeader(t, f.fin ? Flag.fin : 0, 4 + compressedHeaders.length), p, compressedHeaders]);
    }
    case 'rstStream': {
      const p = Buffer.alloc(8);
      p.writeUInt32BE(u31(f.streamId), 0);
      p.writeUInt32BE(f.status >>> 0, 4);
      return Buffer.concat([controlHeader(FrameType.rstStream, 0, 8), p]);
    }
    case 'settings': {
      const p = Buffer.alloc(4 + 8 * f.entries.length);
      p.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        p.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + 8 * i);
        p.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
      });
      return Buffer.concat([controlHeader(FrameType.settings, f.clear ? Flag.clearSettings : 0, p.length), p]);
    }
    case 'ping': {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(f.id >>> 0, 0);
      return Buffer.concat([controlHeader(FrameType.ping, 0, 4), p]);
    }
    case 'goAway': {
      const p = Buffer.alloc(8);
      p.writeUInt32BE(u31(f.lastGoodStreamId), 0);
      p.writeUInt32BE(f.status >>> 0, 4);
      return Buffer.concat([controlHeader(FrameType.goAway, 0, 8), p]);
    }
    case 'windowUpdate': {
      const p = Buffer.alloc(8);
      p.writeUInt32BE(u31(f.streamId), 0);
      p.writeUInt32BE(u31(f.delta), 4);
      return Buffer.concat([controlHeader(FrameType.windowUpdate, 0, 8), p]);
    }
    case 'unknown':
      return Buffer.concat([controlHeader(f.frameType, f.flags, f.payload.length), f.payload]);
  }
}

/** Frames carrying a header block. */
function hasHeaders(f: SpdyFrame): f is Extract<SpdyFrame, { headers: SpdyHeaders }> {
  return f.type === 'synStream' || f.type === 'synReply' || f.type === 'headers';
}

/** Encodes frames with this direction's compression context (calls must be serialised). */
export class FrameEncoder {
  private readonly zlib = HeaderZlib.compressor();

  /** The frame's bytes. */
  async encode(f: SpdyFrame): Promise<Buffer> {
    if (!hasHeaders(f)) return encodeFrame(f);
    return encodeFrame(f, await this.zlib.process(encodeHeaderBlock(f.headers)));
  }

  /** Releases the compressor. */
  close(): void {
    this.zlib.close();
  }
}

/**
 * Splits a byte stream (arbitrary chunk boundaries, as WebSocket-tunnelled port-forward gives)
 * into frames; `inflate` then decodes a frame's header block with this direction's context.
 */
export class FrameParser {
  private buf: Buffer = Buffer.alloc(0);
  private readonly zlib = HeaderZlib.decompressor();

  /** Appends bytes and returns the frames now complete (header blocks still compressed). */
  push(chunk: Buffer): RawFrame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: RawFrame[] = [];
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt32BE(off + 4) & 0xffffff;
      if (this.buf.length - off < 8 + len) break;
      frames.push(parseOne(this.buf.subarray(off, off + 8 + len)));
      off += 8 + len;
    }
    // Copy the remainder so a retained slice does not pin the whole chunk.
    this.buf = off === 0 ? this.buf : Buffer.from(this.buf.subarray(off));
    return frames;
  }

  /** Completes a frame: inflates and parses its header block when it has one. */
  async inflate(raw: RawFrame): Promise<SpdyFrame> {
    if (raw.headerBlock === undefined || !hasHeaders(raw.frame)) return raw.frame;
    const block = await this.zlib.process(raw.headerBlock);
    return { ...raw.frame, headers: decodeHeaderBlock(block) };
  }

  /** Releases the decompressor. */
  close(): void {
    this.zlib.close();
  }
}

/** Parses one complete frame (8-byte header + payload). */
export function parseOne(b: Buffer): RawFrame {
  const w0 = b.readUInt32BE(0);
  const flags = b[4] ?? 0;
  const p = b.subarray(8);
  if ((w0 & 0x80000000) === 0) return { frame: { type: 'data', streamId: w0 & 0x7fffffff, fin: (flags & Flag.fin) !== 0, data: Buffer.from(p) } };
  const type = w0 & 0xffff;
  const fin = (flags & Flag.fin) !== 0;
  const need = (n: number): void => {
    if (p.length < n) throw new Error(`spdy: control frame type ${type} is too short (${p.length} bytes)`);
  };
  switch (type) {
    case FrameType.synStream:
      need(10);
      return {
        frame: { type: 'synStream', streamId: p.readUInt32BE(0) & 0x7fffffff, associatedId: p.readUInt32BE(4) & 0x7fffffff, priority: (p[8] ?? 0) >> 5, fin, unidirectional: (flags & Flag.unidirectional) !== 0, headers: {} },
        headerBlock: Buffer.from(p.subarray(10)),
      };
    case FrameType.synReply:
    case FrameType.headers:
      need(4);
      return { frame: { type: type === FrameType.synReply ? 'synReply' : 'headers', streamId: p.readUInt32BE(0) & 0x7fffffff, fin, headers: {} }, headerBlock: Buffer.from(p.subarray(4)) };
    case FrameType.rstStream:
      need(8);
      return { frame: { type: 'rstStream', streamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) } };
    case FrameType.settings: {
      need(4);
      const n = p.readUInt32BE(0);
      need(4 + 8 * n);
      const entries = [];
      for (let i = 0; i < n; i++) {
        const w = p.readUInt32BE(4 + 8 * i);
        entries.push({ flags: w >>> 24, id: w & 0xffffff, value: p.readUInt32BE(8 + 8 * i) });
      }
      return { frame: { type: 'settings', clear: (flags & Flag.clearSettings) !== 0, entries } };
    }
    case FrameType.ping:
      need(4);
      return { frame: { type: 'ping', id: p.readUInt32BE(0) } };
    case FrameType.goAway:
      need(8);
      return { frame: { type: 'goAway', lastGoodStreamId: p.readUInt32BE(0) & 0x7fffffff, status: p.readUInt32BE(4) } };
    case FrameType.windowUpdate:
      need(8);
      return { frame: { type: 'windowUpdate', streamId: p.readUInt32BE(0) & 0x7fffffff, delta: p.readUInt32BE(4) & 0x7fffffff } };
    default:
      return { frame: { type: 'unknown', frameType: type, flags, payload: Buffer.from(p) } };
  }
}
