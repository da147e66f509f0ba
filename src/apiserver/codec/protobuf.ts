/**
 * Decoding of Kubernetes protobuf request bodies (application/vnd.kubernetes.protobuf) into the
 * same JSON objects the JSON codec yields, so handlers never know which format the client sent.
 *
 * kubectl >= 1.32 sends protobuf for typed-client calls (every `create <subcommand>`, create
 * token, auth can-i/whoami, autoscale, drain --disable-eviction, debug node, certificate approve)
 * and treats a 415 as fatal, so every field reachable from those kinds is in the tables
 * (protobuf-types-*.ts).
 * We only decode; responses stay JSON, which those clients accept.
 */
import protobuf from 'protobufjs/minimal.js';
import { ApiError, errors } from '../../api/errors.js';
import { PROTOBUF_KINDS, PROTOBUF_MESSAGES, protobufMessageFor } from './protobuf-types-all.js';
import type { FieldDescriptor } from './protobuf-types-schema.js';
import { formatDuration, formatTime } from './protobuf-types-wellknown.js';

type Reader = protobuf.Reader;

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** "k8s\0": the prefix of every protobuf-serialized runtime.Unknown envelope. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00] as const;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;

/** Nested RawExtensions can carry whole envelopes; bound recursion on hostile input. */
const MAX_DEPTH = 64;

/** A malformed body: turned into 400 BadRequest by decodeProtobuf. */
class MalformedError extends Error {}

/**
 * Decodes a protobuf body (magic + runtime.Unknown envelope) into its JSON object, with
 * apiVersion and kind taken from the envelope's TypeMeta.
 * @throws ApiError 400 for a missing magic or truncated/malformed bytes, 415 for a kind we lack.
 */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  return decodeEnvelope(body, 0);
}

/** The "<apiVersion>/<kind>" pairs decodeProtobuf accepts (DeleteOptions: under any apiVersion). */
export function supportedProtobufKinds(): string[] {
  return Object.keys(PROTOBUF_KINDS);
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

function decodeEnvelope(body: Uint8Array, depth: number): Record<string, unknown> {
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw errors.badRequest('protobuf body does not start with the Kubernetes magic prefix "k8s\\x00"');
  }
  let env: Envelope;
  try {
    env = readEnvelope(body.subarray(MAGIC.length));
  } catch (e) {
    throw errors.badRequest(`malformed protobuf envelope (runtime.Unknown): ${describe(e)}`);
  }
  if (!env.kind || !env.apiVersion) {
    throw errors.badRequest('protobuf envelope is missing apiVersion or kind in its TypeMeta');
  }
  // kube-apiserver never compresses; an encoding would make raw unreadable to us.
  if (env.contentEncoding) {
    throw errors.badRequest(`protobuf envelope contentEncoding "${env.contentEncoding}" is not supported`);
  }
  const type = protobufMessageFor(env.apiVersion, env.kind);
  if (!type) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `protobuf decoding of ${env.apiVersion} ${env.kind} is not supported by this server; send JSON`,
    );
  }
  try {
    const r = protobuf.Reader.create(env.raw);
    const obj = decodeFields(r, env.raw.length, type, depth) as Record<string, unknown>;
    return { apiVersion: env.apiVersion, kind: env.kind, ...obj };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw errors.badRequest(`malformed protobuf body for ${env.apiVersion} ${env.kind}: ${describe(e)}`);
  }
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** runtime.Unknown {1: TypeMeta{1: apiVersion, 2: kind}, 2: raw, 3: contentEncoding, 4: contentType}. */
function readEnvelope(buf: Uint8Array): Envelope {
  const r = protobuf.Reader.create(buf);
  const env: Envelope = { apiVersion: '', kind: '', raw: new Uint8Array(0), contentEncoding: '' };
  while (r.pos < buf.length) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1 && wt === WIRE_BYTES) {
      const end = subEnd(r, buf.length);
      while (r.pos < end) {
        const t = r.uint32();
        if (t >>> 3 === 1 && (t & 7) === WIRE_BYTES) env.apiVersion = r.string();
        else if (t >>> 3 === 2 && (t & 7) === WIRE_BYTES) env.kind = r.string();
        else skip(r, t & 7);
      }
      expectEnd(r, end);
    } else if (no === 2 && wt === WIRE_BYTES) {
      env.raw = r.bytes();
    } else if (no === 3 && wt === WIRE_BYTES) {
      env.contentEncoding = r.string();
    } else {
      skip(r, wt); // 4: contentType, always empty in practice; unknown fields are ignored like Go does
    }
  }
  expectEnd(r, buf.length);
  return env;
}

