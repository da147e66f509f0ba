/**
 * Endpoints (pkg/registry/core/endpoint): addresses must be IPs, ports valid; printed as
 * formatEndpoints does ("10.0.0.1:80,10.0.0.2:80 + 3 more...").
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isDNS1123Label, isValidIP, isValidPortNum } from '../../validation/names.js';
import { invalidEach } from '../../validation/util.js';
import { ageColumn, col, docs, list, nameColumn, str, view } from './helpers.js';

/** formatEndpoints with no port filter: at most three host:port entries, then "+ N more...". */
export function formatEndpoints(obj: KubeObject): string {
  const subsets = list(obj.subsets).map(view);
  if (subsets.length === 0) return '<none>';
  const out: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = list(ss.addresses).map(view);
    const ports = list(ss.ports).map(view);
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (out.length === max) {
          more = true;
          break;
        }
        out.push(str(a.ip));
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (out.length === max) {
          more = true;
          break;
        }
        const ip = str(a.ip);
        out.push(ip.includes(':') ? `[${ip}]:${String(p.port)}` : `${ip}:${String(p.port)}`);
      }
    }
  }
  const joined = out.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

function validateSubsets(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  list(obj.subsets).map(view).forEach((ss, i) => {
    const sp = `subsets[${i}]`;
    for (const key of ['addresses', 'notReadyAddresses']) {
      list(ss[key]).map(view).forEach((a, j) => {
        errs.push(...invalidEach(`${sp}.${key}[${j}].ip`, str(a.ip), isValidIP(str(a.ip))));
        if (a.hostname !== undefined) errs.push(...invalidEach(`${sp}.${key}[${j}].hostname`, a.hostname, isDNS1123Label(str(a.hostname))));
      });
    }
    const ports = list(ss.ports).map(view);
    ports.forEach((p, j) => {
      const pp = `${sp}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(field.required(`${pp}.name`));
      if (p.name) errs.push(...invalidEach(`${pp}.name`, p.name, isDNS1123Label(str(p.name))));
      errs.push(...invalidEach(`${pp}.port`, p.port, isValidPortNum(Number(p.port))));
      if (!p.protocol) errs.push(field.required(`${pp}.protocol`));
      else if (!['SCTP', 'TCP', 'UDP'].includes(str(p.protocol))) errs.push(field.notSupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    });
  });
  return errs;
}

export const endpointsResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  resource: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  strategy: {
    default(obj) {
      // SetDefaults_EndpointPort: protocol TCP.
      for (const ss of list(obj.subsets).map(view)) for (const p of list(ss.ports).map(view)) if (!p.protocol) p.protocol = 'TCP';
    },
    validate: validateSubsets,
    columns: [nameColumn, col('Endpoints', 'string', docs['Endpoints.subsets']), ageColumn],
    row: (obj) => [obj.metadata.name ?? '', formatEndpoints(obj), age(obj.metadata.creationTimestamp)],
  },
};
