/**
 * The Node authorizer's rule for what a node may read (plugin/pkg/auth/authorizer/node): the
 * system:node role grants reads of Secrets, ConfigMaps and PersistentVolumeClaims, and this
 * narrows them to a `get` of an object that a pod bound to that node refers to. Upstream walks a
 * graph kept from informers; Kubeling lists the namespace's pods at the moment of the request,
 * which is cheap for the few reads an agent makes when it starts a pod.
 */
import type { KubeObject } from '../../api/object.js';
import type { Store } from '../../storage/store.js';
import { nodeIdentity } from '../admission/node-restriction.js';
import { storagePrefix, type ResourceTable } from '../resources.js';
import type { AuthorizationAttributes, Authorizer, Decision, RulesReview } from './types.js';
import type { UserInfo } from '../authn/types.js';
import { canResync } from './rbac.js';

type Obj = Record<string, unknown>;
const NARROWED = new Set(['secrets', 'configmaps', 'persistentvolumeclaims']);

const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

/** The names of the Secrets, ConfigMaps and claims a pod refers to, keyed by resource. */
export function podReferences(pod: KubeObject): Record<'secrets' | 'configmaps' | 'persistentvolumeclaims', Set<string>> {
  const refs = { secrets: new Set<string>(), configmaps: new Set<string>(), persistentvolumeclaims: new Set<string>() };
  const add = (set: Set<string>, v: unknown): void => {
    if (typeof v === 'string' && v) set.add(v);
  };
  const spec = asObj(pod.spec);
  for (const s of asList(spec.imagePullSecrets)) add(refs.secrets, s.name);
  for (const v of asList(spec.volumes)) {
    add(refs.secrets, asObj(v.secret).secretName);
    add(refs.configmaps, asObj(v.configMap).name);
    add(refs.persistentvolumeclaims, asObj(v.persistentVolumeClaim).claimName);
    if (v.ephemeral && typeof v.name === 'string') add(refs.persistentvolumeclaims, `${pod.metadata.name ?? ''}-${v.name}`);
    for (const src of asList(asObj(v.projected).sources)) {
      add(refs.secrets, asObj(src.secret).name);
      add(refs.configmaps, asObj(src.configMap).name);
    }
  }
  for (const c of [...asList(spec.initContainers), ...asList(spec.containers), ...asList(spec.ephemeralContainers)]) {
    for (const e of asList(c.envFrom)) {
      add(refs.secrets, asObj(e.secretRef).name);
      add(refs.configmaps, asObj(e.configMapRef).name);
    }
    for (const e of asList(c.env)) {
      const from = asObj(e.valueFrom);
      add(refs.secrets, asObj(from.secretKeyRef).name);
      add(refs.configmaps, asObj(from.configMapKeyRef).name);
    }
  }
  return refs;
}

/** RBAC (or any authorizer) with the node rule in front of it. */
export class NodeAuthorizer implements Authorizer {
  readonly rulesFor?: (user: UserInfo, namespace: string) => Promise<RulesReview>;
  /** the inner authorizer's cache refresh (RBAC), for the bootstrap reconciliation and escalation checks */
  readonly resync?: () => Promise<void>;

  constructor(
    private readonly inner: Authorizer,
    private readonly store: Store,
    private readonly resources: ResourceTable,
  ) {
    if (inner.rulesFor) this.rulesFor = (u, ns) => inner.rulesFor!(u, ns);
    if (canResync(inner)) this.resync = () => inner.resync();
  }

  async authorize(a: AuthorizationAttributes): Promise<Decision> {
    const node = a.isResourceRequest && a.group === '' && !a.subresource && NARROWED.has(a.resource) ? nodeIdentity(a.user) : undefined;
    if (node === undefined) return this.inner.authorize(a);
    const denied = { allowed: false, reason: `no relationship found between node '${node}' and this object` };
    if (a.verb !== 'get' || !a.name || !a.namespace || !(await this.related(node, a))) return denied;
    return this.inner.authorize(a);
  }

  /** Whether a pod on the node refers to the object. */
  private async related(node: string, a: AuthorizationAttributes): Promise<boolean> {
    const def = this.resources.preferred('', 'pods');
    if (!def) return false;
    const pods = (await this.store.list(storagePrefix(def, a.namespace))).items;
    const resource = a.resource as keyof ReturnType<typeof podReferences>;
    return pods.some((p) => asObj(p.spec).nodeName === node && podReferences(p)[resource].has(a.name));
  }
}