/** Reads a length prefix and returns where that sub-message ends, refusing lengths past `limit`. */
function subEnd(r: Reader, limit: number): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > limit) throw new MalformedError(`length ${len} at offset ${r.pos} runs past the end of its message`);
  return end;
}

function expectEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new MalformedError(`field overruns its message (offset ${r.pos}, end ${end})`);
}

function skip(r: Reader, wt: number): void {
  if (wt > 5 || wt === 3 || wt === 4) throw new MalformedError(`invalid wire type ${wt} at offset ${r.pos}`);
  r.skipType(wt);
}

/** Decodes one message occupying [r.pos, end) into its JSON value. */
function decodeFields(r: Reader, end: number, type: string, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new MalformedError('message nesting too deep');
  const special = decodeSpecial(r, end, type, depth);
  if (special.handled) return special.value;
  const fields = fieldIndex(type);
  const obj: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    const f = fields.get(no);
    if (!f) {
      // A field newer than our table: Go's unmarshaller skips unknown fields too.
      skip(r, wt);
      continue;
    }
    readField(r, end, f, wt, obj, depth);
  }
  expectEnd(r, end);
  const first = fields.get(1);
  if (first?.json === '' && first.repeated) return obj[''] ?? []; // a bare-list message (stringList)
  return obj;
}

const indexCache = new Map<string, Map<number, FieldDescriptor>>();

function fieldIndex(type: string): Map<number, FieldDescriptor> {
  let idx = indexCache.get(type);
  if (!idx) {
    const fields = PROTOBUF_MESSAGES.get(type);
    if (!fields) throw new Error(`protobuf table has no message ${type}`); // a table bug, not a client error
    idx = new Map(fields.map((f) => [f.no, f]));
    indexCache.set(type, idx);
  }
  return idx;
}

function readField(r: Reader, end: number, f: FieldDescriptor, wt: number, obj: Record<string, unknown>, depth: number): void {
  if (f.kind === 'map') {
    expectWire(f, wt, WIRE_BYTES);
    const [key, value] = readMapEntry(r, subEnd(r, end), f, depth);
    const m = (obj[f.json] ??= {}) as Record<string, unknown>;
    // defineProperty, not assignment: a "__proto__" key must stay a plain key, as in JSON.parse.
    Object.defineProperty(m, key, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  if (f.kind === 'message') {
    expectWire(f, wt, WIRE_BYTES);
    const value = decodeFields(r, subEnd(r, end), f.type ?? '', depth + 1);
    if (f.json === '') Object.assign(obj, value);
    else if (f.repeated) pushTo(obj, f.json, value);
    else if (value !== undefined) obj[f.json] = value;
    else delete obj[f.json]; // a zero Time: Go prints it as null, omitempty/omitzero drop it
    return;
  }
  // proto2 repeated scalars are unpacked from gogo, but a packed run is legal protobuf too.
  if (f.repeated && wt === WIRE_BYTES && f.kind !== 'string' && f.kind !== 'bytes') {
    const runEnd = subEnd(r, end);
    while (r.pos < runEnd) pushTo(obj, f.json, readScalar(r, f.kind));
    expectEnd(r, runEnd);
    return;
  }
  expectWire(f, wt, scalarWire(f.kind));
  const value = readScalar(r, f.kind);
  if (f.repeated) pushTo(obj, f.json, value);
  else if (f.keepZero || !isZero(value)) obj[f.json] = value;
  else delete obj[f.json]; // last occurrence wins in protobuf; an omitempty zero is not printed
}

function pushTo(obj: Record<string, unknown>, key: string, value: unknown): void {
  ((obj[key] ??= []) as unknown[]).push(value);
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === false;
}

function scalarWire(kind: FieldDescriptor['kind']): number {
  if (kind === 'double') return WIRE_FIXED64;
  return kind === 'string' || kind === 'bytes' ? WIRE_BYTES : WIRE_VARINT;
}

function expectWire(f: FieldDescriptor, got: number, want: number): void {
  if (got !== want) {
    throw new MalformedError(`field ${f.json || '(inline)'} (${f.no}) has wire type ${got}, expected ${want}`);
  }
}

function readScalar(r: Reader, kind: FieldDescriptor['kind']): unknown {
  switch (kind) {
    case 'string':
      return r.string();
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64'); // Go's encoding/json prints []byte as base64
    case 'bool':
      return r.bool();
    case 'int32':
      return r.int32();
    case 'int64':
      return toNumber(r.int64());
    case 'double':
      return r.double();
    default:
      throw new Error(`not a scalar kind: ${kind}`);
  }
}

/** protobufjs returns a Long when the long package is present, else a number. */
function toNumber(v: number | protobuf.Long): number {
  // high is signed, low unsigned: exact up to 2^53, like JSON numbers from Go int64 in practice.
  return typeof v === 'number' ? v : v.high * 0x1_0000_0000 + (v.low >>> 0);
}

/** map<string, V> entry {1: key, 2: value}; V is 'string', 'bytes' or a message name. */
function readMapEntry(r: Reader, end: number, f: FieldDescriptor, depth: number): [string, unknown] {
  const vt = f.type ?? 'string';
  let key = '';
  let value: unknown;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 1 && wt === WIRE_BYTES) key = r.string();
    else if (no === 2 && wt === WIRE_BYTES) {
      if (vt === 'string' || vt === 'bytes') value = readScalar(r, vt);
      else value = decodeFields(r, subEnd(r, end), vt, depth + 1);
    } else skip(r, wt);
  }
  expectEnd(r, end);
  // An entry without a value is the zero value, as Go's map decoding produces.
  if (value === undefined) value = vt === 'string' || vt === 'bytes' ? '' : vt === 'resource.Quantity' ? '0' : {};
  return [key, value];
}

