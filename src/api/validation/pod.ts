/**
 * PodSpec and PodTemplateSpec validation after pkg/apis/core/validation (ValidatePodSpec,
 * validateVolumes, validateTolerations, ValidatePodTemplateSpec). Expects defaulted input, as
 * upstream validates after SetDefaults (so imagePullPolicy etc. are present).
 */
import type { FieldError } from '../field.js';
import { field } from '../field.js';
import { validateAnnotations, validateLabels, validateLabelSelector } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue, inclusiveRangeError } from './names.js';
import { validateContainer, validateContainerName, validateQuantityValue } from './container.js';
import { asArr, asObj, asStr, invalidEach, nonNegative } from './util.js';

/** Every VolumeSource member; a volume sets exactly one. */
export const volumeSourceTypes = [
  // validateVolumeSource's order, so "may not specify more than 1 volume type" names the same field.
  'emptyDir', 'hostPath', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs', 'flocker',
  'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'flexVolume', 'configMap', 'azureFile',
  'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'csi', 'projected', 'scaleIO', 'storageos', 'ephemeral',
  'image',
];

const restartPolicies = ['Always', 'OnFailure', 'Never'];
const dnsPolicies = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const tolerationOperators = ['Equal', 'Exists'];
const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateVolumes: unique DNS-1123 label names, exactly one source, source essentials. Returns names. */
export function validateVolumes(volumes: unknown, path: string): { errs: FieldError[]; names: Set<string> } {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArr(volumes).forEach((raw, i) => {
    const v = asObj(raw);
    const ip = `${path}[${i}]`;
    const name = asStr(v.name);
    if (!name) errs.push(field.required(`${ip}.name`));
    else errs.push(...invalidEach(`${ip}.name`, name, isDNS1123Label(name)));
    if (name && names.has(name)) errs.push(field.duplicate(`${ip}.name`, name));
    if (name) names.add(name);
    const sources = volumeSourceTypes.filter((t) => v[t] !== undefined && v[t] !== null);
    if (sources.length === 0) errs.push(field.required(ip, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(field.forbidden(`${ip}.${extra}`, 'may not specify more than 1 volume type'));
    errs.push(...validateVolumeSource(v, ip));
  });
  return { errs, names };
}

/** The per-source checks users most often trip over (names and paths required). */
function validateVolumeSource(v: Record<string, unknown>, ip: string): FieldError[] {
  const errs: FieldError[] = [];
  if (v.hostPath !== undefined) {
    const hp = asObj(v.hostPath);
    if (!hp.path) errs.push(field.required(`${ip}.hostPath.path`));
    const types = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
    if (hp.type !== undefined && !types.includes(asStr(hp.type))) errs.push(field.notSupported(`${ip}.hostPath.type`, hp.type, types));
  }
  if (v.emptyDir !== undefined) {
    const ed = asObj(v.emptyDir);
    if (ed.sizeLimit !== undefined) errs.push(...validateQuantityValue(ed.sizeLimit, `${ip}.emptyDir.sizeLimit`));
    if (ed.medium !== undefined && !['', 'Memory', 'HugePages'].includes(asStr(ed.medium)) && !asStr(ed.medium).startsWith('HugePages-')) {
      errs.push(field.notSupported(`${ip}.emptyDir.medium`, ed.medium, ['', 'Memory', 'HugePages']));
    }
  }
  if (v.configMap !== undefined) {
    const n = asStr(asObj(v.configMap).name);
    if (!n) errs.push(field.required(`${ip}.configMap.name`));
    else errs.push(...invalidEach(`${ip}.configMap.name`, n, isDNS1123Subdomain(n)));
  }
  if (v.secret !== undefined) {
    const n = asStr(asObj(v.secret).secretName);
    if (!n) errs.push(field.required(`${ip}.secret.secretName`));
    else errs.push(...invalidEach(`${ip}.secret.secretName`, n, isDNS1123Subdomain(n)));
  }
  if (v.persistentVolumeClaim !== undefined && !asObj(v.persistentVolumeClaim).claimName) {
    errs.push(field.required(`${ip}.persistentVolumeClaim.claimName`));
  }
  if (v.nfs !== undefined) {
    const nfs = asObj(v.nfs);
    if (!nfs.server) errs.push(field.required(`${ip}.nfs.server`));
    if (!nfs.path) errs.push(field.required(`${ip}.nfs.path`));
  }
  if (v.csi !== undefined && !asObj(v.csi).driver) errs.push(field.required(`${ip}.csi.driver`));
  if (v.image !== undefined && !asObj(v.image).reference) errs.push(field.required(`${ip}.image.reference`));
  return errs;
}

/** validateTolerations: key/operator/value/effect consistency. */
export function validateTolerations(tolerations: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  asArr(tolerations).forEach((raw, i) => {
    const t = asObj(raw);
    const ip = `${path}[${i}]`;
    const key = asStr(t.key);
    if (key) errs.push(...invalidEach(`${ip}.key`, key, isQualifiedName(key)));
    const op = asStr(t.operator);
    if (!key && op !== 'Exists') {
      errs.push(field.invalid(`${ip}.operator`, op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.push(field.invalid(`${ip}.effect`, asStr(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === '' || op === 'Equal') errs.push(...invalidEach(`${ip}.value`, asStr(t.value), isValidLabelValue(asStr(t.value))));
    else if (op === 'Exists') {
      if (asStr(t.value) !== '') errs.push(field.invalid(`${ip}.operator`, asStr(t.value), 'value must be empty when `operator` is \'Exists\''));
    } else errs.push(field.notSupported(`${ip}.operator`, op, tolerationOperators));
    if (t.effect !== undefined && t.effect !== '' && !taintEffects.includes(asStr(t.effect))) {
      errs.push(field.notSupported(`${ip}.effect`, t.effect, taintEffects));
    }
  });
  return errs;
}

const nodeSelectorOperators = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];

/** ValidateNodeSelectorRequirement: values per operator, and the key a qualified label name. */
function validateNodeSelectorRequirement(raw: unknown, path: string): FieldError[] {
  const r = asObj(raw);
  const values = asArr(r.values);
  const errs: FieldError[] = [];
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(`${path}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(`${path}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      // Upstream checks the count only; a non-integer value simply never matches at scheduling.
      if (values.length !== 1) errs.push(field.required(`${path}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.notSupported(`${path}.operator`, r.operator ?? '', nodeSelectorOperators));
  }
  return [...errs, ...invalidEach(`${path}.key`, asStr(r.key), isQualifiedName(asStr(r.key)))];
}

/** ValidateNodeFieldSelectorRequirement: only metadata.name, In/NotIn with exactly one value. */
function validateNodeFieldRequirement(raw: unknown, path: string): FieldError[] {
  const r = asObj(raw);
  const values = asArr(r.values);
  const errs: FieldError[] = [];
  if (r.operator === 'In' || r.operator === 'NotIn') {
    if (values.length !== 1) errs.push(field.required(`${path}.values`, "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(field.invalid(`${path}.operator`, r.operator ?? '', 'not a valid selector operator'));
  if (r.key !== 'metadata.name') errs.push(field.invalid(`${path}.key`, r.key ?? '', 'not a valid field selector key'));
  else values.forEach((v, i) => errs.push(...invalidEach(`${path}.values[${i}]`, v, isDNS1123Subdomain(asStr(v)))));
  return errs;
}

function validateNodeSelectorTerm(raw: unknown, path: string): FieldError[] {
  const t = asObj(raw);
  return [
    ...asArr(t.matchExpressions).flatMap((r, j) => validateNodeSelectorRequirement(r, `${path}.matchExpressions[${j}]`)),
    ...asArr(t.matchFields).flatMap((r, j) => validateNodeFieldRequirement(r, `${path}.matchFields[${j}]`)),
  ];
}

function validateWeight(w: unknown, path: string): FieldError[] {
  const n = Number(w);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? [] : [field.invalid(path, w, 'must be in the range 1-100')];
}

/** validatePodAffinityTerm: selectors, namespaces, and a non-empty, qualified topologyKey. */
function validatePodAffinityTerm(raw: unknown, path: string): FieldError[] {
  const t = asObj(raw);
  const errs = [...validateLabelSelector(t.labelSelector, `${path}.labelSelector`), ...validateLabelSelector(t.namespaceSelector, `${path}.namespaceSelector`)];
  for (const ns of asArr(t.namespaces)) errs.push(...invalidEach(`${path}.namespace`, ns, isDNS1123Label(asStr(ns))));
  const key = asStr(t.topologyKey);
  if (!key) errs.push(field.required(`${path}.topologyKey`, 'can not be empty'));
  return [...errs, ...invalidEach(`${path}.topologyKey`, key, isQualifiedName(key))];
}

function validatePodAffinityRules(raw: unknown, path: string): FieldError[] {
  const a = asObj(raw);
  const req = `${path}.requiredDuringSchedulingIgnoredDuringExecution`;
  const pref = `${path}.preferredDuringSchedulingIgnoredDuringExecution`;
  return [
    ...asArr(a.requiredDuringSchedulingIgnoredDuringExecution).flatMap((t, i) => validatePodAffinityTerm(t, `${req}[${i}]`)),
    ...asArr(a.preferredDuringSchedulingIgnoredDuringExecution).flatMap((w, i) => [
      ...validateWeight(asObj(w).weight, `${pref}[${i}].weight`),
      ...validatePodAffinityTerm(asObj(w).podAffinityTerm, `${pref}[${i}].podAffinityTerm`),
    ]),
  ];
}

/** validateAffinity: node affinity terms, pod affinity and anti-affinity terms. */
export function validateAffinity(affinity: unknown, path: string): FieldError[] {
  if (affinity === undefined || affinity === null) return [];
  const a = asObj(affinity);
  const errs: FieldError[] = [];
  if (a.nodeAffinity !== undefined && a.nodeAffinity !== null) {
    const na = asObj(a.nodeAffinity);
    const reqPath = `${path}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
    if (na.requiredDuringSchedulingIgnoredDuringExecution !== undefined && na.requiredDuringSchedulingIgnoredDuringExecution !== null) {
      const terms = asArr(asObj(na.requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
      if (terms.length === 0) errs.push(field.required(`${reqPath}.nodeSelectorTerms`, 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(t, `${reqPath}.nodeSelectorTerms[${i}]`)));
    }
    const prefPath = `${path}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`;
    asArr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((w, i) => {
      errs.push(...validateWeight(asObj(w).weight, `${prefPath}[${i}].weight`));
      errs.push(...validateNodeSelectorTerm(asObj(w).preference, `${prefPath}[${i}].preference`));
    });
  }
  if (a.podAffinity !== undefined && a.podAffinity !== null) errs.push(...validatePodAffinityRules(a.podAffinity, `${path}.podAffinity`));
  if (a.podAntiAffinity !== undefined && a.podAntiAffinity !== null) errs.push(...validatePodAffinityRules(a.podAntiAffinity, `${path}.podAntiAffinity`));
  return errs;
}

/** validateTopologySpreadConstraints: maxSkew, topologyKey, whenUnsatisfiable, minDomains, policies, duplicates. */
export function validateTopologySpreadConstraints(constraints: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  asArr(constraints).forEach((raw, i) => {
    const c = asObj(raw);
    const p = `${path}[${i}]`;
    if (!(Number(c.maxSkew) > 0)) errs.push(field.invalid(`${p}.maxSkew`, c.maxSkew ?? 0, 'must be greater than zero'));
    const key = asStr(c.topologyKey);
    if (!key) errs.push(field.required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...invalidEach(`${p}.topologyKey`, key, isQualifiedName(key)));
    const action = asStr(c.whenUnsatisfiable);
    if (!action) errs.push(field.required(`${p}.whenUnsatisfiable`, 'can not be empty'));
    else if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') errs.push(field.notSupported(`${p}.whenUnsatisfiable`, action, ['DoNotSchedule', 'ScheduleAnyway']));
    const pair = `{${key}, ${action}}`;
    if (seen.has(pair)) errs.push(field.duplicate(`${p}.{topologyKey, whenUnsatisfiable}`, pair));
    seen.add(pair);
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (!(Number(c.minDomains) > 0)) errs.push(field.invalid(`${p}.minDomains`, c.minDomains, 'must be greater than zero'));
      if (action !== 'DoNotSchedule') errs.push(field.invalid(`${p}.minDomains`, c.minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const k of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[k] !== undefined && c[k] !== null && c[k] !== 'Honor' && c[k] !== 'Ignore') errs.push(field.notSupported(`${p}.${k}`, c[k], ['Honor', 'Ignore']));
    }
    errs.push(...validateLabelSelector(c.labelSelector, `${p}.labelSelector`));
  });
  return errs;
}

/** ValidatePodSpec. `path` is the spec's own path ("spec", "spec.template.spec"). */
export function validatePodSpec(spec: unknown, path: string): FieldError[] {
  const s = asObj(spec);
  const { errs, names: volumes } = validateVolumes(s.volumes, `${path}.volumes`);
  const seen = new Set<string>();
  const containers = asArr(s.containers);
  if (containers.length === 0) errs.push(field.required(`${path}.containers`));
  asArr(s.initContainers).forEach((raw, i) => {
    const ip = `${path}.initContainers[${i}]`;
    errs.push(...validateContainerName(asObj(raw), ip, seen));
    errs.push(...validateContainer(asObj(raw), ip, volumes, { init: true }));
  });
  containers.forEach((raw, i) => {
    const ip = `${path}.containers[${i}]`;
    errs.push(...validateContainerName(asObj(raw), ip, seen));
    errs.push(...validateContainer(asObj(raw), ip, volumes, { init: false }));
  });
  asArr(s.ephemeralContainers).forEach((raw, i) => {
    const ip = `${path}.ephemeralContainers[${i}]`;
    errs.push(...validateContainerName(asObj(raw), ip, seen));
    errs.push(...validateContainer(asObj(raw), ip, volumes, { init: false }));
  });
  const rp = asStr(s.restartPolicy);
  if (!rp) errs.push(field.required(`${path}.restartPolicy`));
  else if (!restartPolicies.includes(rp)) errs.push(field.notSupported(`${path}.restartPolicy`, rp, restartPolicies));
  const dp = asStr(s.dnsPolicy);
  if (!dp) errs.push(field.required(`${path}.dnsPolicy`));
  else if (!dnsPolicies.includes(dp)) errs.push(field.notSupported(`${path}.dnsPolicy`, dp, dnsPolicies));
  if (dp === 'None' && s.dnsConfig === undefined) {
    errs.push(field.required(`${path}.dnsConfig`, `must provide \`dnsConfig\` when \`dnsPolicy\` is None`));
  }
  errs.push(...validateLabels(s.nodeSelector, `${path}.nodeSelector`));
  for (const k of ['serviceAccountName', 'nodeName']) {
    if (s[k]) errs.push(...invalidEach(`${path}.${k}`, s[k], isDNS1123Subdomain(asStr(s[k]))));
  }
  for (const k of ['hostname', 'subdomain']) {
    if (s[k]) errs.push(...invalidEach(`${path}.${k}`, s[k], isDNS1123Label(asStr(s[k]))));
  }
  if (s.activeDeadlineSeconds !== undefined && s.activeDeadlineSeconds !== null) {
    const v = Number(s.activeDeadlineSeconds);
    if (!(v >= 1 && v <= 4294967295)) errs.push(field.invalid(`${path}.activeDeadlineSeconds`, s.activeDeadlineSeconds, inclusiveRangeError(1, 4294967295)));
  }
  errs.push(...nonNegative(s.terminationGracePeriodSeconds, `${path}.terminationGracePeriodSeconds`));
  errs.push(...validateTolerations(s.tolerations, `${path}.tolerations`));
  errs.push(...validateAffinity(s.affinity, `${path}.affinity`));
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, `${path}.topologySpreadConstraints`));
  asArr(s.imagePullSecrets).forEach((raw, i) => {
    if (!asObj(raw).name) errs.push(field.required(`${path}.imagePullSecrets[${i}].name`));
  });
  if (s.hostNetwork === true) {
    // validateHostNetwork: with host networking, hostPort must equal containerPort.
    containers.forEach((raw, i) => {
      asArr(asObj(raw).ports).forEach((pr, j) => {
        const p = asObj(pr);
        if (p.hostPort !== undefined && p.hostPort !== p.containerPort) {
          errs.push(field.invalid(`${path}.containers[${i}].ports[${j}].hostPort`, p.hostPort, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations and the pod spec under "<path>.spec". */
export function validatePodTemplateSpec(tmpl: unknown, path: string): FieldError[] {
  const t = asObj(tmpl);
  const meta = asObj(t.metadata);
  return [
    ...validateLabels(meta.labels, `${path}.metadata.labels`),
    ...validateAnnotations(meta.annotations, `${path}.metadata.annotations`),
    ...validatePodSpec(t.spec, `${path}.spec`),
  ];
}

/**
 * ValidatePodTemplateSpecForReplicaSet/ReplicationController-style workloads: the template's
 * labels must satisfy the selector, restartPolicy must be Always, no activeDeadlineSeconds.
 */
export function validateWorkloadPodTemplate(tmpl: unknown, path: string, kindForDeadline: string): FieldError[] {
  const t = asObj(tmpl);
  const spec = asObj(t.spec);
  const errs = validatePodTemplateSpec(tmpl, path);
  if (spec.restartPolicy !== undefined && spec.restartPolicy !== 'Always') {
    errs.push(field.notSupported(`${path}.spec.restartPolicy`, spec.restartPolicy, ['Always']));
  }
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(`${path}.spec.activeDeadlineSeconds`, `activeDeadlineSeconds in ${kindForDeadline} is not Supported`));
  }
  return errs;
}
