/**
 * The restricted Pod Security Standard on top of baseline (k8s.io/pod-security-admission/policy,
 * policy v1.32): only "safe" volume types, no privilege escalation, non-root users, a
 * RuntimeDefault/Localhost seccomp profile and capabilities dropped to ALL (NET_BIND_SERVICE may
 * come back). Since v1.25 pods declaring spec.os.name=windows skip the Linux-only checks.
 */
import type { PodSpec, Volume } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Check, CheckPodFn, CheckResult } from './check.js';
import { allowed, arr, containersPhrase, forbidden, isWindows, joinQuote, pluralize, sortedSet, visitContainers } from './check.js';
import { capabilitiesBaselineID, hostPathVolumesID, seccompBaselineID, validSeccomp } from './checks-baseline.js';

function exemptWindows(check: CheckPodFn): CheckPodFn {
  return (meta, spec) => (isWindows(spec) ? allowed : check(meta, spec));
}

const safeVolumeSources = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
/** The volume sources upstream names; anything else is reported as "unknown". */
const namedVolumeSources = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'];

function volumeSources(v: Volume): string[] {
  return Object.entries(v).filter(([k, val]) => k !== 'name' && val != null).map(([k]) => k);
}

const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{
    minimumMinor: 0,
    overrides: [hostPathVolumesID],
    check: (_m, spec) => {
      const bad: string[] = [];
      const types: string[] = [];
      for (const v of arr(spec.volumes)) {
        const sources = volumeSources(v);
        // A volume without a source is defaulted to emptyDir by the API server.
        if (sources.length === 0 || sources.some((s) => safeVolumeSources.includes(s))) continue;
        bad.push(v.name);
        types.push(namedVolumeSources.find((n) => sources.includes(n)) ?? 'unknown');
      }
      if (!bad.length) return allowed;
      const list = sortedSet(types);
      return forbidden('restricted volume types', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('restricted volume type', 'restricted volume types', list.length)} ${joinQuote(list)}`);
    },
  }],
};

function privilegeEscalation(_m: ObjectMeta, spec: PodSpec): CheckResult {
  const bad: string[] = [];
  visitContainers(spec, (c) => { if (c.securityContext?.allowPrivilegeEscalation !== false) bad.push(c.name); });
  return bad.length ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : allowed;
}

const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  versions: [
    { minimumMinor: 8, check: privilegeEscalation },
    { minimumMinor: 25, check: exemptWindows(privilegeEscalation) },
  ],
};

const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const setters: string[] = [];
      const podValue = spec.securityContext?.runAsNonRoot;
      if (podValue === false) setters.push('pod');
      const podNonRoot = podValue === true;
      const explicit: string[] = [];
      const implicit: string[] = [];
      visitContainers(spec, (c) => {
        const v = c.securityContext?.runAsNonRoot;
        if (v === false) explicit.push(c.name);
        else if (v == null && !podNonRoot) implicit.push(c.name);
      });
      if (explicit.length) setters.push(containersPhrase(explicit));
      if (setters.length) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
      if (implicit.length) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
      return allowed;
    },
  }],
};

const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  versions: [{
    minimumMinor: 23,
    check: (_m, spec) => {
      const setters: string[] = [];
      if (spec.securityContext?.runAsUser === 0) setters.push('pod');
      const bad: string[] = [];
      visitContainers(spec, (c) => { if (c.securityContext?.runAsUser === 0) bad.push(c.name); });
      if (bad.length) setters.push(containersPhrase(bad));
      return setters.length ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : allowed;
    },
  }],
};

function seccompRestricted(_m: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (validSeccomp(podProfile.type)) podSet = true;
    else { setters.push('pod'); values.push(podProfile.type); }
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  visitContainers(spec, (c) => {
    const p = c.securityContext?.seccompProfile;
    if (p) {
      if (!validSeccomp(p.type)) { explicit.push(c.name); values.push(p.type); }
    } else if (!podSet) {
      implicit.push(c.name);
    }
  });
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`);
  if (implicit.length) return forbidden('seccompProfile', `pod or ${containersPhrase(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return allowed;
}

const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  versions: [
    { minimumMinor: 19, check: seccompRestricted, overrides: [seccompBaselineID] },
    { minimumMinor: 25, check: exemptWindows(seccompRestricted), overrides: [seccompBaselineID] },
  ],
};

function capabilitiesRestrictedCheck(_m: ObjectMeta, spec: PodSpec): CheckResult {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  visitContainers(spec, (c) => {
    const capsOf = c.securityContext?.capabilities;
    if (!capsOf) { missingDrop.push(c.name); return; }
    if (!arr(capsOf.drop).includes('ALL')) missingDrop.push(c.name);
    const extra = arr(capsOf.add).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (extra.length) { adding.push(c.name); caps.push(...extra); }
  });
  const details: string[] = [];
  if (missingDrop.length) details.push(`${containersPhrase(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  return details.length ? forbidden('unrestricted capabilities', details.join('; ')) : allowed;
}

const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  versions: [
    { minimumMinor: 22, check: capabilitiesRestrictedCheck, overrides: [capabilitiesBaselineID] },
    { minimumMinor: 25, check: exemptWindows(capabilitiesRestrictedCheck), overrides: [capabilitiesBaselineID] },
  ],
};

/** Every restricted check (baseline checks apply too unless overridden). */
export const restrictedChecks: Check[] = [restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfileRestricted, capabilitiesRestricted];