/** Reads the fields of a small fixed message into number→value, by wire type. */
function readRaw(r: Reader, end: number): Map<number, number | string | Uint8Array> {
  const out = new Map<number, number | string | Uint8Array>();
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    if (wt === WIRE_VARINT) out.set(tag >>> 3, toNumber(r.int64()));
    else if (wt === WIRE_BYTES) out.set(tag >>> 3, r.bytes());
    else skip(r, wt);
  }
  expectEnd(r, end);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function rawString(v: number | string | Uint8Array | undefined): string {
  return v instanceof Uint8Array ? utf8.decode(v) : '';
}

function rawNumber(v: number | string | Uint8Array | undefined): number {
  return typeof v === 'number' ? v : 0;
}

/** The well-known messages whose JSON is not an object (see SPECIAL_MESSAGES). */
function decodeSpecial(r: Reader, end: number, type: string, depth: number): { handled: boolean; value?: unknown } {
  switch (type) {
    case 'meta.v1.Time':
    case 'meta.v1.MicroTime': {
      const m = readRaw(r, end);
      const seconds = rawNumber(m.get(1));
      const nanos = rawNumber(m.get(2));
      if (seconds === 0 && nanos === 0) return { handled: true, value: undefined };
      return { handled: true, value: formatTime(seconds, nanos, type === 'meta.v1.MicroTime') };
    }
    case 'meta.v1.Duration':
      return { handled: true, value: formatDuration(rawNumber(readRaw(r, end).get(1))) };
    case 'resource.Quantity':
      return { handled: true, value: rawString(readRaw(r, end).get(1)) || '0' };
    case 'intstr.IntOrString': {
      const m = readRaw(r, end);
      // type 0 = Int, 1 = String (k8s.io/apimachinery/pkg/util/intstr)
      return { handled: true, value: rawNumber(m.get(1)) === 1 ? rawString(m.get(3)) : rawNumber(m.get(2)) | 0 };
    }
    case 'meta.v1.FieldsV1':
    case 'runtime.RawExtension': {
      const raw = readRaw(r, end).get(1);
      return { handled: true, value: raw instanceof Uint8Array ? decodeRaw(raw, depth) : null };
    }
    default:
      return { handled: false };
  }
}

/** RawExtension/FieldsV1 bytes: JSON as clients send it, or a nested protobuf envelope. */
function decodeRaw(raw: Uint8Array, depth: number): unknown {
  if (raw.length === 0) return null;
  if (raw.length >= 4 && MAGIC.every((b, i) => raw[i] === b)) return decodeEnvelope(raw, depth + 1);
  try {
    return JSON.parse(utf8.decode(raw)) as unknown;
  } catch {
    throw new MalformedError('embedded raw object is neither JSON nor a protobuf envelope');
  }
}
