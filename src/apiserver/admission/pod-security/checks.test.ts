import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { CheckResult } from './check.js';
import { baselineChecks } from './checks-baseline.js';
import { restrictedChecks } from './checks-restricted.js';

/** Runs the newest revision of a check, or the one in force at v1.<minor>. */
function run(id: string, spec: Partial<PodSpec>, meta: ObjectMeta = {}, minor = 32): CheckResult {
  const check = [...baselineChecks, ...restrictedChecks].find((c) => c.id === id);
  assert.ok(check, `no check ${id}`);
  const v = [...check.versions].reverse().find((x) => x.minimumMinor <= minor);
  assert.ok(v, `no revision of ${id} at v1.${minor}`);
  return v.check(meta, { containers: [], ...spec });
}

const c = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'busybox:1.36', ...extra });
const sc = (name: string, securityContext: Record<string, unknown>) => c(name, { securityContext });

function fails(r: CheckResult, reason: string, detail: string): void {
  assert.deepEqual(r, { allowed: false, reason, detail });
}

describe('baseline checks', () => {
  it('windowsHostProcess forbids hostProcess on the pod and containers', () => {
    assert.equal(run('windowsHostProcess', { containers: [sc('a', { windowsOptions: { hostProcess: false } })] }).allowed, true);
    fails(
      run('windowsHostProcess', { securityContext: { windowsOptions: { hostProcess: true } }, containers: [sc('a', { windowsOptions: { hostProcess: true } })] }),
      'hostProcess',
      'pod and container "a" must not set securityContext.windowsOptions.hostProcess=true',
    );
  });

  it('hostNamespaces forbids hostNetwork, hostPID and hostIPC', () => {
    assert.equal(run('hostNamespaces', { hostNetwork: false }).allowed, true);
    fails(run('hostNamespaces', { hostNetwork: true, hostPID: true, hostIPC: true }), 'host namespaces', 'hostNetwork=true, hostPID=true, hostIPC=true');
  });

  it('privileged lists every privileged container, init containers first', () => {
    assert.equal(run('privileged', { containers: [sc('a', { privileged: false })] }).allowed, true);
    fails(
      run('privileged', { initContainers: [sc('init', { privileged: true })], containers: [sc('a', { privileged: true })] }),
      'privileged',
      'containers "init", "a" must not set securityContext.privileged=true',
    );
  });

  it('capabilities_baseline allows the default set and names the others sorted', () => {
    assert.equal(run('capabilities_baseline', { containers: [sc('a', { capabilities: { add: ['CHOWN', 'NET_BIND_SERVICE'] } })] }).allowed, true);
    fails(
      run('capabilities_baseline', { containers: [sc('a', { capabilities: { add: ['SYS_ADMIN', 'NET_RAW', 'CHOWN'] } })] }),
      'non-default capabilities',
      'container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add',
    );
  });

  it('hostPathVolumes forbids hostPath volumes such as the docker socket', () => {
    assert.equal(run('hostPathVolumes', { volumes: [{ name: 'tmp', emptyDir: {} }] }).allowed, true);
    fails(run('hostPathVolumes', { volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }] }), 'hostPath volumes', 'volume "sock"');
  });

  it('hostPorts forbids non-zero host ports', () => {
    assert.equal(run('hostPorts', { containers: [c('a', { ports: [{ containerPort: 80 }] })] }).allowed, true);
    fails(
      run('hostPorts', { containers: [c('a', { ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 80 }] })] }),
      'hostPort',
      'container "a" uses hostPorts 80, 8080',
    );
    fails(run('hostPorts', { containers: [c('a', { ports: [{ containerPort: 80, hostPort: 80 }] }), c('b', { ports: [{ containerPort: 80, hostPort: 80 }] })] }), 'hostPort', 'containers "a", "b" use hostPort 80');
  });

  it('appArmorProfile allows RuntimeDefault and Localhost and forbids Unconfined fields and annotations', () => {
    assert.equal(run('appArmorProfile', { securityContext: { appArmorProfile: { type: 'RuntimeDefault' } } }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'localhost/x' } }).allowed, true);
    fails(
      run('appArmorProfile', { containers: [sc('a', { appArmorProfile: { type: 'Unconfined' } })] }, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } }),
      'forbidden AppArmor profiles',
      'container "a" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/a="unconfined""',
    );
  });

  it('seLinuxOptions forbids custom types, users and roles; container_engine_t since v1.31', () => {
    assert.equal(run('seLinuxOptions', { securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } } }).allowed, true);
    assert.equal(run('seLinuxOptions', { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }).allowed, true);
    assert.equal(run('seLinuxOptions', { securityContext: { seLinuxOptions: { type: 'container_engine_t' } } }, {}, 30).allowed, false);
    fails(
      run('seLinuxOptions', { securityContext: { seLinuxOptions: { type: 'spc_t' } }, containers: [sc('a', { seLinuxOptions: { user: 'root', role: 'r' } })] }),
      'seLinuxOptions',
      'pod and container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set',
    );
  });

  it('procMount forbids anything but Default', () => {
    assert.equal(run('procMount', { containers: [sc('a', { procMount: 'Default' })] }).allowed, true);
    fails(run('procMount', { containers: [sc('a', { procMount: 'Unmasked' })] }), 'procMount', 'container "a" must not set securityContext.procMount to "Unmasked"');
  });

  it('seccompProfile_baseline forbids Unconfined (fields since v1.19, annotations before)', () => {
    assert.equal(run('seccompProfile_baseline', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }).allowed, true);
    fails(
      run('seccompProfile_baseline', { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [sc('a', { seccompProfile: { type: 'Unconfined' } })] }),
      'seccompProfile',
      'pod and container "a" must not set securityContext.seccompProfile.type to "Unconfined"',
    );
    fails(run('seccompProfile_baseline', {}, { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined' } }, 18), 'seccompProfile', 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"');
  });

  it('sysctls allows the safe set of the version and lists the rest in order', () => {
    assert.equal(run('sysctls', { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096' }] } }).allowed, true);
    assert.equal(run('sysctls', { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096' }] } }, {}, 31).allowed, false);
    fails(run('sysctls', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.core.somaxconn', value: '1' }] } }), 'forbidden sysctls', 'kernel.msgmax, net.core.somaxconn');
  });
});

describe('restricted checks', () => {
  it('restrictedVolumes allows the safe types and names the restricted ones', () => {
    assert.equal(run('restrictedVolumes', { volumes: [{ name: 'a', configMap: { name: 'x' } }, { name: 'b', emptyDir: {} }, { name: 'c', projected: { sources: [] } }, { name: 'd' }] }).allowed, true);
    fails(
      run('restrictedVolumes', { volumes: [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }, { name: 'n', nfs: { server: 's', path: '/' } }] }),
      'restricted volume types',
      'volumes "sock", "n" use restricted volume types "hostPath", "nfs"',
    );
  });

  it('allowPrivilegeEscalation requires false on every container except on Windows pods', () => {
    assert.equal(run('allowPrivilegeEscalation', { containers: [sc('a', { allowPrivilegeEscalation: false })] }).allowed, true);
    assert.equal(run('allowPrivilegeEscalation', { os: { name: 'windows' }, containers: [c('a')] }).allowed, true);
    fails(run('allowPrivilegeEscalation', { containers: [c('a'), sc('b', { allowPrivilegeEscalation: true })] }), 'allowPrivilegeEscalation != false', 'containers "a", "b" must set securityContext.allowPrivilegeEscalation=false');
  });

  it('runAsNonRoot accepts the pod-level setting and distinguishes explicit from missing values', () => {
    assert.equal(run('runAsNonRoot', { securityContext: { runAsNonRoot: true }, containers: [c('a')] }).allowed, true);
    fails(run('runAsNonRoot', { containers: [c('a')] }), 'runAsNonRoot != true', 'pod or container "a" must set securityContext.runAsNonRoot=true');
    fails(run('runAsNonRoot', { securityContext: { runAsNonRoot: false }, containers: [sc('a', { runAsNonRoot: false })] }), 'runAsNonRoot != true', 'pod and container "a" must not set securityContext.runAsNonRoot=false');
  });

  it('runAsUser forbids uid 0 since v1.23', () => {
    assert.equal(run('runAsUser', { securityContext: { runAsUser: 1000 } }).allowed, true);
    fails(run('runAsUser', { securityContext: { runAsUser: 0 }, containers: [sc('a', { runAsUser: 0 })] }), 'runAsUser=0', 'pod and container "a" must not set runAsUser=0');
  });

  it('seccompProfile_restricted requires RuntimeDefault or Localhost on the pod or each container', () => {
    assert.equal(run('seccompProfile_restricted', { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [c('a')] }).allowed, true);
    assert.equal(run('seccompProfile_restricted', { containers: [sc('a', { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } })] }).allowed, true);
    fails(run('seccompProfile_restricted', { containers: [c('a')] }), 'seccompProfile', 'pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"');
    fails(run('seccompProfile_restricted', { containers: [sc('a', { seccompProfile: { type: 'Unconfined' } })] }), 'seccompProfile', 'container "a" must not set securityContext.seccompProfile.type to "Unconfined"');
  });

  it('capabilities_restricted requires drop ALL and allows adding only NET_BIND_SERVICE', () => {
    assert.equal(run('capabilities_restricted', { containers: [sc('a', { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } })] }).allowed, true);
    fails(
      run('capabilities_restricted', { containers: [c('a'), sc('b', { capabilities: { drop: ['ALL'], add: ['CHOWN'] } })] }),
      'unrestricted capabilities',
      'container "a" must set securityContext.capabilities.drop=["ALL"]; container "b" must not include "CHOWN" in securityContext.capabilities.add',
    );
  });
});
