/**
 * ServiceAccount admission (plugin/pkg/admission/serviceaccount): a pod created without
 * spec.serviceAccountName runs as "default"; the named ServiceAccount must exist (the default one
 * is looked up a few more times, since the controller creates it just after the namespace); and,
 * unless the pod or the ServiceAccount turns automountServiceAccountToken off, the pod gets the
 * projected `kube-api-access-<5 chars>` volume (a bound token for 3607 s, the cluster CA from the
 * kube-root-ca.crt ConfigMap and the namespace) mounted read-only at
 * /var/run/secrets/kubernetes.io/serviceaccount in every container that does not already mount
 * that path. Mirror pods (static pods) are left unchanged and may not reference service accounts,
 * secrets or token projections. A ServiceAccount annotated kubernetes.io/enforce-mountable-secrets
 * limits the secrets its pods may reference to its own list.
 */
import type { KubeObject } from '../../api/object.js';
import { generateNameSuffix } from '../object-meta.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';
import { admissionForbidden } from './forbidden.js';
import { objects, str, view } from '../../api/registry/core/helpers.js';

type Obj = Record<string, unknown>;

/** Where the token, ca.crt and namespace files appear in every container. */
export const DEFAULT_API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const VOLUME_PREFIX = 'kube-api-access-';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const ENFORCE_MOUNTABLE = 'kubernetes.io/enforce-mountable-secrets';
/** WarnOnlyBoundTokenExpirationSeconds: a bit over an hour, so tokens the kubelet fails to refresh are noticed. */
const TOKEN_EXPIRATION_SECONDS = 3607;

/** TokenVolumeSource: the projected volume upstream adds (defaultMode set explicitly, as upstream does). */
export function tokenVolume(name: string): Obj {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    },
  };
}

/** shouldAutomount: the pod's setting wins, then the ServiceAccount's, else true. */
export function shouldAutomount(sa: KubeObject, pod: KubeObject): boolean {
  const podSetting = view(pod.spec).automountServiceAccountToken;
  if (typeof podSetting === 'boolean') return podSetting;
  const saSetting = (sa as Obj).automountServiceAccountToken;
  if (typeof saSetting === 'boolean') return saSetting;
  return true;
}

/**
 * mountServiceAccountToken: reuse an existing kube-api-access-* volume, else name a new one;
 * mount it in each init and app container lacking a mount at the token path; add the volume
 * only if some container needed it.
 */
