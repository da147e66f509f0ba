/**
 * Service (pkg/registry/core/service): SetDefaults_Service, ValidateService/ValidateServiceUpdate,
 * PrepareForUpdate's patchAllocatedValues/dropTypeDependentFields, allocation of cluster IPs and
 * node ports (service-alloc.ts) and the printService table.
 */
import type { KubeObject } from '../../object.js';
import { deepEqual } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field, GoLiteral } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age, formatLabels } from '../printers.js';
import { validateLabels } from '../../validation/meta.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortName, isValidPortNum } from '../../validation/names.js';
import { goStringSlice, invalidEach } from '../../validation/util.js';
import { ServiceAllocator, needsNodePorts } from './service-alloc.js';
import type { AllocatorOptions } from './service-alloc.js';
import { ageColumn, col, docs, list, nameColumn, specOf, str, view } from './helpers.js';

type Obj = Record<string, unknown>;

const serviceTypes = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const protocols = ['SCTP', 'TCP', 'UDP'];

/** SetDefaults_Service (+ SetDefaults_ServicePort). */
export function defaultService(obj: KubeObject): void {
  const spec = specOf(obj);
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'ClientIP' && spec.sessionAffinityConfig === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  if (!spec.type) spec.type = 'ClusterIP';
  for (const p of list(spec.ports).map(view)) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  // normalizeClusterIPs: clusterIP and clusterIPs[0] mirror each other.
  if (spec.clusterIP && spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP];
  else if (!spec.clusterIP && list(spec.clusterIPs).length > 0) spec.clusterIP = list(spec.clusterIPs)[0];
}

