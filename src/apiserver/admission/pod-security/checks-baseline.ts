/**
 * The baseline Pod Security Standard (k8s.io/pod-security-admission/policy check_*.go, as of
 * policy v1.32): no host namespaces, privileged containers, extra capabilities, hostPath volumes,
 * host ports, unconfined AppArmor/seccomp, custom SELinux users/roles/types, unmasked /proc or
 * unsafe sysctls. Reasons and details are upstream's, word for word.
 */
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Check, CheckResult } from './check.js';
import { allowed, arr, containersPhrase, forbidden, goQuote, joinQuote, pluralize, sortedSet, visitContainers } from './check.js';

const hostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad: string[] = [];
      visitContainers(spec, (c) => { if (c.securityContext?.windowsOptions?.hostProcess === true) bad.push(c.name); });
      const setters: string[] = [];
      if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
      if (bad.length) setters.push(containersPhrase(bad));
      return setters.length ? forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : allowed;
    },
  }],
};

const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const used: string[] = [];
      if (spec.hostNetwork === true) used.push('hostNetwork=true');
      if (spec.hostPID === true) used.push('hostPID=true');
      if (spec.hostIPC === true) used.push('hostIPC=true');
      return used.length ? forbidden('host namespaces', used.join(', ')) : allowed;
    },
  }],
};

const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad: string[] = [];
      visitContainers(spec, (c) => { if (c.securityContext?.privileged === true) bad.push(c.name); });
      return bad.length ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : allowed;
    },
  }],
};

/** Docker's default capability set minus NET_RAW. */
const baselineCapabilities = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

export const capabilitiesBaselineID = 'capabilities_baseline';

const capabilities: Check = {
  id: capabilitiesBaselineID,
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad: string[] = [];
      const caps: string[] = [];
      visitContainers(spec, (c) => {
        const extra = arr(c.securityContext?.capabilities?.add).filter((cap) => !baselineCapabilities.has(cap));
        if (extra.length) { bad.push(c.name); caps.push(...extra); }
      });
      return bad.length ? forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`) : allowed;
    },
  }],
};

export const hostPathVolumesID = 'hostPathVolumes';

const hostPathVolumes: Check = {
  id: hostPathVolumesID,
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad = arr(spec.volumes).filter((v) => v.hostPath != null).map((v) => v.name);
      return bad.length ? forbidden('hostPath volumes', `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)}`) : allowed;
    },
  }],
};

const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad: string[] = [];
      const ports: string[] = [];
      visitContainers(spec, (c) => {
        const used = arr(c.ports).filter((p) => typeof p.hostPort === 'number' && p.hostPort !== 0).map((p) => String(p.hostPort));
        if (used.length) { bad.push(c.name); ports.push(...used); }
      });
      if (!bad.length) return allowed;
      const list = sortedSet(ports);
      return forbidden('hostPort', `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', list.length)} ${list.join(', ')}`);
    },
  }],
};

const appArmorAnnotationPrefix = 'container.apparmor.security.beta.kubernetes.io/';

const appArmor: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (meta, spec) => {
      const okType = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';
      const setters: string[] = [];
      const values: string[] = [];
      const podProfile = spec.securityContext?.appArmorProfile;
      if (podProfile && !okType(podProfile.type)) { setters.push('pod'); values.push(podProfile.type ?? ''); }
      const bad: string[] = [];
      visitContainers(spec, (c) => {
        const p = c.securityContext?.appArmorProfile;
        if (p && !okType(p.type)) { bad.push(c.name); values.push(p.type ?? ''); }
      });
      if (bad.length) setters.push(containersPhrase(bad));
      const annotations = Object.entries(meta.annotations ?? {})
        .filter(([k, v]) => k.startsWith(appArmorAnnotationPrefix) && !(v === '' || v === 'runtime/default' || v.startsWith('localhost/')))
        .map(([k, v]) => `${k}=${goQuote(v)}`)
        .sort();
      const valueList = [...sortedSet(values), ...annotations];
      if (annotations.length) setters.push(pluralize('annotation', 'annotations', annotations.length));
      if (!setters.length) return allowed;
      return forbidden(pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', valueList.length), `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`);
    },
  }],
};

