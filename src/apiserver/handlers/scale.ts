/**
 * The scale subresource (autoscaling/v1 Scale) for any kind declaring a ScaleSpec: Deployments,
 * ReplicaSets, StatefulSets, ReplicationControllers and custom resources.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import type { ScaleSpec } from '../../api/resource.js';
import { readBody } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { applyPatch, patchTypeFromContentType } from '../patch/index.js';
import { updateObject } from '../pipeline.js';
import { findKind } from '../../api/schema/types.js';
import type { RequestCtx } from './context.js';
import { opContext } from './context.js';
import { getObject } from './read.js';
import { send } from '../http.js';

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** metav1.FormatLabelSelector: "app=web,tier in (a,b)". */
export function selectorToString(sel: unknown): string {
  if (typeof sel === 'string') return sel;
  if (!sel || typeof sel !== 'object') return '';
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b))) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function scaleSpec(rc: RequestCtx): ScaleSpec {
  const s = rc.def.subresources?.scale;
  if (!s) throw errors.notFound({ group: rc.def.group, resource: `${rc.def.resource}/scale` }, rc.info.name);
  return s;
}

export function toScale(obj: KubeObject, spec: ScaleSpec): KubeObject {
  const sel = spec.labelSelectorPath ? getPath(obj, spec.labelSelectorPath) : undefined;
  const selector = selectorToString(sel ?? getPath(obj, '.spec.selector'));
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, spec.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, spec.specReplicasPath) ?? 0) },
    status,
  };
}

export async function handleGetScale(rc: RequestCtx): Promise<void> {
  const spec = scaleSpec(rc);
  send(rc.req, rc.res, 200, toScale(await getObject(rc, rc.info.name), spec));
}

/** PUT or PATCH of .../scale: computes the new Scale, then writes spec.replicas of the parent. */
export async function handleWriteScale(rc: RequestCtx, method: 'PUT' | 'PATCH'): Promise<void> {
  const spec = scaleSpec(rc);
  const body = await readBody(rc.req);
  const ctx = opContext(rc);
  const { object } = await updateObject(
    ctx,
    rc.info.name,
    (cur) => {
      const obj = deepCopy(cur!);
      const scale = toScale(obj, spec);
      let next: KubeObject;
      if (method === 'PUT') {
        next = decodeBody(rc.req.headers['content-type'], body, 'couldn\'t decode Scale') as KubeObject;
      } else {
        const type = patchTypeFromContentType(String(rc.req.headers['content-type'] ?? ''));
        if (!type || type === 'apply') throw errors.unsupportedMediaType(String(rc.req.headers['content-type'] ?? ''));
        next = applyPatch(type, scale, body.toString('utf8'), { defs: rc.deps.defs, rootDef: findKind(rc.deps.defs, { group: 'autoscaling', version: 'v1', kind: 'Scale' }) });
      }
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== cur!.metadata.resourceVersion) {
        throw errors.conflict({ group: rc.def.group, resource: rc.def.resource }, rc.info.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const replicas = (next.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw errors.invalid('autoscaling', 'Scale', rc.info.name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', badValue: replicas, detail: 'must be greater than or equal to 0' }]);
      }
      setPath(obj, spec.specReplicasPath, replicas);
      delete obj.metadata.resourceVersion;
      return obj;
    },
    { subresource: 'scale', checkFields: false },
  );
  send(rc.req, rc.res, 200, toScale(object, spec), { warnings: rc.warnings });
}
