/**
 * Pod defaulting as pkg/apis/core/v1/defaults.go does it (SetDefaults_PodSpec, SetDefaults_Pod,
 * SetDefaults_Container, SetDefaults_Probe, SetDefaults_Volume...). Mutates in place, like the
 * generated defaulters, so `kubectl get -o yaml` shows the same fields a real cluster shows.
 */
import { isPlainObject } from '../object.js';

type Obj = Record<string, unknown>;

function objs(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isPlainObject) : [];
}

/** Sets `o[k] = v` when the field is absent (or the empty string, as Go's zero value). */
function def(o: Obj, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null || o[k] === '') o[k] = v;
}

/**
 * SetDefaults_Container's pull policy: Always for ":latest" or untagged images, else IfNotPresent.
 * A digest ("@sha256:...") counts as pinned.
 */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tail = image.slice(lastSlash + 1);
  const colon = tail.lastIndexOf(':');
  if (colon < 0) return 'Always';
  return tail.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** SetDefaults_Probe plus SetDefaults_HTTPGetAction. */
export function defaultProbe(p: Obj): void {
  def(p, 'timeoutSeconds', 1);
  def(p, 'periodSeconds', 10);
  def(p, 'successThreshold', 1);
  def(p, 'failureThreshold', 3);
  defaultHandler(p);
}

function defaultHandler(h: Obj): void {
  if (isPlainObject(h.httpGet)) {
    def(h.httpGet, 'path', '/');
    def(h.httpGet, 'scheme', 'HTTP');
  }
}

/** SetDefaults_Container and the defaulters of its nested types. */
export function defaultContainer(c: Obj): void {
  // An unparsable (e.g. missing) image has no tag, which upstream treats as IfNotPresent.
  def(c, 'imagePullPolicy', typeof c.image === 'string' && c.image ? defaultPullPolicy(c.image) : 'IfNotPresent');
  def(c, 'terminationMessagePath', '/dev/termination-log');
  def(c, 'terminationMessagePolicy', 'File');
  def(c, 'resources', {});
  for (const p of objs(c.ports)) def(p, 'protocol', 'TCP');
  for (const e of objs(c.env)) {
    const vf = e.valueFrom;
    // SetDefaults_ObjectFieldSelector: fieldRef.apiVersion "v1".
    if (isPlainObject(vf) && isPlainObject(vf.fieldRef)) def(vf.fieldRef, 'apiVersion', 'v1');
    if (isPlainObject(vf) && isPlainObject(vf.resourceFieldRef)) def(vf.resourceFieldRef, 'divisor', '0');
  }
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[k];
    if (isPlainObject(p)) defaultProbe(p);
  }
  if (isPlainObject(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop']) {
      const h = c.lifecycle[hook];
      if (isPlainObject(h)) defaultHandler(h);
    }
  }
}

const projectedModes = ['secret', 'configMap', 'downwardAPI', 'projected'];

/** SetDefaults_Volume: a volume with no source becomes an emptyDir; file modes default to 0644. */
export function defaultVolume(v: Obj): void {
  const keys = Object.keys(v).filter((k) => k !== 'name' && v[k] !== undefined && v[k] !== null);
  if (keys.length === 0) v.emptyDir = {};
  for (const k of projectedModes) {
    const src = v[k];
    // Secret/ConfigMap/DownwardAPI/Projected DefaultMode = 0644.
    if (isPlainObject(src)) def(src, 'defaultMode', 0o644);
  }
  if (isPlainObject(v.hostPath)) def(v.hostPath, 'type', '');
  if (isPlainObject(v.downwardAPI)) {
    for (const item of objs(v.downwardAPI.items)) if (isPlainObject(item.fieldRef)) def(item.fieldRef, 'apiVersion', 'v1');
  }
}

/** SetDefaults_PodSpec (applies to pods and to every pod template). */
export function defaultPodSpec(spec: Record<string, unknown>): void {
  def(spec, 'dnsPolicy', 'ClusterFirst');
  def(spec, 'restartPolicy', 'Always');
  def(spec, 'securityContext', {});
  def(spec, 'terminationGracePeriodSeconds', 30);
  def(spec, 'schedulerName', 'default-scheduler');
  // The v1 conversion keeps the deprecated serviceAccount field in step with serviceAccountName.
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount && !spec.serviceAccountName) spec.serviceAccountName = spec.serviceAccount;
  for (const v of objs(spec.volumes)) defaultVolume(v);
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of objs(spec[list])) {
      defaultContainer(c);
      // defaultHostNetworkPorts: with hostNetwork, hostPort defaults to containerPort.
      if (spec.hostNetwork === true) for (const p of objs(c.ports)) def(p, 'hostPort', p.containerPort);
    }
  }
}

/**
 * SetDefaults_Pod's extra step for pods (not templates): a resource with a limit but no request
 * gets request = limit, so the scheduler accounts for it.
 */
export function defaultPodRequests(spec: Record<string, unknown>): void {
  for (const list of ['initContainers', 'containers']) {
    for (const c of objs(spec[list])) {
      const res = c.resources;
      if (!isPlainObject(res) || !isPlainObject(res.limits)) continue;
      const requests: Obj = isPlainObject(res.requests) ? res.requests : {};
      for (const [k, v] of Object.entries(res.limits)) if (requests[k] === undefined) requests[k] = v;
      if (Object.keys(requests).length) res.requests = requests;
    }
  }
}

/** Defaults for a whole Pod object's spec: SetDefaults_PodSpec plus SetDefaults_Pod. */
export function defaultPod(pod: Record<string, unknown>): void {
  if (!isPlainObject(pod.spec)) pod.spec = {};
  const spec = pod.spec as Obj;
  defaultPodSpec(spec);
  defaultPodRequests(spec);
  // SetDefaults_Pod, not SetDefaults_PodSpec: templates of workloads do not carry it.
  if (spec.enableServiceLinks === undefined || spec.enableServiceLinks === null) spec.enableServiceLinks = true;

}

/** Defaults for a PodTemplateSpec (Deployment, Job, RC... templates): its spec only. */
export function defaultPodTemplateSpec(tmpl: Record<string, unknown>): void {
  if (!isPlainObject(tmpl.spec)) tmpl.spec = {};
  defaultPodSpec(tmpl.spec as Obj);
}