function seLinuxCheck(allowedTypes: Set<string>) {
  return (_m: ObjectMeta, spec: PodSpec): CheckResult => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (o: { type?: string; user?: string; role?: string }): boolean => {
      let ok = true;
      if (!allowedTypes.has(o.type ?? '')) { ok = false; badTypes.push(o.type ?? ''); }
      if (o.user) { ok = false; setUser = true; }
      if (o.role) { ok = false; setRole = true; }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = spec.securityContext?.seLinuxOptions;
    if (podOpts && !valid(podOpts)) setters.push('pod');
    const bad: string[] = [];
    visitContainers(spec, (c) => { const o = c.securityContext?.seLinuxOptions; if (o && !valid(o)) bad.push(c.name); });
    if (bad.length) setters.push(containersPhrase(bad));
    if (!setters.length) return allowed;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}

const seLinuxTypes = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

const seLinux: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumMinor: 0, check: seLinuxCheck(new Set(seLinuxTypes)) },
    { minimumMinor: 31, check: seLinuxCheck(new Set([...seLinuxTypes, 'container_engine_t'])) },
  ],
};

const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  versions: [{
    minimumMinor: 0,
    check: (_m, spec) => {
      const bad: string[] = [];
      const types: string[] = [];
      visitContainers(spec, (c) => {
        const pm = c.securityContext?.procMount;
        if (pm != null && pm !== 'Default') { bad.push(c.name); types.push(pm); }
      });
      return bad.length ? forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : allowed;
    },
  }],
};

export const seccompBaselineID = 'seccompProfile_baseline';
const seccompPodAnnotation = 'seccomp.security.alpha.kubernetes.io/pod';
const seccompContainerAnnotationPrefix = 'container.seccomp.security.alpha.kubernetes.io/';

/** RuntimeDefault and Localhost are the only acceptable seccomp profile types. */
export function validSeccomp(t: string | undefined): boolean {
  return t === 'RuntimeDefault' || t === 'Localhost';
}

/** Before v1.19 seccomp was configured by (alpha) annotations. */
function seccompAnnotations(meta: ObjectMeta, spec: PodSpec): CheckResult {
  const ok = (v: string): boolean => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
  const bad: string[] = [];
  const a = meta.annotations ?? {};
  const pod = a[seccompPodAnnotation];
  if (pod !== undefined && !ok(pod)) bad.push(`${seccompPodAnnotation}=${goQuote(pod)}`);
  visitContainers(spec, (c) => {
    const key = seccompContainerAnnotationPrefix + c.name;
    const v = a[key];
    if (v !== undefined && !ok(v)) bad.push(`${key}=${goQuote(v)}`);
  });
  const list = sortedSet(bad);
  return list.length ? forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', list.length)} ${list.join(', ')}`) : allowed;
}

function seccompFields(_meta: ObjectMeta, spec: PodSpec): CheckResult {
  const setters: string[] = [];
  const values: string[] = [];
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile && !validSeccomp(podProfile.type)) { setters.push('pod'); values.push(podProfile.type); }
  const bad: string[] = [];
  visitContainers(spec, (c) => {
    const p = c.securityContext?.seccompProfile;
    if (p && !validSeccomp(p.type)) { bad.push(c.name); values.push(p.type); }
  });
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`) : allowed;
}

const seccomp: Check = {
  id: seccompBaselineID,
  level: 'baseline',
  versions: [
    { minimumMinor: 0, check: seccompAnnotations },
    { minimumMinor: 19, check: seccompFields },
  ],
};

/** Namespaced sysctls isolated from other pods, grown per policy version. */
const safeSysctls0 = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start'];
const safeSysctls27 = [...safeSysctls0, 'net.ipv4.ip_local_reserved_ports'];
const safeSysctls29 = [...safeSysctls27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
const safeSysctls32 = [...safeSysctls29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];

function sysctlCheck(safe: string[]) {
  const allowedSet = new Set(safe);
  return (_m: ObjectMeta, spec: PodSpec): CheckResult => {
    const bad = arr(spec.securityContext?.sysctls).map((s) => s.name).filter((n) => !allowedSet.has(n));
    return bad.length ? forbidden('forbidden sysctls', bad.join(', ')) : allowed;
  };
}

const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  versions: [
    { minimumMinor: 0, check: sysctlCheck(safeSysctls0) },
    { minimumMinor: 27, check: sysctlCheck(safeSysctls27) },
    { minimumMinor: 29, check: sysctlCheck(safeSysctls29) },
    { minimumMinor: 32, check: sysctlCheck(safeSysctls32) },
  ],
};

/** Every baseline check. */
export const baselineChecks: Check[] = [hostProcess, hostNamespaces, privileged, capabilities, hostPathVolumes, hostPorts, appArmor, seLinux, procMount, seccomp, sysctls];