export function mountServiceAccountToken(pod: KubeObject, suffix: () => string = generateNameSuffix): void {
  const spec = (pod.spec ??= {}) as Obj;
  const volumes = objects(spec.volumes);
  const existing = volumes.find((v) => typeof v.name === 'string' && v.name.startsWith(VOLUME_PREFIX));
  const name = existing ? String(existing.name) : VOLUME_PREFIX + suffix();
  let needed = false;
  for (const c of [...objects(spec.initContainers), ...objects(spec.containers)]) {
    const mounts = objects(c.volumeMounts);
    if (mounts.some((m) => m.mountPath === DEFAULT_API_TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...mounts, { name, readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }];
    needed = true;
  }
  if (!existing && needed) spec.volumes = [...volumes, tokenVolume(name)];
}

/** The first env secretKeyRef of `containers` outside `mountable`, worded as upstream. */
function envSecretError(mountable: Set<string>, saName: string, containers: Obj[], what: string): string | undefined {
  for (const c of containers) {
    for (const e of objects(c.env)) {
      const ref = view(view(e.valueFrom).secretKeyRef);
      if (view(e.valueFrom).secretKeyRef !== undefined && !mountable.has(str(ref.name))) {
        return `${what} ${str(c.name)} with envVar ${str(e.name)} referencing secret.secretName="${str(ref.name)}" is not allowed because service account ${saName} does not reference that secret`;
      }
    }
  }
  return undefined;
}

/** limitEphemeralContainerSecretReferences: ephemeral containers added later obey the same list. */
export function ephemeralSecretReferenceError(sa: KubeObject, pod: KubeObject): string | undefined {
  const mountable = new Set(objects((sa as Obj).secrets).map((s) => str(s.name)));
  return envSecretError(mountable, sa.metadata.name ?? '', objects(view(pod.spec).ephemeralContainers), 'ephemeral container');
}

/** limitSecretReferences: the first secret reference the ServiceAccount does not list, as upstream words it. */
export function secretReferenceError(sa: KubeObject, pod: KubeObject): string | undefined {
  const saName = sa.metadata.name ?? '';
  const mountable = new Set(objects((sa as Obj).secrets).map((s) => str(s.name)));
  const spec = view(pod.spec);
  for (const v of objects(spec.volumes)) {
    const secret = view(v.secret);
    if (v.secret !== undefined && !mountable.has(str(secret.secretName))) {
      return `volume with secret.secretName="${str(secret.secretName)}" is not allowed because service account ${saName} does not reference that secret`;
    }
  }
  const envErr = envSecretError(mountable, saName, objects(spec.initContainers), 'init container') ?? envSecretError(mountable, saName, objects(spec.containers), 'container');
  if (envErr) return envErr;
  const pull = new Set(objects((sa as Obj).imagePullSecrets).map((s) => str(s.name)));
  const refs = objects(spec.imagePullSecrets);
  for (let i = 0; i < refs.length; i++) {
    const n = str(refs[i]?.name);
    if (!pull.has(n)) return `imagePullSecrets[${i}].name="${n}" is not allowed because service account ${saName} does not reference that imagePullSecret`;
  }
  return undefined;
}

/** The mirror-pod rule: such pods are created by a node and may not reach credentials. */
export function mirrorPodError(pod: KubeObject): string | undefined {
  const spec = view(pod.spec);
  if (spec.serviceAccountName) return 'a mirror pod may not reference service accounts';
  const usesSecret =
    objects(spec.volumes).some((v) => v.secret !== undefined) ||
    objects(spec.imagePullSecrets).length > 0 ||
    [...objects(spec.initContainers), ...objects(spec.containers)].some((c) => objects(c.env).some((e) => view(e.valueFrom).secretKeyRef !== undefined) || objects(c.envFrom).some((e) => e.secretRef !== undefined));
  if (usesSecret) return 'a mirror pod may not reference secrets';
  if (objects(spec.volumes).some((v) => objects(view(v.projected).sources).some((s) => s.serviceAccountToken !== undefined))) {
    return 'a mirror pod may not use ServiceAccountToken volume projections';
  }
  return undefined;
}

/** Options: how often and how long to retry the lookup of a "default" ServiceAccount not there yet. */
export interface ServiceAccountAdmissionOptions {
  /** attempts for the default ServiceAccount (upstream 10; other names get one) */
  defaultAttempts?: number;
  /** pause between attempts (upstream 100–200 ms) */
  retryDelayMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** the volume-name suffix (random by default) */
  suffix?: () => string;
}

/** kubernetes.io/enforce-mountable-secrets parsed as strconv.ParseBool does. */
function enforcesMountable(sa: KubeObject): boolean {
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(sa.metadata.annotations?.[ENFORCE_MOUNTABLE] ?? '');
}

function isPodRequest(a: AdmissionAttributes): boolean {
  return a.def.group === '' && a.def.resource === 'pods' && a.subresource === '' && a.operation === 'CREATE' && a.object !== undefined;
}

function isMirror(pod: KubeObject): boolean {
  return pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined;
}

/** The plugin with the given lookup policy. */
export function serviceAccountAdmissionWith(opts: ServiceAccountAdmissionOptions = {}): AdmissionPlugin {
  const attempts = opts.defaultAttempts ?? 10;
  const delay = opts.retryDelayMs ?? (() => 100 + Math.floor(Math.random() * 100));
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const lookup = async (a: AdmissionAttributes, name: string): Promise<KubeObject> => {
    const n = name === 'default' ? attempts : 1;
    for (let i = 0; i < n; i++) {
      if (i > 0) await sleep(delay());
      const sa = await a.get('', 'serviceaccounts', a.namespace, name);
      if (sa) return sa;
    }
    throw admissionForbidden(a, `error looking up service account ${a.namespace}/${name}: serviceaccount "${name}" not found`);
  };

  return {
    name: 'ServiceAccount',
    async admit(a) {
      if (!isPodRequest(a) || !a.object) return;
      const pod = a.object;
      // Mirror pods must match their static manifest exactly: never changed, only validated.
      if (isMirror(pod)) return;
      const spec = (pod.spec ??= {}) as Obj;
      if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
      // The v1 form mirrors the name into the deprecated serviceAccount field (defaulting ran before us).
      spec.serviceAccount = spec.serviceAccountName;
      const sa = await lookup(a, str(spec.serviceAccountName));
      if (shouldAutomount(sa, pod)) mountServiceAccountToken(pod, opts.suffix);
      if (!objects(spec.imagePullSecrets).length && objects((sa as Obj).imagePullSecrets).length) {
        spec.imagePullSecrets = objects((sa as Obj).imagePullSecrets).map((s) => ({ name: s.name }));
      }
    },
    async validate(a) {
      const isPod = a.def.group === '' && a.def.resource === 'pods';
      if (isPod && a.operation === 'UPDATE' && a.subresource === 'ephemeralcontainers' && a.object) {
        const name = str(view(a.object.spec).serviceAccountName);
        if (!name) throw admissionForbidden(a, `no service account specified for pod ${a.namespace}/${a.name}`);
        const sa = await lookup(a, name);
        const err = enforcesMountable(sa) ? ephemeralSecretReferenceError(sa, a.object) : undefined;
        if (err) throw admissionForbidden(a, err);
        return;
      }
      if (!isPodRequest(a) || !a.object) return;
      const pod = a.object;
      if (isMirror(pod)) {
        const err = mirrorPodError(pod);
        if (err) throw admissionForbidden(a, err);
        return;
      }
      const saName = view(pod.spec).serviceAccountName;
      if (!saName) throw admissionForbidden(a, `no service account specified for pod ${a.namespace}/${a.name}`);
      const sa = await lookup(a, str(saName));
      if (enforcesMountable(sa)) {
        const err = secretReferenceError(sa, pod);
        if (err) throw admissionForbidden(a, err);
      }
    },
  };
}

/** ServiceAccount admission with upstream's lookup policy. */
export const serviceAccountAdmission: AdmissionPlugin = serviceAccountAdmissionWith();
