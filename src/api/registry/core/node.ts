/**
 * Node (pkg/registry/core/node/strategy.go): cluster-scoped with status; allocatable defaults to
 * capacity (SetDefaults_NodeStatus); taints validated; podCIDR(s) and providerID set once.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isQualifiedName, isValidLabelValue } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, docs, list, nameColumn, specOf, str, view } from './helpers.js';

const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateNodeTaints: qualified keys, label-value values, a known effect, unique key+effect. */
export function validateTaints(taints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list(taints).map(view).forEach((t, i) => {
    const ip = `${path}[${i}]`;
    errs.push(...invalidEach(`${ip}.key`, str(t.key), isQualifiedName(str(t.key))));
    if (t.value !== undefined) errs.push(...invalidEach(`${ip}.value`, str(t.value), isValidLabelValue(str(t.value))));
    if (!t.effect) errs.push(field.required(`${ip}.effect`));
    else if (!taintEffects.includes(str(t.effect))) errs.push(field.notSupported(`${ip}.effect`, t.effect, taintEffects));
    const k = `${str(t.key)}:${str(t.effect)}`;
    if (seen.has(k)) errs.push(field.duplicate(ip, `taints must be unique by key and effect pair`));
    seen.add(k);
  });
  return errs;
}

/** findNodeRoles: node-role.kubernetes.io/<role> label keys and the legacy kubernetes.io/role value. */
export function nodeRoles(labels: Record<string, string> | undefined): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function address(obj: KubeObject, type: string): string {
  const a = list(view(obj.status).addresses).map(view).find((x) => x.type === type);
  return a ? str(a.address) : '<none>';
}

/** printNode's STATUS: Ready/NotReady/Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(obj: KubeObject): string {
  const ready = list(view(obj.status).conditions).map(view).find((c) => c.type === 'Ready');
  const out = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (view(obj.spec).unschedulable === true) out.push('SchedulingDisabled');
  return out.join(',');
}

export const nodeResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Node',
  resource: 'nodes',
  singular: 'node',
  namespaced: false,
  shortNames: ['no'],
  subresources: { status: true, others: ['proxy'] },
  strategy: {
    tracksGeneration: false,
    default(obj) {
      specOf(obj);
      const status = view(obj.status);
      if (status.capacity !== undefined && status.allocatable === undefined) status.allocatable = { ...view(status.capacity) };
    },
    validate(obj) {
      const spec = view(obj.spec);
      const errs = validateTaints(spec.taints, 'spec.taints');
      const cidrs = list(spec.podCIDRs).map(str);
      if (spec.podCIDR && cidrs.length && cidrs[0] !== spec.podCIDR) {
        errs.push(field.invalid('spec.podCIDRs', cidrs, 'first entry must match `spec.podCIDR`'));
      }
      return errs;
    },
    validateUpdate(obj, old) {
      const ns = view(obj.spec);
      const os = view(old.spec);
      const errs: FieldError[] = [];
      if (str(os.podCIDR) && str(ns.podCIDR) !== str(os.podCIDR)) {
        errs.push(field.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
      }
      if (str(os.providerID) && str(ns.providerID) !== str(os.providerID)) {
        errs.push(field.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
      }
      return errs;
    },
    columns: [
      nameColumn,
      col('Status', 'string', 'The status of the node'),
      col('Roles', 'string', 'The roles of the node'),
      ageColumn,
      col('Version', 'string', docs['NodeSystemInfo.kubeletVersion']),
      col('Internal-IP', 'string', docs['NodeStatus.addresses'], 1),
      col('External-IP', 'string', docs['NodeStatus.addresses'], 1),
      col('OS-Image', 'string', docs['NodeSystemInfo.osImage'], 1),
      col('Kernel-Version', 'string', docs['NodeSystemInfo.kernelVersion'], 1),
      col('Container-Runtime', 'string', docs['NodeSystemInfo.containerRuntimeVersion'], 1),
    ],
    row(obj) {
      const info = view(view(obj.status).nodeInfo);
      return [
        obj.metadata.name ?? '',
        nodeStatus(obj),
        nodeRoles(obj.metadata.labels),
        age(obj.metadata.creationTimestamp),
        str(info.kubeletVersion),
        address(obj, 'InternalIP'),
        address(obj, 'ExternalIP'),
        str(info.osImage) || '<unknown>',
        str(info.kernelVersion) || '<unknown>',
        str(info.containerRuntimeVersion) || '<unknown>',
      ];
    },
    fieldSelectors: { 'spec.unschedulable': (o) => String(view(o.spec).unschedulable === true) },
  },
};
