/**
 * discovery.k8s.io/v1 EndpointSlice (pkg/registry/discovery/endpointslice): addressType required
 * and immutable, per-endpoint address checks by type, unique port names; port protocol defaults
 * to TCP (SetDefaults_EndpointPort).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { validateImmutable } from '../../validation/meta.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, list, nameColumn, str, view } from '../core/helpers.js';
import { docs } from './docs.js';

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];
const protocols = ['SCTP', 'TCP', 'UDP'];
const maxEndpoints = 1000;
const maxAddresses = 100;
const maxPorts = 20000;

function tooMany(path: string, n: number, max: number): FieldError {
  return { type: 'FieldValueTooMany', field: path, badValue: n, detail: `must have at most ${max} items` };
}

/** SetDefaults_EndpointPort: name "" and protocol TCP. */
export function defaultEndpointSlice(obj: KubeObject): void {
  for (const p of list(obj.ports)) {
    if (!isPlainObject(p)) continue;
    if (p.name === undefined || p.name === null) p.name = '';
    if (p.protocol === undefined || p.protocol === null) p.protocol = 'TCP';
  }
}

function validateAddress(addr: string, type: string, path: string): FieldError[] {
  if (type === 'IPv4') return isIPv4(addr) ? [] : [field.invalid(path, addr, 'must be a valid IPv4 address')];
  if (type === 'IPv6') return isIPv6(addr) ? [] : [field.invalid(path, addr, 'must be a valid IPv6 address')];
  if (type === 'FQDN') {
    const name = addr.endsWith('.') ? addr.slice(0, -1) : addr;
    if (!name) return [field.required(path)];
    const errs = invalidEach(path, addr, isDNS1123Subdomain(name.toLowerCase()));
    if (!errs.length && name.split('.').length < 2) errs.push(field.invalid(path, addr, 'should be a domain with at least two segments separated by dots'));
    return errs;
  }
  return []; // unknown types are reported on addressType and not validated further, as upstream
}

/** ValidateEndpointSlice. */
export function validateEndpointSlice(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(obj.addressType);
  if (!type) errs.push(field.required('addressType'));
  else if (!addressTypes.includes(type)) errs.push(field.notSupported('addressType', type, addressTypes));
  const endpoints = list(obj.endpoints);
  if (endpoints.length > maxEndpoints) errs.push(tooMany('endpoints', endpoints.length, maxEndpoints));
  else
    endpoints.forEach((raw, i) => {
      const ep = view(raw);
      const p = `endpoints[${i}]`;
      const addrs = list(ep.addresses).map(str);
      if (addrs.length === 0) errs.push(field.required(`${p}.addresses`, 'must contain at least 1 address'));
      else if (addrs.length > maxAddresses) errs.push(tooMany(`${p}.addresses`, addrs.length, maxAddresses));
      addrs.forEach((a, j) => errs.push(...validateAddress(a, type, `${p}.addresses[${j}]`)));
      if (typeof ep.nodeName === 'string') errs.push(...invalidEach(`${p}.nodeName`, ep.nodeName, isDNS1123Subdomain(ep.nodeName)));
      if (typeof ep.hostname === 'string') errs.push(...invalidEach(`${p}.hostname`, ep.hostname, isDNS1123Label(ep.hostname)));
    });
  const ports = list(obj.ports);
  if (ports.length > maxPorts) return [...errs, tooMany('ports', ports.length, maxPorts)];
  const names = new Set<string>();
  ports.forEach((raw, i) => {
    const port = view(raw);
    const p = `ports[${i}]`;
    const name = str(port.name);
    if (name) errs.push(...invalidEach(`${p}.name`, name, isDNS1123Label(name)));
    if (names.has(name)) errs.push(field.duplicate(`${p}.name`, name));
    names.add(name);
    if (port.protocol === undefined || port.protocol === null) errs.push(field.required(`${p}.protocol`));
    else if (!protocols.includes(str(port.protocol))) errs.push(field.notSupported(`${p}.protocol`, port.protocol, protocols));
    if (typeof port.appProtocol === 'string') errs.push(...invalidEach(`${p}.appProtocol`, port.appProtocol, isQualifiedName(port.appProtocol)));
  });
  return errs;
}

/** formatDiscoveryPorts / formatDiscoveryEndpoints share this: first 3, then "+ N more...", "<unset>" when empty. */
function listWithMore(items: string[], max = 3): string {
  if (items.length === 0) return '<unset>';
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** The printEndpointSlice cells. */
export function endpointSliceRow(obj: KubeObject): unknown[] {
  const ports = list(obj.ports).map((raw) => {
    const p = view(raw);
    if (typeof p.port === 'number') return String(p.port);
    return p.name !== undefined && p.name !== null ? str(p.name) : '*';
  });
  const addrs = list(obj.endpoints).flatMap((e) => list(view(e).addresses).map(str));
  return [obj.metadata.name ?? '', str(obj.addressType), listWithMore(ports), listWithMore(addrs), age(obj.metadata.creationTimestamp)];
}

export const endpointSliceResource: ResourceDef = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  resource: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  strategy: {
    default: defaultEndpointSlice,
    tracksGeneration: true,
    validate: validateEndpointSlice,
    validateUpdate: (obj, old) => validateImmutable(obj.addressType, old.addressType, 'addressType'),
    columns: [
      nameColumn,
      col('AddressType', 'string', docs['EndpointSlice.addressType']),
      col('Ports', 'string', docs['EndpointSlice.ports']),
      col('Endpoints', 'string', docs['EndpointSlice.endpoints']),
      ageColumn,
    ],
    row: endpointSliceRow,
  },
};
