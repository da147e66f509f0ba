/**
 * Container validation from pkg/apis/core/validation/validation.go (validateContainers,
 * validateContainerPorts, ValidateEnv, ValidateVolumeMounts, ValidateResourceRequirements,
 * validateProbe), with upstream's field paths and messages.
 */
import type { FieldError } from '../field.js';
import { field } from '../field.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isQualifiedName, isValidPortName, isValidPortNum } from './names.js';
import { parseQuantity } from './quantity.js';
import { asArr, asObj, asStr, invalidEach, nonNegative } from './util.js';
import type { Obj } from './util.js';

const protocols = ['SCTP', 'TCP', 'UDP'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/** validateContainerPorts: containerPort 1-65535, optional hostPort, unique IANA port names, protocol. */
export function validateContainerPorts(ports: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArr(ports).forEach((raw, i) => {
    const p = asObj(raw);
    const ip = `${path}[${i}]`;
    if (p.name !== undefined && p.name !== '') {
      const name = asStr(p.name);
      errs.push(...invalidEach(`${ip}.name`, name, isValidPortName(name)));
      if (names.has(name)) errs.push(field.duplicate(`${ip}.name`, name));
      names.add(name);
    }
    if (p.containerPort === undefined || p.containerPort === 0) errs.push(field.required(`${ip}.containerPort`));
    else errs.push(...invalidEach(`${ip}.containerPort`, p.containerPort, isValidPortNum(Number(p.containerPort))));
    if (p.hostPort !== undefined && p.hostPort !== 0) errs.push(...invalidEach(`${ip}.hostPort`, p.hostPort, isValidPortNum(Number(p.hostPort))));
    if (!p.protocol) errs.push(field.required(`${ip}.protocol`));
    else if (!protocols.includes(asStr(p.protocol))) errs.push(field.notSupported(`${ip}.protocol`, p.protocol, protocols));
  });
  return errs;
}

/** ValidateEnv: names, and value vs. exactly one valueFrom source. */
export function validateEnv(env: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(env).forEach((raw, i) => {
    const e = asObj(raw);
    const ip = `${path}[${i}]`;
    const name = asStr(e.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else errs.push(...invalidEach(`${ip}.name`, name, isEnvVarName(name)));
    if (e.valueFrom !== undefined) {
      const vf = asObj(e.valueFrom);
      const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((k) => vf[k] !== undefined);
      if (sources.length === 0) {
        errs.push(field.invalid(`${ip}.valueFrom`, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
      } else if (sources.length > 1) {
        errs.push(field.invalid(`${ip}.valueFrom`, '', 'may not have more than one field specified at a time'));
      }
      for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
        if (vf[ref] === undefined) continue;
        const r = asObj(vf[ref]);
        if (!r.key) errs.push(field.required(`${ip}.valueFrom.${ref}.key`));
        else errs.push(...invalidEach(`${ip}.valueFrom.${ref}.key`, r.key, isConfigMapKey(asStr(r.key))));
      }
      if (vf.fieldRef !== undefined && !asObj(vf.fieldRef).fieldPath) errs.push(field.required(`${ip}.valueFrom.fieldRef.fieldPath`));
      if (e.value !== undefined && e.value !== '') errs.push(field.invalid(`${ip}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    }
  });
  return errs;
}

/** ValidateVolumeMounts: mounts name an existing volume; mount paths present and unique. */
export function validateVolumeMounts(mounts: unknown, volumes: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  asArr(mounts).forEach((raw, i) => {
    const m = asObj(raw);
    const ip = `${path}[${i}]`;
    const name = asStr(m.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else if (!volumes.has(name)) errs.push(field.notFound(`${ip}.name`, name));
    const mp = asStr(m.mountPath);
    if (!mp) errs.push(field.required(`${ip}.mountPath`));
    else if (paths.has(mp)) errs.push(field.invalid(`${ip}.mountPath`, mp, 'must be unique'));
    paths.add(mp);
    if (m.subPath !== undefined) {
      const sp = asStr(m.subPath);
      if (sp.startsWith('/')) errs.push(field.invalid(`${ip}.subPath`, sp, 'must be a relative path'));
      if (sp.split('/').includes('..')) errs.push(field.invalid(`${ip}.subPath`, sp, "must not contain '..'"));
    }
  });
  return errs;
}

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);

/** validateContainerResourceName: standard names, hugepages-*, or domain-qualified extended resources. */
function validateResourceName(name: string, path: string): FieldError[] {
  if (!name.includes('/')) {
    if (standardContainerResources.has(name) || name.startsWith('hugepages-')) return [];
    return [field.invalid(path, name, 'must be a standard resource for containers')];
  }
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (!errs.length && (name.startsWith('kubernetes.io/') || name.startsWith('requests.'))) {
    return [field.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** Extended resources and hugepages cannot be overcommitted: requests must equal limits. */
function overcommitAllowed(name: string): boolean {
  return standardContainerResources.has(name);
}

/** ValidateContainerResourceRequirements: valid names and quantities, requests ≤ limits. */
export function validateResourceRequirements(res: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const r = asObj(res);
  const limits = asObj(r.limits);
  const requests = asObj(r.requests);
  const limPath = `${path}.limits`;
  const reqPath = `${path}.requests`;
  for (const [name, q] of Object.entries(limits)) {
    const p = `${limPath}[${name}]`;
    errs.push(...validateResourceName(name, p));
    errs.push(...validateQuantityValue(q, p));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = `${reqPath}[${name}]`;
    errs.push(...validateResourceName(name, p));
    errs.push(...validateQuantityValue(q, p));
    const req = parseQuantity(q as string);
    const limRaw = limits[name];
    if (limRaw !== undefined) {
      const lim = parseQuantity(limRaw as string);
      if (req === undefined || lim === undefined) continue;
      if (req !== lim && !overcommitAllowed(name)) {
        errs.push(field.invalid(reqPath, asStr(q), `must be equal to ${name} limit of ${asStr(limRaw)}`));
      } else if (req > lim) {
        errs.push(field.invalid(reqPath, asStr(q), `must be less than or equal to ${name} limit of ${asStr(limRaw)}`));
      }
    } else if (!overcommitAllowed(name)) {
      errs.push(field.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
  }
  return errs;
}

/** ValidateResourceQuantityValue: parses and is non-negative. */
export function validateQuantityValue(q: unknown, path: string): FieldError[] {
  const v = typeof q === 'string' || typeof q === 'number' ? parseQuantity(q) : undefined;
  if (v === undefined) {
    return [field.invalid(path, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")];
  }
  return v < 0 ? [field.invalid(path, String(q), 'must be greater than or equal to 0')] : [];
}

/** Port on a probe/lifecycle action: a number 1-65535 or an IANA port name. */
function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === 'string') {
    if (/^[0-9]+$/.test(port)) return invalidEach(path, Number(port), isValidPortNum(Number(port)));
    return invalidEach(path, port, isValidPortName(port));
  }
  return [field.required(path)];
}

/** validateHandler: exactly one of exec/httpGet/tcpSocket/grpc (sleep for lifecycle hooks). */
export function validateHandler(h: Obj, path: string, kinds: string[]): FieldError[] {
  const set = kinds.filter((k) => h[k] !== undefined);
  if (set.length === 0) return [field.required(path, 'must specify a handler type')];
  const errs: FieldError[] = set.slice(1).map((k) => field.forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
  if (h.exec !== undefined && asArr(asObj(h.exec).command).length === 0) errs.push(field.required(`${path}.exec.command`));
  if (h.httpGet !== undefined) {
    const g = asObj(h.httpGet);
    if (!g.path) errs.push(field.required(`${path}.httpGet.path`));
    errs.push(...validatePortNumOrName(g.port, `${path}.httpGet.port`));
    if (g.scheme !== undefined && !['HTTP', 'HTTPS'].includes(asStr(g.scheme))) errs.push(field.notSupported(`${path}.httpGet.scheme`, g.scheme, ['HTTP', 'HTTPS']));
  }
  if (h.tcpSocket !== undefined) errs.push(...validatePortNumOrName(asObj(h.tcpSocket).port, `${path}.tcpSocket.port`));
  if (h.grpc !== undefined) errs.push(...validatePortNumOrName(asObj(h.grpc).port, `${path}.grpc.port`));
  return errs;
}

const probeHandlers = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** validateProbe: a handler and non-negative timings; liveness/startup need successThreshold 1. */
export function validateProbe(probe: unknown, path: string, mustSucceedOnce: boolean): FieldError[] {
  if (probe === undefined || probe === null) return [];
  const p = asObj(probe);
  const errs = validateHandler(p, path, probeHandlers);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...nonNegative(p[k], `${path}.${k}`));
  }
  if (mustSucceedOnce && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(field.invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  return errs;
}

/** Per-container checks shared by containers, initContainers and ephemeralContainers. */
export function validateContainer(c: Obj, path: string, volumes: Set<string>, opts: { init: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  const image = asStr(c.image);
  if (!image) errs.push(field.required(`${path}.image`));
  else if (image.trim() !== image) errs.push(field.invalid(`${path}.image`, image, 'must not have leading or trailing whitespace'));
  errs.push(...validateContainerPorts(c.ports, `${path}.ports`));
  errs.push(...validateEnv(c.env, `${path}.env`));
  asArr(c.envFrom).forEach((raw, i) => {
    const ef = asObj(raw);
    const ip = `${path}.envFrom[${i}]`;
    const refs = ['configMapRef', 'secretRef'].filter((k) => ef[k] !== undefined);
    if (refs.length === 0) errs.push(field.invalid(ip, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (refs.length > 1) errs.push(field.invalid(ip, '', 'may not have more than one field specified at a time'));
    for (const k of refs) {
      const n = asStr(asObj(ef[k]).name);
      if (!n) errs.push(field.required(`${ip}.${k}.name`));
      else errs.push(...invalidEach(`${ip}.${k}.name`, n, isDNS1123Subdomain(n)));
    }
  });
  errs.push(...validateVolumeMounts(c.volumeMounts, volumes, `${path}.volumeMounts`));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  const sidecar = opts.init && c.restartPolicy === 'Always';
  if (opts.init && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    errs.push(field.notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  if (!opts.init && c.restartPolicy !== undefined) errs.push(field.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
  for (const [k, once] of [['livenessProbe', true], ['readinessProbe', false], ['startupProbe', true]] as const) {
    if (c[k] === undefined) continue;
    if (opts.init && !sidecar) errs.push(field.forbidden(`${path}.${k}`, 'may not be set for init containers without restartPolicy=Always'));
    else errs.push(...validateProbe(c[k], `${path}.${k}`, once));
  }
  if (c.lifecycle !== undefined) {
    if (opts.init && !sidecar) errs.push(field.forbidden(`${path}.lifecycle`, 'may not be set for init containers without restartPolicy=Always'));
    const lc = asObj(c.lifecycle);
    for (const hook of ['postStart', 'preStop']) {
      if (lc[hook] !== undefined) errs.push(...validateHandler(asObj(lc[hook]), `${path}.lifecycle.${hook}`, ['exec', 'httpGet', 'tcpSocket', 'sleep']));
    }
  }
  const pp = c.imagePullPolicy;
  if (!pp) errs.push(field.required(`${path}.imagePullPolicy`));
  else if (!pullPolicies.includes(asStr(pp))) errs.push(field.notSupported(`${path}.imagePullPolicy`, pp, pullPolicies));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(field.required(`${path}.terminationMessagePolicy`, "must be 'File' or 'FallbackToLogsOnError'"));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(field.invalid(`${path}.terminationMessagePolicy`, tmp, "must be 'File' or 'FallbackToLogsOnError'"));
  return errs;
}

/** Names: required, DNS-1123 label, unique across all container lists of the pod. */
export function validateContainerName(c: Obj, path: string, seen: Set<string>): FieldError[] {
  const name = asStr(c.name);
  if (!name) return [field.required(`${path}.name`)];
  const errs = invalidEach(`${path}.name`, name, isDNS1123Label(name));
  if (seen.has(name)) errs.push(field.duplicate(`${path}.name`, name));
  seen.add(name);
  return errs;
}
