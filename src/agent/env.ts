/**
 * A container's environment as kubelet builds it (pkg/kubelet/kubelet_pods.go
 * makeEnvironmentVariables): service-link variables of the namespace's Services (and always the
 * `kubernetes` Service of `default`), then envFrom ConfigMaps/Secrets (with prefix; invalid names
 * skipped), then `env` in order — literal values with `$(VAR)` expansion of the variables defined
 * so far, or valueFrom configMapKeyRef/secretKeyRef/fieldRef/resourceFieldRef. A required
 * reference that cannot be resolved fails container creation with CreateContainerConfigError and
 * kubelet's message.
 */
import type { ConfigMap, Container, Pod, Secret, Service } from 'kubernetes-types/core/v1.js';
import { containerResourceValue, DownwardApiError, podFieldValue, type PodRuntimeInfo } from './volumes/downward.js';

export type { PodRuntimeInfo };

/** Where the environment's referenced objects come from; undefined = not found (other failures throw). */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
  /** the Services of a namespace (for service links) */
  services(namespace: string): Promise<Service[]>;
}

/** A container the agent cannot configure: the container waits with this reason and message. */
export class ContainerConfigError extends Error {
  readonly reason = 'CreateContainerConfigError';
}

/** One resolved variable. */
export interface EnvVarValue {
  name: string;
  value: string;
}

/**
 * Expands `$(VAR)` references in `input` (third_party/forked/golang/expansion): `$$` is an escaped
 * `$`, a reference to an undefined variable and an unterminated `$(` stay as written.
 */
export function expandVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const end = input.indexOf(')', i + 2);
      if (end < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, end);
      const v = name === '' ? undefined : lookup(name);
      out += v ?? `$(${name})`;
      i = end;
    } else {
      out += `$${next ?? ''}`;
      i++;
    }
  }
  return out;
}

/** validation.IsEnvVarName: letters, digits, `_`, `-`, `.`; not starting with a digit. */
export function isEnvVarName(name: string): boolean {
  return /^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name);
}

/** The docker-link style name of a service: upper case, `-` → `_`. */
function envName(s: string): string {
  return s.toUpperCase().replace(/-/g, '_');
}

/** The variables of one Service (pkg/kubelet/envvars FromServices). */
export function serviceEnv(svc: Service): EnvVarValue[] {
  const ip = svc.spec?.clusterIP ?? '';
  const ports = svc.spec?.ports ?? [];
  const first = ports[0];
  if (!first) return [];
  const prefix = envName(svc.metadata?.name ?? '');
  const out: EnvVarValue[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(first.port) },
  ];
  for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  // Docker link variables (makeLinkVariables).
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    const url = `${proto}://${ip}:${p.port}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    out.push({ name: pp, value: url }, { name: `${pp}_PROTO`, value: proto }, { name: `${pp}_PORT`, value: String(p.port) }, { name: `${pp}_ADDR`, value: ip });
  });
  return out;
}

/**
 * The service-link variables a pod gets (getServiceEnvVarMap): the `kubernetes` Service of
 * `default` always, every Service of the pod's namespace with a cluster IP when enableServiceLinks.
 */
export async function serviceLinkEnv(pod: Pod, sources: Pick<EnvSources, 'services'>): Promise<Map<string, string>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const byName = new Map<string, Service>();
  const hasIP = (s: Service) => !!s.spec?.clusterIP && s.spec.clusterIP !== 'None';
  for (const s of await sources.services('default')) if (s.metadata?.name === 'kubernetes' && hasIP(s)) byName.set('kubernetes', s);
  if (links) {
    for (const s of ns === 'default' ? await sources.services('default') : await sources.services(ns)) {
      if (!hasIP(s)) continue;
      byName.set(s.metadata?.name ?? '', s);
    }
  }
  const out = new Map<string, string>();
  for (const name of [...byName.keys()].sort()) {
    const svc = byName.get(name);
    if (svc) for (const e of serviceEnv(svc)) out.set(e.name, e.value);
  }
  return out;
}

/** Secret values are base64 in the API. */
function secretValue(s: Secret, key: string): string | undefined {
  const v = s.data?.[key];
  if (v !== undefined) return Buffer.from(v, 'base64').toString('utf8');
  return s.stringData?.[key];
}

/** What the resolver reports besides the variables (kubelet records these as events). */
export interface EnvWarnings {
  invalidNames?: (message: string) => void;
}

/** Resolves a container's environment; throws ContainerConfigError for a missing required reference. */
export async function resolveEnv(pod: Pod, container: Container, info: PodRuntimeInfo, sources: EnvSources, warn: EnvWarnings = {}): Promise<EnvVarValue[]> {
  const ns = pod.metadata?.namespace ?? 'default';
  const svcEnv = await serviceLinkEnv(pod, sources);
  const env = new Map<string, string>();
  const cms = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const cmOf = async (name: string): Promise<ConfigMap | undefined> => {
    if (!cms.has(name)) cms.set(name, await sources.configMap(ns, name));
    return cms.get(name);
  };
  const secretOf = async (name: string): Promise<Secret | undefined> => {
    if (!secrets.has(name)) secrets.set(name, await sources.secret(ns, name));
    return secrets.get(name);
  };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let pairs: [string, string][];
    let what: string;
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = await cmOf(name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      pairs = Object.entries(cm.data ?? {});
      what = `configMap ${ns}/${name}`;
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = await secretOf(name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      pairs = Object.keys({ ...(s.stringData ?? {}), ...(s.data ?? {}) }).map((k) => [k, secretValue(s, k) ?? '']);
      what = `secret ${ns}/${name}`;
    } else continue;
    const invalid: string[] = [];
    for (const [k, v] of pairs) {
      const key = prefix + k;
      if (!isEnvVarName(key)) invalid.push(key);
      else env.set(key, v);
    }
    if (invalid.length) warn.invalidNames?.(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`);
  }
  const lookup = (n: string) => env.get(n) ?? svcEnv.get(n);
  for (const e of container.env ?? []) {
    let value = e.value ?? '';
    const vf = e.valueFrom;
    if (value !== '') value = expandVars(value, lookup);
    else if (vf?.configMapKeyRef) {
      const { name = '', key, optional } = vf.configMapKeyRef;
      const cm = await cmOf(name);
      if (!cm) {
        if (optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      const v = cm.data?.[key];
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
      }
      value = v;
    } else if (vf?.secretKeyRef) {
      const { name = '', key, optional } = vf.secretKeyRef;
      const s = await secretOf(name);
      if (!s) {
        if (optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      const v = secretValue(s, key);
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
      }
      value = v;
    } else if (vf?.fieldRef || vf?.resourceFieldRef) {
      const { fieldRef, resourceFieldRef } = vf;
      try {
        if (fieldRef) value = podFieldValue(pod, fieldRef, info);
        else if (resourceFieldRef) value = containerResourceValue(resourceFieldRef, container, info.nodeAllocatable);
      } catch (err) {
        if (err instanceof DownwardApiError) throw new ContainerConfigError(err.message);
        throw err;
      }
    }
    env.set(e.name, value);
  }
  // Service variables come after and never override the container's own.
  for (const [k, v] of svcEnv) if (!env.has(k)) env.set(k, v);
  return [...env].map(([name, value]) => ({ name, value }));
}
