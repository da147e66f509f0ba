/**
 * ImagePolicy, Kubeling's own validating plugin (no upstream counterpart; the course's advice
 * made a check): a container whose image floats (the `latest` tag, or no tag and no digest) or
 * that declares no resource requests gets a Warning header, which kubectl prints as
 * `Warning: ...`. A namespace label `kubeling.dev/image-policy` chooses the mode: `warn` (the
 * default), `enforce` (pods are rejected with 403 naming the plugin) or `off`. Workload templates
 * are only warned about, as PodSecurity does with them: their pods are judged when created.
 */
import type { Container, EphemeralContainer, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { errors } from '../../api/errors.js';
import { field } from '../../api/field.js';
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';
import { isSignificantPodUpdate } from './pod-security/plugin.js';

export const imagePolicyLabel = 'kubeling.dev/image-policy';
export type ImagePolicyMode = 'enforce' | 'warn' | 'off';
const modes: ImagePolicyMode[] = ['enforce', 'off', 'warn'];

/** What an image reference pins: a digest, a tag other than latest, or nothing. */
export function imageFloats(image: string): 'latest' | 'untagged' | undefined {
  if (image.includes('@')) return undefined; // a digest pins the content whatever the tag says
  const last = image.slice(image.lastIndexOf('/') + 1); // a registry port is not a tag
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'untagged';
  return last.slice(colon + 1) === 'latest' ? 'latest' : undefined;
}

function hasRequests(c: Container | EphemeralContainer): boolean {
  // Limits without requests are copied into requests by pod defaulting, so they count.
  const r = c.resources;
  return Object.keys(r?.requests ?? {}).length > 0 || Object.keys(r?.limits ?? {}).length > 0;
}

/** The policy findings for a pod spec, one sentence each. */
export function imagePolicyFindings(spec: PodSpec): string[] {
  const out: string[] = [];
  const all: (Container | EphemeralContainer)[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  for (const c of all) {
    const floats = imageFloats(c.image ?? '');
    if (floats === 'latest') out.push(`container "${c.name}": image "${c.image ?? ''}" uses the latest tag, pin a version or digest`);
    if (floats === 'untagged') out.push(`container "${c.name}": image "${c.image ?? ''}" has no tag (which means latest), pin a version or digest`);
  }
  // Ephemeral containers may not declare resources at all, so only the others are held to it.
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if (!hasRequests(c)) out.push(`container "${c.name}": no resource requests, set resources.requests (cpu, memory)`);
  }
  return out;
}

/** The mode a namespace label selects (unset or invalid: warn). */
export function imagePolicyMode(labels: Record<string, string> | undefined): ImagePolicyMode {
  const v = labels?.[imagePolicyLabel];
  return (modes as string[]).includes(v ?? '') ? (v as ImagePolicyMode) : 'warn';
}

const templateOf: Record<string, (o: KubeObject) => PodTemplateSpec | null | undefined> = {
  '/replicationcontrollers': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  '/podtemplates': (o) => (o as { template?: PodTemplateSpec }).template,
  'apps/replicasets': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  'apps/deployments': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  'apps/statefulsets': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  'apps/daemonsets': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  'batch/jobs': (o) => (o.spec as { template?: PodTemplateSpec } | undefined)?.template,
  'batch/cronjobs': (o) => (o.spec as { jobTemplate?: { spec?: { template?: PodTemplateSpec } } } | undefined)?.jobTemplate?.spec?.template,
};

function validateNamespaceLabel(a: AdmissionAttributes): void {
  if (a.subresource !== '' || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
  const v = a.object?.metadata.labels?.[imagePolicyLabel];
  if (v === undefined || (modes as string[]).includes(v)) return;
  // An invalid value already stored is not re-judged on unrelated updates.
  if (a.operation === 'UPDATE' && a.oldObject?.metadata.labels?.[imagePolicyLabel] === v) return;
  throw errors.invalid('', 'Namespace', a.name, [field.notSupported(`metadata.labels[${imagePolicyLabel}]`, v, modes)]);
}

async function modeOf(a: AdmissionAttributes): Promise<ImagePolicyMode> {
  return imagePolicyMode((await a.get('', 'namespaces', '', a.namespace))?.metadata.labels ?? undefined);
}

/** The ImagePolicy plugin. */
export const imagePolicy: AdmissionPlugin = {
  name: 'ImagePolicy',
  async validate(a) {
    const key = `${a.def.group}/${a.def.resource}`;
    if (key === '/namespaces') return validateNamespaceLabel(a);
    if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
    if (!a.object) return;
    if (key === '/pods') {
      if (a.subresource !== '' && a.subresource !== 'ephemeralcontainers') return;
      if (a.operation === 'UPDATE' && a.oldObject && !isSignificantPodUpdate(a.object, a.oldObject)) return;
      const findings = imagePolicyFindings((a.object.spec ?? {}) as PodSpec);
      if (!findings.length) return;
      const mode = await modeOf(a);
      if (mode === 'off') return;
      if (mode === 'enforce') throw errors.forbidden(`pods "${a.name}" is forbidden: ImagePolicy: ${findings.join('; ')}`, { group: '', resource: 'pods' }, a.name);
      for (const f of findings) a.warn(`ImagePolicy: ${f}`);
      return;
    }
    const extract = templateOf[key];
    if (!extract || a.subresource !== '') return;
    const template = extract(a.object);
    if (!template) return;
    // Re-applying an unchanged workload should not repeat the same warnings.
    if (a.operation === 'UPDATE' && a.oldObject && deepEqual(template, extract(a.oldObject))) return;
    const findings = imagePolicyFindings(template.spec ?? { containers: [] });
    if (!findings.length) return;
    const mode = await modeOf(a);
    if (mode === 'off') return;
    const suffix = mode === 'enforce' ? ` (namespace "${a.namespace}" enforces ${imagePolicyLabel}: its pods will be rejected)` : '';
    for (const f of findings) a.warn(`ImagePolicy: ${f}${suffix}`);
  },
};
