/**
 * NodeRestriction (upstream plugin/pkg/admission/noderestriction): a node agent, identified as
 * user `system:node:<name>` in group `system:nodes`, may write only what belongs to its node:
 * its own Node (not its taints, nor labels outside the kubelet set), the status of pods bound to
 * it, deleting (and evicting) pods bound to it, mirror pods bound to it, its own Lease in
 * kube-node-lease and CSINode, and ServiceAccount tokens bound to its pods. RBAC grants
 * system:nodes the verbs; this plugin narrows them to the node's own objects. Identities outside
 * system:nodes (the simulated-nodes agent) are not restricted. Unlike upstream, PVC writes are
 * not limited to status: Kubeling's agent also runs the local-path provisioner.
 */
import type { PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import type { UserInfo } from '../authn/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const nodeUserPrefix = 'system:node:';
const mirrorPodAnnotation = 'kubernetes.io/config.mirror';

/** The node a user speaks for (upstream NodeIdentifier): undefined when not a node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.name.startsWith(nodeUserPrefix) || !user.groups.includes('system:nodes')) return undefined;
  return user.name.slice(nodeUserPrefix.length);
}

/** Labels kubelets may set on their own Node (k8s.io/kubelet/pkg/apis well_known_labels.go). */
const kubeletLabels = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone',
  'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
]);
const kubeletLabelNamespaces = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

function labelNamespace(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

const inDomain = (ns: string, domain: string): boolean => ns === domain || ns.endsWith(`.${domain}`);

function isKubeletLabel(key: string): boolean {
  return kubeletLabels.has(key) || kubeletLabelNamespaces.some((d) => inDomain(labelNamespace(key), d));
}

/** Labels a node may not add, change or remove: node-restriction.kubernetes.io and unknown kubernetes.io/k8s.io ones. */
export function forbiddenNodeLabels(next: Record<string, string> | undefined, prev: Record<string, string> | undefined): string[] {
  const a = next ?? {};
  const b = prev ?? {};
  const modified = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => a[k] !== b[k]));
  return [...modified]
    .filter((k) => {
      const ns = labelNamespace(k);
      if (inDomain(ns, 'node-restriction.kubernetes.io')) return true;
      return (inDomain(ns, 'kubernetes.io') || inDomain(ns, 'k8s.io')) && !isKubeletLabel(k);
    })
    .sort();
}

function deny(a: AdmissionAttributes, why: string): Error {
  const gr = { group: a.def.group, resource: a.def.resource };
  const qualified = a.def.group ? `${a.def.resource}.${a.def.group}` : a.def.resource;
  return errors.forbidden(`${qualified} "${a.name}" is forbidden: ${why}`, gr, a.name);
}

function nodeNameOf(pod: KubeObject | undefined): string | undefined {
  return (pod?.spec as PodSpec | undefined)?.nodeName;
}

/** Upstream refuses mirror pods that reference other API objects (secrets, config maps, SAs, PVCs). */
function referencedObjects(spec: PodSpec): string | undefined {
  if (spec.serviceAccountName) return 'a service account';
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const vols: Volume[] = spec.volumes ?? [];
  const envRefs = containers.flatMap((c) => [...(c.env ?? []).map((e) => e.valueFrom ?? {}), ...(c.envFrom ?? [])]);
  const projected = vols.flatMap((v) => v.projected?.sources ?? []);
  if ((spec.imagePullSecrets ?? []).length || vols.some((v) => v.secret || v.azureFile || v.cephfs?.secretRef || v.cinder?.secretRef || v.flexVolume?.secretRef || v.iscsi?.secretRef || v.rbd?.secretRef || v.scaleIO?.secretRef || v.storageos?.secretRef || v.csi?.nodePublishSecretRef) || projected.some((s) => s.secret) || envRefs.some((r) => 'secretKeyRef' in r || 'secretRef' in r)) return 'secrets';
  if (vols.some((v) => v.configMap) || projected.some((s) => s.configMap) || envRefs.some((r) => 'configMapKeyRef' in r || 'configMapRef' in r)) return 'configmaps';
  if (projected.some((s) => (s as Record<string, unknown>).clusterTrustBundle)) return 'clustertrustbundles';
  if (vols.some((v) => v.persistentVolumeClaim)) return 'persistentvolumeclaims';
  return undefined;
}

async function admitPodCreate(a: AdmissionAttributes, node: string): Promise<void> {
  const pod = a.object;
  if (!pod) return;
  if (pod.metadata.annotations?.[mirrorPodAnnotation] === undefined) throw deny(a, `pod does not have "${mirrorPodAnnotation}" annotation, node "${node}" can only create mirror pods`);
  if (nodeNameOf(pod) !== node) throw deny(a, `node "${node}" can only create pods with spec.nodeName set to itself`);
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) throw deny(a, `node "${node}" can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) throw deny(a, `node "${node}" can only create pods with an owner reference set to itself`);
  if (owner.controller !== true) throw deny(a, `node "${node}" can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion === true) throw deny(a, `node "${node}" must not set blockOwnerDeletion on an owner reference`);
  const self = await a.get('', 'nodes', '', node);
  if (!self) throw errors.notFound({ group: '', resource: 'nodes' }, node);
  if (owner.uid !== self.metadata.uid) throw deny(a, `node ${node} UID mismatch: expected ${owner.uid} got ${self.metadata.uid ?? ''}`);
  const refs = referencedObjects((pod.spec ?? {}) as PodSpec);
  if (refs) throw deny(a, `node "${node}" can not create pods that reference ${refs}`);
}

