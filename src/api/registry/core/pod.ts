/**
 * Pod (pkg/registry/core/pod/strategy.go): defaults via SetDefaults_Pod, status reset to Pending
 * with a QoS class on create, spec mostly immutable on update (ValidatePodUpdate), GetAttrs field
 * selectors, and the printPod table.
 */
import type { KubeObject } from '../../object.js';
import { deepCopy, deepEqual } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { defaultPod } from '../../defaults/pod.js';
import { validatePodSpec } from '../../validation/pod.js';
import { parseQuantity } from '../../validation/quantity.js';
import { podColumns, podRow } from './pod-printer.js';
import { list, specOf, statusOf, str, view } from './helpers.js';

type Obj = Record<string, unknown>;

/** qos.GetPodQOS: BestEffort without cpu/memory requests or limits, Guaranteed when they match everywhere. */
export function podQOSClass(spec: unknown): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const s = view(spec);
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...list(s.initContainers), ...list(s.containers)].map(view)) {
    const res = view(c.resources);
    for (const [k, q] of Object.entries(view(res.requests))) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const v = parseQuantity(q as string) ?? 0;
      if (v !== 0) requests.set(k, (requests.get(k) ?? 0) + v);
    }
    const found = new Set<string>();
    for (const [k, q] of Object.entries(view(res.limits))) {
      if (k !== 'cpu' && k !== 'memory') continue;
      const v = parseQuantity(q as string) ?? 0;
      if (v !== 0) {
        found.add(k);
        limits.set(k, (limits.get(k) ?? 0) + v);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [k, v] of requests) if (limits.get(k) !== v) guaranteed = false;
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

const updateForbiddenMessage =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** A small stand-in for upstream's cmp.Diff: the top-level spec fields that differ. */
function specDiff(oldSpec: Obj, newSpec: Obj): string {
  const keys = [...new Set([...Object.keys(oldSpec), ...Object.keys(newSpec)])].sort();
  const lines: string[] = ['  core.PodSpec{'];
  for (const k of keys) {
    if (deepEqual(oldSpec[k], newSpec[k])) continue;
    lines.push(`- \t${k}: ${JSON.stringify(oldSpec[k] ?? null)},`);
    lines.push(`+ \t${k}: ${JSON.stringify(newSpec[k] ?? null)},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, toleration additions and gate removals may change. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = view(pod.spec);
  const os = view(old.spec);
  const oldAds = os.activeDeadlineSeconds;
  const newAds = ns.activeDeadlineSeconds;
  if (typeof oldAds === 'number') {
    if (newAds === undefined || newAds === null) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', null, 'must not update from a positive integer to nil value'));
    } else if (typeof newAds === 'number' && newAds > oldAds) {
      errs.push(field.invalid('spec.activeDeadlineSeconds', newAds, 'must be less than or equal to previous value'));
    }
  }
  const oldTols = list(os.tolerations);
  const newTols = list(ns.tolerations);
  for (const t of oldTols) {
    if (!newTols.some((n) => deepEqual(n, t))) {
      errs.push(field.forbidden('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
      break;
    }
  }
  // Munge the mutable fields of the new spec onto a copy of the old one and compare.
  const munged = deepCopy(ns);
  for (const list_ of ['containers', 'initContainers']) {
    const oldCs = list(os[list_]).map(view);
    const newCs = list(munged[list_]).map(view);
    if (oldCs.length !== newCs.length) continue;
    newCs.forEach((c, i) => {
      const oc = oldCs[i];
      if (oc && oc.image !== undefined) c.image = oc.image;
    });
  }
  munged.activeDeadlineSeconds = os.activeDeadlineSeconds;
  munged.tolerations = os.tolerations;
  const ogp = os.terminationGracePeriodSeconds;
  if (typeof ogp === 'number' && ogp < 0 && ns.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = ogp;
  // Scheduling gates may only be removed (pod scheduling readiness).
  const oldGates = list(os.schedulingGates);
  const newGates = list(ns.schedulingGates);
  if (newGates.every((g) => oldGates.some((o) => deepEqual(o, g)))) munged.schedulingGates = os.schedulingGates;
  else errs.push(field.forbidden('spec.schedulingGates', 'only deletion is allowed, but found new scheduling gate'));
  // Ephemeral containers arrive through the ephemeralcontainers subresource, and nodeName through
  // pods/binding; upstream writes those past this check, here they may share the update path.
  munged.ephemeralContainers = os.ephemeralContainers;
  if (!os.nodeName && ns.nodeName) munged.nodeName = os.nodeName;
  for (const [k, v] of Object.entries(munged)) if (v === undefined) delete munged[k];
  if (!deepEqual(munged, os)) {
    errs.push(field.forbidden('spec', `${updateForbiddenMessage}\n${specDiff(os, munged)}`));
  }
  return errs;
}

/** Pod scheduling readiness: gated pods get PodScheduled=False/SchedulingGated at creation. */
function applySchedulingGatedCondition(pod: KubeObject): void {
  if (list(view(pod.spec).schedulingGates).length === 0) return;
  const status = statusOf(pod);
  const conds = list(status.conditions).map(view);
  if (conds.some((c) => c.type === 'PodScheduled')) return;
  conds.push({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates', lastProbeTime: null, lastTransitionTime: null });
  status.conditions = conds;
}

export const podResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  resource: 'pods',
  singular: 'pod',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  subresources: { status: true, others: ['log', 'exec', 'attach', 'portforward', 'binding', 'eviction', 'proxy', 'ephemeralcontainers'] },
  strategy: {
    tracksGeneration: false,
    default(obj) {
      defaultPod(obj);
    },
    prepareForCreate(obj) {
      obj.status = { phase: 'Pending', qosClass: podQOSClass(obj.spec) };
      applySchedulingGatedCondition(obj);
    },
    validate(obj) {
      return validatePodSpec(specOf(obj), 'spec');
    },
    validateUpdate(obj, old) {
      return validatePodUpdate(obj, old);
    },
    columns: podColumns,
    row: (obj) => podRow(obj),
    fieldSelectors: {
      'spec.nodeName': (o) => str(view(o.spec).nodeName),
      'spec.restartPolicy': (o) => str(view(o.spec).restartPolicy),
      'spec.schedulerName': (o) => str(view(o.spec).schedulerName),
      'spec.serviceAccountName': (o) => str(view(o.spec).serviceAccountName),
      'spec.hostNetwork': (o) => String(view(o.spec).hostNetwork === true),
      'status.phase': (o) => str(view(o.status).phase),
      'status.podIP': (o) => str(view(list(view(o.status).podIPs)[0]).ip) || str(view(o.status).podIP),
      'status.podIPs': (o) => str(view(list(view(o.status).podIPs)[0]).ip) || str(view(o.status).podIP),
      'status.nominatedNodeName': (o) => str(view(o.status).nominatedNodeName),
    },
  },
};
