import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { FrameEncoder, FrameParser, encodeFrame, parseOne, type SpdyFrame } from './spdy-frames.js';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';
import { SpdySession } from './spdy-session.js';
import type { SpdyStream } from './spdy-stream.js';

/** Two sessions wired back to back; `tap` sees every frame the server receives. */
function pair(opts: { chunk?: number } = {}): { client: SpdySession; server: SpdySession; clientFrames: SpdyFrame[] } {
  const clientFrames: SpdyFrame[] = [];
  const spy = new FrameParser();
  let spyQueue = Promise.resolve();
  const peer: { server?: SpdySession } = {};
  const client: SpdySession = new SpdySession({
    server: false,
    write: (b) => {
      // Deliver in small pieces when asked: the parser must not care about boundaries.
      const n = opts.chunk ?? b.length;
      for (let i = 0; i < b.length; i += n) peer.server?.receive(b.subarray(i, i + n));
    },
    end: () => peer.server?.transportClosed(),
  });
  const server = new SpdySession({
    server: true,
    write: (b) => {
      for (const raw of spy.push(b)) spyQueue = spyQueue.then(async () => void clientFrames.push(await spy.inflate(raw)));
      client.receive(b);
    },
    end: () => client.transportClosed(),
  });
  peer.server = server;
  return { client, server, clientFrames };
}

function nextStream(s: SpdySession): Promise<SpdyStream> {
  return new Promise((resolve) => s.once('stream', resolve));
}

/** Reads to EOF without destroying the stream (an async iterator would, killing the other half). */
function readAll(s: SpdyStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  return new Promise((resolve, reject) => {
    s.on('data', (c: Buffer) => parts.push(c));
    s.once('end', () => resolve(Buffer.concat(parts)));
    s.once('error', reject);
  });
}

function readN(s: SpdyStream, n: number): Promise<number> {
  let got = 0;
  return new Promise((resolve) => {
    s.on('data', (c: Buffer) => {
      got += c.length;
      if (got >= n) resolve(got);
    });
  });
}

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

describe('SPDY/3.1 frames', () => {
  it('round-trips every control frame without a header block', () => {
    const frames: SpdyFrame[] = [
      { type: 'rstStream', streamId: 5, status: 5 },
      { type: 'settings', clear: false, entries: [{ id: 7, flags: 1, value: 1 << 20 }, { id: 4, flags: 0, value: 100 }] },
      { type: 'ping', id: 7 },
      { type: 'goAway', lastGoodStreamId: 9, status: 0 },
      { type: 'windowUpdate', streamId: 3, delta: 4096 },
      { type: 'data', streamId: 3, fin: true, data: Buffer.from('hello') },
    ];
    for (const f of frames) assert.deepEqual(parseOne(encodeFrame(f)).frame, f);
  });

  it('writes a version-3 control header with the control bit, type and flags', () => {
    const b = encodeFrame({ type: 'ping', id: 1 });
    assert.equal(b.toString('hex'), '800300060000000400000001');
  });

  it('round-trips SYN_STREAM, SYN_REPLY and HEADERS through one compression context per direction', async () => {
    const enc = new FrameEncoder();
    const parser = new FrameParser();
    const frames: SpdyFrame[] = [
      { type: 'synStream', streamId: 1, associatedId: 0, priority: 3, fin: false, unidirectional: false, headers: { streamtype: ['error'], port: ['8080'], requestid: ['0'] } },
      { type: 'synStream', streamId: 3, associatedId: 0, priority: 0, fin: true, unidirectional: false, headers: { streamtype: ['data'], port: ['8080'], requestid: ['0'] } },
      { type: 'synReply', streamId: 1, fin: false, headers: {} },
      { type: 'headers', streamId: 3, fin: false, headers: { multi: ['a', 'b'] } },
    ];
    const wire = Buffer.concat(await Promise.all(frames.map((f) => enc.encode(f))));
    const out: SpdyFrame[] = [];
    // One byte at a time, like the WebSocket tunnel's arbitrary message boundaries.
    for (let i = 0; i < wire.length; i++) for (const raw of parser.push(wire.subarray(i, i + 1))) out.push(await parser.inflate(raw));
    assert.deepEqual(out, frames);
    enc.close();
    parser.close();
  });

  it('compresses header blocks with the SPDY/3 dictionary (zlib FDICT with its Adler-32)', async () => {
    const enc = new FrameEncoder();
    const f = await enc.encode({ type: 'synReply', streamId: 1, fin: false, headers: { streamtype: ['stdout'] } });
    const block = f.subarray(12);
    assert.equal(block[0], 0x78);
    assert.ok(((block[1] ?? 0) & 0x20) !== 0, 'FDICT set');
    assert.equal(block.readUInt32BE(2), 0xe3c6a7c2, 'dictionary id of the SPDY/3 dictionary');
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.throws(() => inflateSync(block, { finishFlush: 2 }));
    const plain = inflateSync(block, { dictionary: SPDY3_DICTIONARY, finishFlush: 2 });
    assert.ok(plain.includes(Buffer.from('streamtype')));
    enc.close();
  });
});

