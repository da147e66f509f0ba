/**
 * The audit.k8s.io/v1 Event as kube-apiserver writes it (one JSON object per line), and the
 * pieces it is built from: the user, the source IPs, the object reference, the response status
 * and the request/response bodies, which Kubeling never records for Secrets or tokens.
 */
import { parse as parseYaml } from 'yaml';
import type { UserInfo } from '../authn/types.js';
import { decodeBody } from '../negotiate.js';
import type { Level, Stage } from './policy.js';

/** authentication.k8s.io/v1 UserInfo as the event carries it. */
export interface EventUser {
  /** absent for a request that failed authentication */
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** audit.k8s.io/v1 ObjectReference. */
export interface ObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  apiGroup?: string;
  apiVersion?: string;
  subresource?: string;
}

/** metav1.Status as responseStatus. */
export interface ResponseStatus {
  metadata: Record<string, never>;
  status?: string;
  message?: string;
  reason?: string;
  details?: unknown;
  code: number;
}

/** audit.k8s.io/v1 Event. */
export interface AuditEvent {
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: Level;
  auditID: string;
  stage: Stage;
  requestURI: string;
  verb: string;
  user: EventUser;
  impersonatedUser?: EventUser;
  sourceIPs: string[];
  userAgent?: string;
  objectRef?: ObjectRef;
  responseStatus?: ResponseStatus;
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations?: Record<string, string>;
}

/** metav1.MicroTime: RFC 3339 with microseconds, in UTC. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The event's user; a request that failed authentication has an empty one, as upstream. */
export function eventUser(u: UserInfo | undefined): EventUser {
  if (!u) return {};
  const out: EventUser = { username: u.name };
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = [...u.groups];
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

/** utilnet.SourceIPs: X-Forwarded-For, then X-Real-Ip, then the peer address (if not already listed). */
export function sourceIPs(headers: Record<string, string | string[] | undefined>, remoteAddress: string | undefined): string[] {
  const ips: string[] = [];
  const xff = headers['x-forwarded-for'];
  for (const part of (Array.isArray(xff) ? xff.join(',') : (xff ?? '')).split(',')) if (part.trim()) ips.push(part.trim());
  const real = headers['x-real-ip'];
  if (typeof real === 'string' && real.trim() && !ips.includes(real.trim())) ips.push(real.trim());
  const remote = remoteAddress?.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  if (remote && !ips.includes(remote)) ips.push(remote);
  return ips;
}

/** The request's object reference; empty fields are left out as upstream's omitempty does. */
export function objectRef(info: { resource: string; namespace: string; name: string; group: string; version: string; subresource: string }): ObjectRef | undefined {
  if (!info.resource) return undefined;
  const ref: ObjectRef = { resource: info.resource };
  if (info.namespace) ref.namespace = info.namespace;
  if (info.name) ref.name = info.name;
  if (info.group) ref.apiGroup = info.group;
  if (info.version) ref.apiVersion = info.version;
  if (info.subresource) ref.subresource = info.subresource;
  return ref;
}

/**
 * Requests whose bodies carry credentials: Secrets, TokenRequests (serviceaccounts/token) and
 * TokenReviews. Their level is capped at Metadata whatever the policy says, so Secret data and
 * tokens never reach the log.
 */
export function isSensitive(ref: ObjectRef | undefined): boolean {
  if (!ref?.resource) return false;
  const g = ref.apiGroup ?? '';
  if (g === '' && ref.resource === 'secrets') return true;
  if (g === '' && ref.resource === 'serviceaccounts' && ref.subresource === 'token') return true;
  return g === 'authentication.k8s.io' && ref.resource === 'tokenreviews';
}

/** Whether a body holds a Secret anywhere (a list, a Table row, a watch event…), looked for a few levels deep. */
export function containsSecret(v: unknown, depth = 0): boolean {
  if (depth > 6 || typeof v !== 'object' || v === null) return false;
  if (Array.isArray(v)) return v.some((x) => containsSecret(x, depth + 1));
  const o = v as Record<string, unknown>;
  if (o.kind === 'Secret' || o.kind === 'SecretList') return true;
  for (const k of ['items', 'object', 'rows', 'objects']) if (k in o && containsSecret(o[k], depth + 1)) return true;
  return false;
}

/** A copy without metadata.managedFields (also of list items), for omitManagedFields. */
export function withoutManagedFields(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const o = { ...(v as Record<string, unknown>) };
  const meta = o.metadata;
  if (typeof meta === 'object' && meta !== null && 'managedFields' in meta) {
    const m = { ...(meta as Record<string, unknown>) };
    delete m.managedFields;
    o.metadata = m;
  }
  if (Array.isArray(o.items)) o.items = o.items.map(withoutManagedFields);
  return o;
}

/** The request body as an object: JSON, YAML (apply) or protobuf as the handlers decode it; undefined if it is none. */
export function decodeRequestBody(contentType: string | undefined, body: Buffer | undefined): unknown {
  if (!body?.length) return undefined;
  const ct = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  try {
    if (ct.includes('protobuf')) return decodeBody(contentType, body, 'audit');
    if (ct.includes('yaml')) return parseYaml(body.toString('utf8')) as unknown;
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** The event's responseStatus: the Status body when the response is one, else just the code. */
export function responseStatus(code: number, body: unknown): ResponseStatus {
  if (typeof body !== 'object' || body === null || (body as { kind?: unknown }).kind !== 'Status') return { metadata: {}, code };
  const b = body as Record<string, unknown>;
  // built in the field order of upstream's JSON (code last)
  const s: Omit<ResponseStatus, 'code'> & { code?: number } = { metadata: {} };
  if (typeof b.status === 'string') s.status = b.status;
  if (typeof b.message === 'string' && b.message) s.message = b.message;
  if (typeof b.reason === 'string' && b.reason) s.reason = b.reason;
  if (b.details !== undefined) s.details = b.details;
  s.code = typeof b.code === 'number' ? b.code : code;
  return s as ResponseStatus;
}