/** ValidateService: name (DNS-1035), type, ports, clusterIP, selector, policies. */
export function validateService(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = obj.metadata.name ?? '';
  if (name) errs.push(...invalidEach('metadata.name', name, isDNS1035Label(name)));
  const gen = obj.metadata.generateName;
  if (gen) errs.push(...invalidEach('metadata.generateName', gen, isDNS1035Label(gen.length > 1 && gen.endsWith('-') ? `${gen.slice(0, -2)}a` : gen)));
  const spec = view(obj.spec);
  const type = str(spec.type);
  const clusterIP = str(spec.clusterIP);
  const headless = clusterIP === 'None';
  if (!serviceTypes.includes(type)) errs.push(field.notSupported('spec.type', type, serviceTypes));
  const ports = list(spec.ports).map(view);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(field.required('spec.ports'));
  const names = new Set<string>();
  const portKeys = new Set<string>();
  const nodePortKeys = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    const pname = str(p.name);
    if (ports.length > 1 && !pname) errs.push(field.required(`${pp}.name`));
    if (pname) {
      errs.push(...invalidEach(`${pp}.name`, pname, isDNS1123Label(pname)));
      if (names.has(pname)) errs.push(field.duplicate(`${pp}.name`, pname));
      names.add(pname);
    }
    errs.push(...invalidEach(`${pp}.port`, p.port, isValidPortNum(Number(p.port))));
    if (!p.protocol) errs.push(field.required(`${pp}.protocol`));
    else if (!protocols.includes(str(p.protocol))) errs.push(field.notSupported(`${pp}.protocol`, p.protocol, protocols));
    const tp = p.targetPort;
    if (typeof tp === 'number') errs.push(...invalidEach(`${pp}.targetPort`, tp, isValidPortNum(tp)));
    else if (typeof tp === 'string') errs.push(...invalidEach(`${pp}.targetPort`, tp, isValidPortName(tp)));
    const key = `${String(p.port)}/${str(p.protocol)}`;
    if (portKeys.has(key)) errs.push(field.duplicate(pp, new GoLiteral(`core.ServicePort{Name:"", Protocol:"${str(p.protocol)}", Port:${String(p.port)}}`)));
    portKeys.add(key);
    const np = Number(p.nodePort ?? 0);
    if (np !== 0) {
      if (type === 'ClusterIP') errs.push(field.forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
      else if (type === 'ExternalName') errs.push(field.forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ExternalName'"));
      const nk = `${np}/${str(p.protocol)}`;
      if (nodePortKeys.has(nk)) errs.push(field.duplicate(`${pp}.nodePort`, np));
      nodePortKeys.add(nk);
    }
  });
  if (type === 'ExternalName') {
    if (clusterIP) errs.push(field.forbidden('spec.clusterIP', 'may not be set for ExternalName services'));
    const en = str(spec.externalName);
    if (!en) errs.push(field.required('spec.externalName'));
    else {
      const trimmed = en.endsWith('.') ? en.slice(0, -1) : en;
      const msgs = isDNS1123Subdomain(trimmed);
      if (msgs.length) errs.push(field.invalid('spec.externalName', trimmed, msgs.join(',')));
      else if (trimmed.split('.').length < 2) errs.push(field.invalid('spec.externalName', trimmed, 'should be a domain with at least two segments separated by dots'));
    }
  } else if (clusterIP && !headless) {
    errs.push(...invalidEach('spec.clusterIPs[0]', clusterIP, isValidIP(clusterIP)));
  }
  if (headless && (type === 'NodePort' || type === 'LoadBalancer')) {
    errs.push(field.invalid('spec.clusterIPs[0]', 'None', `may not be set to 'None' for ${type} services`));
  }
  const sa = str(spec.sessionAffinity);
  if (sa && sa !== 'None' && sa !== 'ClientIP') errs.push(field.notSupported('spec.sessionAffinity', sa, ['ClientIP', 'None']));
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined && etp !== '') {
    if (type !== 'NodePort' && type !== 'LoadBalancer') {
      errs.push(field.invalid('spec.externalTrafficPolicy', etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"));
    } else if (etp !== 'Cluster' && etp !== 'Local') errs.push(field.notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp !== undefined && itp !== 'Cluster' && itp !== 'Local') errs.push(field.notSupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  list(spec.externalIPs).forEach((ip, i) => errs.push(...invalidEach(`spec.externalIPs[${i}]`, ip, isValidIP(str(ip)))));
  return errs;
}

/** ValidateServiceUpdate: an allocated cluster IP never changes (unless moving to/from ExternalName). */
export function validateServiceUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const ns = view(obj.spec);
  const os = view(old.spec);
  if (ns.type === 'ExternalName' || os.type === 'ExternalName') return [];
  const oldIPs = list(os.clusterIPs).map(str);
  const newIPs = list(ns.clusterIPs).map(str);
  if (oldIPs.length > 0 && newIPs.length > 0 && oldIPs[0] !== newIPs[0]) {
    return [field.invalid('spec.clusterIPs[0]', new GoLiteral(goStringSlice(newIPs)), 'may not change once set')];
  }
  if (str(os.clusterIP) && str(ns.clusterIP) && os.clusterIP !== ns.clusterIP) {
    return [field.invalid('spec.clusterIP', ns.clusterIP, 'field is immutable')];
  }
  return [];
}

/** PrepareForUpdate: keep allocated values a client omitted; drop values the new type no longer uses. */
export function prepareServiceUpdate(obj: KubeObject, old: KubeObject): void {
  const ns = specOf(obj);
  const os = view(old.spec);
  if (ns.type === 'ExternalName') {
    if (os.type !== 'ExternalName') {
      for (const k of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) if (deepEqual(ns[k], os[k])) delete ns[k];
    }
  } else if (os.type !== 'ExternalName' && !ns.clusterIP && list(ns.clusterIPs).length === 0) {
    if (os.clusterIP !== undefined) ns.clusterIP = os.clusterIP;
    if (os.clusterIPs !== undefined) ns.clusterIPs = os.clusterIPs;
  }
  if (ns.type !== 'ExternalName' && os.type !== 'ExternalName') {
    if (ns.ipFamilies === undefined && os.ipFamilies !== undefined) ns.ipFamilies = os.ipFamilies;
    if (ns.ipFamilyPolicy === undefined && os.ipFamilyPolicy !== undefined) ns.ipFamilyPolicy = os.ipFamilyPolicy;
  }
  const oldPorts = list(os.ports).map(view);
  const newPorts = list(ns.ports).map(view);
  if (needsNodePorts(os) && needsNodePorts(ns)) {
    const byName = new Map(oldPorts.map((p) => [str(p.name), Number(p.nodePort ?? 0)]));
    const used = new Set(newPorts.map((p) => Number(p.nodePort ?? 0)).filter((n) => n > 0));
    for (const p of newPorts) {
      if (Number(p.nodePort ?? 0) !== 0) continue;
      const v = byName.get(str(p.name)) ?? 0;
      if (v > 0 && !used.has(v)) p.nodePort = v;
    }
    if (ns.healthCheckNodePort === undefined && os.healthCheckNodePort !== undefined && ns.externalTrafficPolicy === 'Local') {
      ns.healthCheckNodePort = os.healthCheckNodePort;
    }
  } else if (needsNodePorts(os) && !needsNodePorts(ns)) {
    // dropTypeDependentFields: node ports the user did not touch go away with the type.
    const same = newPorts.every((p, i) => Number(p.nodePort ?? 0) === Number(oldPorts[i]?.nodePort ?? 0));
    if (same) for (const p of newPorts) delete p.nodePort;
  }
  if (!(ns.type === 'LoadBalancer' && ns.externalTrafficPolicy === 'Local') && ns.healthCheckNodePort === os.healthCheckNodePort) {
    delete ns.healthCheckNodePort;
  }
}

/** loadBalancerStatusStringer (wide: no truncation, as server-side printing is always wide). */
function loadBalancerIPs(status: unknown): string {
  return list(view(view(status).loadBalancer).ingress)
    .map(view)
    .map((i) => str(i.ip) || str(i.hostname))
    .filter(Boolean)
    .join(',');
}

/** getServiceExternalIP */
export function serviceExternalIP(obj: KubeObject): string {
  const spec = view(obj.spec);
  const ext = list(spec.externalIPs).map(str);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(obj.status);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

/** makePortString: "80/TCP", "80:30080/TCP", comma-joined. */
export function servicePorts(spec: Obj): string {
  return list(spec.ports)
    .map(view)
    .map((p) => (Number(p.nodePort ?? 0) > 0 ? `${String(p.port)}:${String(p.nodePort)}/${str(p.protocol)}` : `${String(p.port)}/${str(p.protocol)}`))
    .join(',');
}

/** The Service ResourceDef; the allocator is per instance so tests and servers do not share state. */
export function makeServiceResource(opts: AllocatorOptions = {}): ResourceDef {
  const allocator = new ServiceAllocator(opts);
  return {
    group: '',
    version: 'v1',
    kind: 'Service',
    resource: 'services',
    singular: 'service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: { status: true, others: ['proxy'] },
    strategy: {
      // Service names are DNS-1035 labels; validateService checks them (no matching nameRule).
      nameRule: 'none',
      tracksGeneration: false,
      default: defaultService,
      prepareForUpdate: prepareServiceUpdate,
      validate: validateService,
      validateUpdate: validateServiceUpdate,
      beforeWrite: (obj, old, ctx) => allocator.allocate(obj, old, ctx),
      columns: [
        nameColumn,
        col('Type', 'string', docs['ServiceSpec.type']),
        col('Cluster-IP', 'string', docs['ServiceSpec.clusterIP']),
        col('External-IP', 'string', docs['ServiceSpec.externalIPs']),
        col('Port(s)', 'string', docs['ServiceSpec.ports']),
        ageColumn,
        col('Selector', 'string', docs['ServiceSpec.selector'], 1),
      ],
      row(obj) {
        const spec = view(obj.spec);
        const ips = list(spec.clusterIPs).map(str);
        return [
          obj.metadata.name ?? '',
          str(spec.type),
          ips[0] || str(spec.clusterIP) || '<none>',
          serviceExternalIP(obj),
          servicePorts(spec) || '<none>',
          age(obj.metadata.creationTimestamp),
          formatLabels(view(spec.selector) as Record<string, string>),
        ];
      },
    },
  };
}
