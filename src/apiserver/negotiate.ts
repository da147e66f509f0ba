/**
 * Content negotiation: what the client sent (JSON, YAML or the protobuf envelope) and what it
 * wants back (JSON/YAML object, server-side Table, PartialObjectMetadata, aggregated discovery).
 */
import { parse as parseYaml } from 'yaml';
import { errors } from '../api/errors.js';
import { decodeProtobuf, PROTOBUF_CONTENT_TYPE } from './codec/protobuf.js';

export interface MediaType {
  type: string; // "application/json"
  params: Record<string, string>; // as, v, g
}

/** Parses an Accept header into media types, in order. */
export function parseAccept(accept: string | undefined): MediaType[] {
  if (!accept) return [{ type: '*/*', params: {} }];
  return accept.split(',').map((part) => {
    const [t, ...ps] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const eq = p.indexOf('=');
      if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
    }
    return { type: (t ?? '').toLowerCase(), params };
  });
}

export type OutputKind = 'object' | 'table' | 'partial';

export interface Wanted {
  output: OutputKind;
  yaml: boolean;
  /** the Table/PartialObjectMetadata version requested (v1 or v1beta1) */
  version: string;
}

/** Chooses the response form: the first Accept entry we can serve wins. */
export function wantedOutput(accept: string | undefined): Wanted {
  for (const mt of parseAccept(accept)) {
    const as = mt.params.as;
    if (as === 'Table' && mt.params.g === 'meta.k8s.io' && (mt.params.v === 'v1' || mt.params.v === 'v1beta1')) {
      return { output: 'table', yaml: false, version: mt.params.v };
    }
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && mt.params.g === 'meta.k8s.io') {
      return { output: 'partial', yaml: false, version: mt.params.v ?? 'v1' };
    }
    if (as) continue;
    if (mt.type === 'application/yaml') return { output: 'object', yaml: true, version: 'v1' };
    if (mt.type === 'application/json' || mt.type === '*/*' || mt.type === 'application/*' || mt.type === PROTOBUF_CONTENT_TYPE) {
      return { output: 'object', yaml: false, version: 'v1' };
    }
  }
  throw errors.notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf`);
}

/** Decodes a request body by Content-Type into a plain object. */
export function decodeBody(contentType: string | undefined, body: Buffer, what: string): Record<string, unknown> {
  const ct = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) throw errors.badRequest(`the body of the request was empty`);
  let v: unknown;
  if (ct === PROTOBUF_CONTENT_TYPE) {
    return decodeProtobuf(body);
  } else if (ct === 'application/json' || ct === '*/*' || ct === '') {
    try {
      v = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`${what}: json parse error: ${(e as Error).message}`);
    }
  } else if (ct === 'application/yaml' || ct === 'application/x-yaml' || ct === 'text/yaml') {
    try {
      v = parseYaml(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`${what}: yaml parse error: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    throw errors.unsupportedMediaType(ct);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw errors.badRequest(`${what}: the body must be a JSON object`);
  }
  return v as Record<string, unknown>;
}