async function admitPod(a: AdmissionAttributes, node: string): Promise<void> {
  switch (a.subresource) {
    case '':
      if (a.operation === 'CREATE') return admitPodCreate(a, node);
      if (a.operation === 'DELETE') {
        // Eviction reaches this path too: kubectl drain by a node agent is limited the same way.
        if (nodeNameOf(a.oldObject) !== node) throw deny(a, `node "${node}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw deny(a, `unexpected operation "${a.operation}", node "${node}" can only create and delete mirror pods`);
    case 'status': {
      if (a.operation !== 'UPDATE') throw deny(a, `unexpected operation "${a.operation}"`);
      if (nodeNameOf(a.oldObject) !== node) throw deny(a, `node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
      if (!deepEqual(a.object?.metadata.labels ?? {}, a.oldObject?.metadata.labels ?? {})) throw deny(a, `node "${node}" cannot update labels through pod status`);
      return;
    }
    case 'eviction': {
      if (a.operation !== 'CREATE') throw deny(a, `unexpected operation ${a.operation}`);
      const pod = await a.get('', 'pods', a.namespace, a.name);
      if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, a.name);
      if (nodeNameOf(pod) !== node) throw deny(a, `node ${node} can only evict pods with spec.nodeName set to itself`);
      return;
    }
    default:
      throw deny(a, `unexpected pod subresource "${a.subresource}", only 'status' and 'eviction' are allowed`);
  }
}

function admitNode(a: AdmissionAttributes, node: string): void {
  if (a.name !== node) throw deny(a, `node "${node}" is not allowed to modify node "${a.name}"`);
  const spec = (o: KubeObject | undefined) => (o?.spec ?? {}) as { configSource?: unknown; taints?: unknown[] };
  if (a.operation === 'CREATE') {
    if (spec(a.object).configSource != null) throw deny(a, `node "${node}" is not allowed to create pods with a non-nil configSource`);
    const bad = forbiddenNodeLabels(a.object?.metadata.labels, undefined);
    if (bad.length) throw deny(a, `node "${node}" is not allowed to set the following labels: ${bad.join(', ')}`);
  }
  if (a.operation === 'UPDATE') {
    const next = spec(a.object);
    const prev = spec(a.oldObject);
    if (next.configSource != null && !deepEqual(next.configSource, prev.configSource)) throw deny(a, `node "${node}" is not allowed to update configSource to a new non-nil configSource`);
    // Semantic equality: an empty taint list equals none.
    if (!deepEqual(next.taints?.length ? next.taints : [], prev.taints?.length ? prev.taints : [])) throw deny(a, `node "${node}" is not allowed to modify taints`);
    const bad = forbiddenNodeLabels(a.object?.metadata.labels, a.oldObject?.metadata.labels);
    if (bad.length) throw deny(a, `is not allowed to modify labels: ${bad.join(', ')}`);
  }
}

interface TokenRequestRef {
  spec?: { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } | null };
}

async function admitServiceAccount(a: AdmissionAttributes, node: string): Promise<void> {
  if (a.operation !== 'CREATE' || a.subresource !== 'token') return;
  const ref = (a.object as TokenRequestRef | undefined)?.spec?.boundObjectRef;
  if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw deny(a, 'node requested token not bound to a pod');
  if (!ref.uid) throw deny(a, 'node requested token with a pod binding without a uid');
  const pod = await a.get('', 'pods', a.namespace, ref.name);
  if (!pod) throw errors.notFound({ group: '', resource: 'pods' }, ref.name);
  if (ref.uid !== pod.metadata.uid) throw deny(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  if (nodeNameOf(pod) !== node) throw deny(a, 'node requested token bound to a pod scheduled on a different node');
}

function admitOwnNamed(a: AdmissionAttributes, node: string, what: string): void {
  // On create the name comes from the object (the URL has none).
  const name = a.operation === 'CREATE' ? (a.object?.metadata.name ?? a.name) : a.name;
  if (name !== node) throw deny(a, `can only access ${what} with the same name as the requesting node`);
}

/** The NodeRestriction plugin. */
export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  async validate(a) {
    if (a.operation === 'CONNECT') return;
    const node = nodeIdentity(a.user);
    if (node === undefined) return;
    if (node === '') throw deny(a, `could not determine node from user "${a.user.name}"`);
    const key = `${a.def.group}/${a.def.resource}`;
    switch (key) {
      case '/pods':
        return admitPod(a, node);
      case '/nodes':
        return admitNode(a, node);
      case '/serviceaccounts':
        return admitServiceAccount(a, node);
      case 'coordination.k8s.io/leases':
        if (a.namespace !== 'kube-node-lease') throw deny(a, 'can only access leases in the "kube-node-lease" system namespace');
        return admitOwnNamed(a, node, 'node lease');
      case 'storage.k8s.io/csinodes':
        return admitOwnNamed(a, node, 'CSINode');
      default:
        return;
    }
  },
};
