/**
 * networking.k8s.io/v1 Ingress (pkg/registry/networking/ingress): rules or a default backend,
 * hosts as (wildcard) DNS names, pathType required with absolute, normalised paths, backends
 * naming exactly one service port or resource; status subresource reset on create.
 */
import { isIP } from 'node:net';
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isValidPathSegmentName } from '../../validation/meta.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, regexError } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, list, nameColumn, str, view } from '../core/helpers.js';

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];
const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';

/** IsWildcardDNS1123Subdomain. */
export function isWildcardDNS1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!new RegExp(`^${wildcardFmt}$`).test(v)) {
    errs.push(regexError("a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character", wildcardFmt, '*.example.com'));
  }
  return errs;
}

function hostErrors(host: string, path: string): FieldError[] {
  return invalidEach(path, host, host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host));
}

/** validateIngressBackend. */
export function validateBackend(raw: unknown, path: string): FieldError[] {
  const b = view(raw);
  const hasResource = isPlainObject(b.resource);
  const hasService = isPlainObject(b.service);
  if (hasResource && hasService) return [field.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = view(b.resource);
    const p = `${path}.resource`;
    const errs: FieldError[] = [];
    if (typeof r.apiGroup === 'string') errs.push(...invalidEach(`${p}.apiGroup`, r.apiGroup, isDNS1123Subdomain(r.apiGroup)));
    for (const k of ['kind', 'name'] as const) {
      const v = str(r[k]);
      if (!v) errs.push(field.required(`${p}.${k}`));
      else errs.push(...invalidEach(`${p}.${k}`, v, isValidPathSegmentName(v)));
    }
    return errs;
  }
  if (!hasService) return [field.invalid(path, '', 'resource or service backend is required')];
  const svc = view(b.service);
  const errs: FieldError[] = [];
  const name = str(svc.name);
  if (!name) errs.push(field.required(`${path}.service.name`));
  else errs.push(...invalidEach(`${path}.service.name`, name, isDNS1035Label(name)));
  const port = view(svc.port);
  const portName = str(port.name);
  const portNumber = typeof port.number === 'number' ? port.number : 0;
  if (portName && portNumber) errs.push(field.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...invalidEach(`${path}.service.port.name`, portName, isValidPortName(portName)));
  else if (portNumber) errs.push(...invalidEach(`${path}.service.port.number`, portNumber, isValidPortNum(portNumber)));
  else errs.push(field.required(path, 'port name or number is required'));
  return errs;
}