describe('SPDY/3.1 session', () => {
  it('delivers a client stream with its headers and carries data both ways with half-closes', async () => {
    const { client, server } = pair({ chunk: 3 });
    const incoming = nextStream(server);
    const c = client.openStream({ streamtype: ['stdin'] });
    const s = await incoming;
    assert.equal(s.header('streamtype'), 'stdin');
    const replied = new Promise((r) => c.once('reply', r));
    s.reply();
    await replied;
    c.end('from client');
    assert.equal((await readAll(s)).toString(), 'from client');
    s.end('from server');
    assert.equal((await readAll(c)).toString(), 'from server');
    await until(() => server.streamCount === 0 && client.streamCount === 0);
  });

  it('answers a peer PING with the same id', async () => {
    const { client } = pair();
    const pong = new Promise<number>((r) => client.once('pong', r));
    const id = client.ping();
    assert.equal(await pong, id);
  });

  it('resets a stream destroyed before both sides finished', async () => {
    const { client, server } = pair();
    const incoming = nextStream(server);
    const c = client.openStream({});
    const s = await incoming;
    const reset = new Promise<number>((r) => c.once('reset', r));
    s.destroy();
    assert.equal(await reset, 5);
  });

  it('closes with GOAWAY and ends every stream', async () => {
    const { client, server } = pair();
    const incoming = nextStream(server);
    const c = client.openStream({});
    await incoming;
    const away = new Promise((r) => client.once('goaway', r));
    await server.close();
    await away;
    await until(() => client.isClosed && c.destroyed);
  });

  it('does not enforce send windows against a peer that never sends WINDOW_UPDATE (spdystream)', async () => {
    const { client, server } = pair();
    const incoming = nextStream(server);
    const c = client.openStream({});
    const s = await incoming;
    s.end(Buffer.alloc(200_000, 1));
    assert.equal((await readAll(c)).length, 200_000);
    void c.end();
  });

  it('refills the receive window with WINDOW_UPDATE as the reader consumes', async () => {
    const { client, server, clientFrames } = pair();
    const incoming = nextStream(server);
    const c = client.openStream({});
    const s = await incoming;
    c.write(Buffer.alloc(40_000, 2));
    assert.equal(await readN(s, 40_000), 40_000);
    await until(() => clientFrames.some((f) => f.type === 'windowUpdate' && f.streamId === c.id) && clientFrames.some((f) => f.type === 'windowUpdate' && f.streamId === 0));
  });

  it('stops at the send window once the peer does flow control, and resumes on WINDOW_UPDATE', async () => {
    // A hand-driven peer: the server session talks to raw frames we write and read ourselves.
    const seen = new FrameParser();
    const enc = new FrameEncoder();
    const got: SpdyFrame[] = [];
    let q = Promise.resolve();
    const server = new SpdySession({ server: true, write: (b) => { for (const raw of seen.push(b)) q = q.then(async () => void got.push(await seen.inflate(raw))); }, end: () => {} });
    const incoming = nextStream(server);
    server.receive(await enc.encode({ type: 'synStream', streamId: 1, associatedId: 0, priority: 0, fin: false, unidirectional: false, headers: {} }));
    const s = await incoming;
    let pings = 0;
    // A PING's echo is queued behind every frame the session received or sent before it.
    const sync = async (): Promise<void> => {
      const want = got.filter((f) => f.type === 'ping').length + 1;
      server.receive(await enc.encode({ type: 'ping', id: 2 * ++pings + 1 }));
      await until(() => got.filter((f) => f.type === 'ping').length === want);
    };
    server.receive(await enc.encode({ type: 'windowUpdate', streamId: 1, delta: 0 })); // opts in to flow control
    await sync();
    s.write(Buffer.alloc(100_000, 3));
    const sent = (): number => got.reduce((n, f) => n + (f.type === 'data' && f.streamId === 1 ? f.data.length : 0), 0);
    await until(() => sent() === 65536);
    await sync();
    assert.equal(sent(), 65536, 'nothing beyond the 64 KiB window');
    server.receive(await enc.encode({ type: 'windowUpdate', streamId: 1, delta: 50_000 }));
    server.receive(await enc.encode({ type: 'windowUpdate', streamId: 0, delta: 50_000 }));
    await until(() => sent() === 100_000);
    enc.close();
    server.transportClosed();
  });
});
