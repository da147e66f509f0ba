/**
 * networking.k8s.io/v1 NetworkPolicy (pkg/registry/networking/networkpolicy): policyTypes
 * default to [Ingress] (+ Egress when egress rules exist), port protocols to TCP; peers, ports and
 * ipBlocks validated as ValidateNetworkPolicySpec.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { isValidPortName, isValidPortNum } from '../../validation/names.js';
import { formatLabelSelector } from '../../validation/selector.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, list, nameColumn, specOf, str, view } from '../core/helpers.js';
import { docs } from './docs.js';
import { parseCidr, cidrError } from './cidr.js';

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
export function defaultNetworkPolicy(obj: KubeObject): void {
  const spec = specOf(obj);
  if (list(spec.policyTypes).length === 0) {
    spec.policyTypes = list(spec.egress).length ? ['Ingress', 'Egress'] : ['Ingress'];
  }
  for (const rule of [...list(spec.ingress), ...list(spec.egress)]) {
    for (const p of list(view(rule).ports)) if (isPlainObject(p) && (p.protocol === undefined || p.protocol === null)) p.protocol = 'TCP';
  }
}

function validatePort(raw: unknown, path: string): FieldError[] {
  const p = view(raw);
  const errs: FieldError[] = [];
  if (p.protocol !== undefined && p.protocol !== null && !['TCP', 'UDP', 'SCTP'].includes(str(p.protocol))) {
    errs.push(field.notSupported(`${path}.protocol`, p.protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const hasEnd = typeof p.endPort === 'number';
  if (typeof p.port === 'number') {
    errs.push(...invalidEach(`${path}.port`, p.port, isValidPortNum(p.port)));
    if (hasEnd) {
      const end = p.endPort as number;
      if (end < p.port) errs.push(field.invalid(`${path}.endPort`, end, 'must be greater than or equal to `port`'));
      errs.push(...invalidEach(`${path}.endPort`, end, isValidPortNum(end)));
    }
  } else if (typeof p.port === 'string') {
    if (hasEnd) errs.push(field.invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...invalidEach(`${path}.port`, p.port, isValidPortName(p.port)));
  } else if (hasEnd) {
    errs.push(field.invalid(`${path}.endPort`, p.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateIPBlock(raw: unknown, path: string): FieldError[] {
  const b = view(raw);
  const cidr = str(b.cidr);
  if (!cidr) return [field.required(`${path}.cidr`)];
  const errs = cidrError(cidr, `${path}.cidr`);
  const outer = parseCidr(cidr);
  if (!outer) return errs;
  list(b.except).forEach((e, i) => {
    const p = `${path}.except[${i}]`;
    const s = str(e);
    const bad = cidrError(s, p);
    errs.push(...bad);
    const inner = parseCidr(s);
    if (!inner || bad.length) return;
    if (inner.family !== outer.family || inner.prefix <= outer.prefix || !outer.contains(inner.network)) {
      errs.push(field.invalid(p, s, 'must be a strict subset of `cidr`'));
    }
  });
  return errs;
}

function validatePeer(raw: unknown, path: string): FieldError[] {
  const peer = view(raw);
  const errs: FieldError[] = [];
  let n = 0;
  if (isPlainObject(peer.podSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (isPlainObject(peer.namespaceSelector)) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  const hasIPBlock = isPlainObject(peer.ipBlock);
  if (hasIPBlock) {
    n++;
    errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  }
  if (n === 0) errs.push(field.required(path, 'must specify a peer'));
  else if (n > 1 && hasIPBlock) errs.push(field.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** ValidateNetworkPolicySpec. */
export function validateNetworkPolicy(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  list(spec.ingress).forEach((r, i) => {
    list(view(r).ports).forEach((p, j) => errs.push(...validatePort(p, `spec.ingress[${i}].ports[${j}]`)));
    list(view(r).from).forEach((p, j) => errs.push(...validatePeer(p, `spec.ingress[${i}].from[${j}]`)));
  });
  list(spec.egress).forEach((r, i) => {
    list(view(r).ports).forEach((p, j) => errs.push(...validatePort(p, `spec.egress[${i}].ports[${j}]`)));
    list(view(r).to).forEach((p, j) => errs.push(...validatePeer(p, `spec.egress[${i}].to[${j}]`)));
  });
  const types = list(spec.policyTypes).map(str);
  if (types.length > 2) {
    const shown = `&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
    return [...errs, field.invalid('spec.policyTypes', new GoLiteral(shown), 'may not specify more than two policyTypes')];
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(field.notSupported(`spec.policyTypes[${i}]`, t, ['Ingress', 'Egress']));
  });
  return errs;
}

export const networkPolicyResource: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'NetworkPolicy',
  resource: 'networkpolicies',
  singular: 'networkpolicy',
  namespaced: true,
  shortNames: ['netpol'],
  strategy: {
    default: defaultNetworkPolicy,
    validate: validateNetworkPolicy,
    tracksGeneration: true,
    columns: [nameColumn, col('Pod-Selector', 'string', docs['NetworkPolicySpec.podSelector']), ageColumn],
    row: (obj) => [obj.metadata.name ?? '', formatLabelSelector(view(view(obj.spec).podSelector)), age(obj.metadata.creationTimestamp)],
  },
};