function validatePath(raw: unknown, p: string): FieldError[] {
  const hp = view(raw);
  if (hp.pathType === undefined || hp.pathType === null) return [field.required(`${p}.pathType`, 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = str(hp.path);
  const type = str(hp.pathType);
  if (type === 'Exact' || type === 'Prefix') {
    if (!path.startsWith('/')) errs.push(field.invalid(`${p}.path`, path, 'must be an absolute path'));
    for (const seq of invalidPathSequences) if (path.includes(seq)) errs.push(field.invalid(`${p}.path`, path, `must not contain '${seq}'`));
    for (const suf of invalidPathSuffixes) if (path.endsWith(suf)) errs.push(field.invalid(`${p}.path`, path, `cannot end with '${suf}'`));
  } else if (type === 'ImplementationSpecific') {
    if (path && !path.startsWith('/')) errs.push(field.invalid(`${p}.path`, path, 'must be an absolute path'));
  } else {
    errs.push(field.notSupported(`${p}.pathType`, type, pathTypes));
  }
  return [...errs, ...validateBackend(hp.backend, `${p}.backend`)];
}

/** ValidateIngressSpec (+ the create-time ingress.class annotation check). */
export function validateIngress(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  const rules = list(spec.rules);
  const hasDefault = isPlainObject(spec.defaultBackend);
  if (rules.length === 0 && !hasDefault) {
    errs.push(field.invalid('spec', new GoLiteral('[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  }
  if (hasDefault) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((raw, i) => {
    const rule = view(raw);
    const host = str(rule.host);
    if (host) {
      if (isIP(host)) errs.push(field.invalid(`spec.rules[${i}].host`, host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(host, `spec.rules[${i}].host`));
    }
    if (isPlainObject(rule.http)) {
      const paths = list(rule.http.paths);
      if (paths.length === 0) errs.push(field.required(`spec.rules[${i}].http.paths`));
      paths.forEach((hp, j) => errs.push(...validatePath(hp, `spec.rules[${i}].http.paths[${j}]`)));
    }
  });
  list(spec.tls).forEach((raw, i) => {
    const tls = view(raw);
    list(tls.hosts).forEach((h, j) => errs.push(...hostErrors(str(h), `spec.tls[${i}].hosts[${j}]`)));
    const secret = str(tls.secretName);
    if (secret) errs.push(...invalidEach(`spec.tls[${i}].secretName`, secret, isDNS1123Subdomain(secret)));
  });
  if (typeof spec.ingressClassName === 'string') {
    errs.push(...invalidEach('spec.ingressClassName', spec.ingressClassName, isDNS1123Subdomain(spec.ingressClassName)));
  }
  return errs;
}

function validateIngressCreate(obj: KubeObject): FieldError[] {
  const errs = validateIngress(obj);
  const annotation = obj.metadata.annotations?.['kubernetes.io/ingress.class'];
  const className = view(obj.spec).ingressClassName;
  if (annotation !== undefined && typeof className === 'string' && annotation !== className) {
    errs.push(field.invalid('annotations.kubernetes.io/ingress.class', annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

/** formatHosts: up to 3 hosts, "*" when none. */
function formatHosts(rules: unknown[]): string {
  const hosts = rules.slice(0, 3).map((r) => str(view(r).host)).filter(Boolean);
  if (hosts.length === 0) return '*';
  return rules.length > 3 ? `${hosts.join(',')} + ${rules.length - 3} more...` : hosts.join(',');
}

/** ingressLoadBalancerStatusStringer (wide: never clipped): sorted unique IPs or hostnames. */
export function loadBalancerAddresses(status: unknown): string {
  const set = new Set<string>();
  for (const raw of list(view(view(status).loadBalancer).ingress)) {
    const i = view(raw);
    if (str(i.ip)) set.add(str(i.ip));
    else if (str(i.hostname)) set.add(str(i.hostname));
  }
  return [...set].sort().join(',');
}

/** printIngress cells. */
export function ingressRow(obj: KubeObject): unknown[] {
  const spec = view(obj.spec);
  return [
    obj.metadata.name ?? '',
    typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
    formatHosts(list(spec.rules)),
    loadBalancerAddresses(obj.status),
    list(spec.tls).length ? '80, 443' : '80',
    age(obj.metadata.creationTimestamp),
  ];
}

export const ingressResource: ResourceDef = {
  group: 'networking.k8s.io',
  version: 'v1',
  kind: 'Ingress',
  resource: 'ingresses',
  singular: 'ingress',
  namespaced: true,
  shortNames: ['ing'],
  subresources: { status: true },
  strategy: {
    prepareForCreate(obj) {
      obj.status = { loadBalancer: {} };
    },
    // Upstream checks the ingress.class annotation only on create; strategies cannot tell create
    // from update here, and a mismatch is equally wrong later, so it is checked on every write.
    validate: validateIngressCreate,
    columns: [
      nameColumn,
      col('Class', 'string', 'The name of the IngressClass resource that should be used for additional configuration'),
      col('Hosts', 'string', 'Hosts that incoming requests are matched against before the ingress rule'),
      col('Address', 'string', 'Address is a list containing ingress points for the load-balancer'),
      col('Ports', 'string', 'Ports of TLS configurations that open'),
      ageColumn,
    ],
    row: ingressRow,
  },
};
