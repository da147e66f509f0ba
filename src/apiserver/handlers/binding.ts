/**
 * pods/binding (upstream pkg/registry/core/pod/storage BindingREST): how a scheduler places a pod.
 * It sets spec.nodeName, which ordinary updates may not change, plus the binding's annotations and
 * the PodScheduled=True condition, and refuses pods already bound or being deleted (409).
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import { field } from '../../api/field.js';
import { StorageError } from '../../storage/store.js';
import { readBody, send } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { gr, translateStorageError } from '../pipeline.js';
import { rfc3339 } from '../object-meta.js';
import { storageKey } from '../resources.js';
import type { RequestCtx } from './context.js';
import { isDryRun } from './context.js';

interface Binding {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string; namespace?: string };
}

/** The one place a pod's node assignment is written. */
export async function handleBinding(rc: RequestCtx): Promise<void> {
  if ((rc.req.method ?? '').toUpperCase() !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const body = decodeBody(rc.req.headers['content-type'], await readBody(rc.req), 'couldn\'t decode the Binding') as Binding;
  const name = rc.info.name;
  if (body.metadata?.name !== undefined && body.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  }
  const target = isPlainObject(body.target) ? body.target : {};
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node') {
    throw errors.invalid('', 'Binding', name, [field.notSupported('target.kind', target.kind, ['Node'])]);
  }
  if (!target.name) throw errors.invalid('', 'Binding', name, [field.required('target.name')]);
  const nodeName = target.name;
  const dryRun = isDryRun(rc.query);
  const key = storageKey(rc.def, rc.info.namespace, name);
  const bind = (pod: KubeObject | undefined): KubeObject => {
    if (!pod) throw new StorageError('NotFound', key, 'not found');
    const meta = body.metadata;
    if (meta?.uid && meta.uid !== pod.metadata.uid) throw new StorageError('PreconditionFailed', key, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${pod.metadata.uid ?? ''}`);
    if (meta?.resourceVersion && meta.resourceVersion !== pod.metadata.resourceVersion) throw new StorageError('Conflict', key, 'stale resourceVersion');
    if (pod.metadata.deletionTimestamp) throw errors.conflict(gr(rc.def), name, `pod ${name} is being deleted, cannot be assigned to a host`);
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (spec.nodeName) throw errors.conflict(gr(rc.def), name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = nodeName;
    if (meta?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...meta.annotations };
    const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string; reason?: string; message?: string }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(rc.deps.now()) });
    status.conditions = conditions;
    return pod;
  };
  if (dryRun) {
    bind(await rc.deps.store.get(key));
  } else {
    try {
      await rc.deps.store.guaranteedUpdate(key, bind);
    } catch (e) {
      translateStorageError(rc.def, name, e);
    }
  }
  send(rc.req, rc.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 }, { warnings: rc.warnings });
}
