import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import { podResource } from '../../api/registry/core/pod.js';
import { anonymousUser } from '../authn/types.js';
import type { AdmissionAttributes } from './types.js';
import { DEFAULT_API_TOKEN_MOUNT_PATH, serviceAccountAdmissionWith } from './service-account.js';

const plugin = serviceAccountAdmissionWith({ defaultAttempts: 3, retryDelayMs: () => 0, sleep: () => Promise.resolve(), suffix: () => 'abcde' });

function attrs(pod: KubeObject, accounts: Record<string, Record<string, unknown>>, calls: string[] = []): AdmissionAttributes {
  return {
    operation: 'CREATE',
    def: podResource,
    namespace: 'ns',
    name: pod.metadata.name ?? '',
    subresource: '',
    object: pod,
    user: anonymousUser,
    dryRun: false,
    get: (_g, r, ns, n) => {
      calls.push(`${r}/${ns}/${n}`);
      const sa = accounts[n];
      return Promise.resolve(sa ? ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: n, namespace: ns }, ...sa }) : undefined);
    },
    warn: () => undefined,
  };
}

function pod(spec: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'a', image: 'x' }], ...spec } };
}

async function admit(p: KubeObject, accounts: Record<string, Record<string, unknown>>): Promise<void> {
  await plugin.admit!(attrs(p, accounts));
  await plugin.validate!(attrs(p, accounts));
}

function forbidden(message: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, message);
    return true;
  };
}

test('a pod without a service account runs as default and gets the kube-api-access volume', async () => {
  const p = pod({ initContainers: [{ name: 'i', image: 'x' }] });
  await admit(p, { default: {} });
  const spec = p.spec as Record<string, unknown> & { containers: Record<string, unknown>[]; initContainers: Record<string, unknown>[] };
  assert.equal(spec.serviceAccountName, 'default');
  assert.equal(spec.serviceAccount, 'default', 'the deprecated alias follows, as the v1 conversion writes it');
  const mount = { name: 'kube-api-access-abcde', readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH };
  assert.deepEqual(spec.containers[0]?.volumeMounts, [mount]);
  assert.deepEqual(spec.initContainers[0]?.volumeMounts, [mount]);
  assert.deepEqual(spec.volumes, [
    {
      name: 'kube-api-access-abcde',
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ]);
});

test('a missing service account is forbidden with the upstream message', async () => {
  await assert.rejects(admit(pod({ serviceAccountName: 'x' }), { default: {} }), forbidden('pods "p" is forbidden: error looking up service account ns/x: serviceaccount "x" not found'));
});

test('the default service account is looked up again before giving up, other names once', async () => {
  const calls: string[] = [];
  await assert.rejects(plugin.admit!(attrs(pod(), {}, calls)));
  assert.equal(calls.length, 3);
  const other: string[] = [];
  await assert.rejects(plugin.admit!(attrs(pod({ serviceAccountName: 'x' }), {}, other)));
  assert.equal(other.length, 1);
});

test('automountServiceAccountToken false on the pod or the service account mounts nothing; the pod wins', async () => {
  const p1 = pod({ automountServiceAccountToken: false });
  await admit(p1, { default: {} });
  assert.equal((p1.spec as { volumes?: unknown }).volumes, undefined);
  const p2 = pod();
  await admit(p2, { default: { automountServiceAccountToken: false } });
  assert.equal((p2.spec as { volumes?: unknown }).volumes, undefined);
  const p3 = pod({ automountServiceAccountToken: true });
  await admit(p3, { default: { automountServiceAccountToken: false } });
  assert.equal((p3.spec as { volumes?: unknown[] }).volumes?.length, 1);
});

test('containers that already mount the token path are left alone', async () => {
  const p = pod({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] }], volumes: [{ name: 'mine', emptyDir: {} }] });
  await admit(p, { default: {} });
  const spec = p.spec as { volumes: unknown[]; containers: { volumeMounts: unknown[] }[] };
  assert.equal(spec.volumes.length, 1);
  assert.equal(spec.containers[0]?.volumeMounts.length, 1);
});

test('the service account image pull secrets are copied when the pod has none', async () => {
  const p = pod();
  await admit(p, { default: { imagePullSecrets: [{ name: 'reg' }] } });
  assert.deepEqual((p.spec as { imagePullSecrets?: unknown }).imagePullSecrets, [{ name: 'reg' }]);
});

test('mirror pods are not changed and may not reference service accounts or secrets', async () => {
  const mirror = { 'kubernetes.io/config.mirror': 'hash' };
  const p = pod({}, mirror);
  await admit(p, {});
  assert.equal((p.spec as { serviceAccountName?: string }).serviceAccountName, undefined);
  await assert.rejects(admit(pod({ serviceAccountName: 'default' }, mirror), { default: {} }), forbidden('pods "p" is forbidden: a mirror pod may not reference service accounts'));
  await assert.rejects(admit(pod({ volumes: [{ name: 's', secret: { secretName: 'x' } }] }, mirror), {}), forbidden('pods "p" is forbidden: a mirror pod may not reference secrets'));
});

test('a service account enforcing mountable secrets rejects secrets it does not list', async () => {
  const sa = { metadata: { name: 'default', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] };
  await admit(pod({ volumes: [{ name: 'v', secret: { secretName: 'ok' } }] }), { default: sa });
  await assert.rejects(
    admit(pod({ volumes: [{ name: 'v', secret: { secretName: 'no' } }] }), { default: sa }),
    forbidden('pods "p" is forbidden: volume with secret.secretName="no" is not allowed because service account default does not reference that secret'),
  );
});

test('pod updates and subresources are ignored', async () => {
  const p = pod();
  await plugin.admit!({ ...attrs(p, {}), operation: 'UPDATE' });
  await plugin.admit!({ ...attrs(p, {}), subresource: 'status' });
  assert.equal((p.spec as { serviceAccountName?: string }).serviceAccountName, undefined);
});

test('ephemeral containers added later may only reference the secrets an enforcing service account lists', async () => {
  const sa = { metadata: { name: 'default', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'ok' }] };
  const p = pod({ serviceAccountName: 'default', ephemeralContainers: [{ name: 'debug', image: 'x', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'no', key: 'k' } } }] }] });
  await assert.rejects(
    plugin.validate!({ ...attrs(p, { default: sa }), operation: 'UPDATE', subresource: 'ephemeralcontainers' }),
    forbidden('pods "p" is forbidden: ephemeral container debug with envVar X referencing secret.secretName="no" is not allowed because service account default does not reference that secret'),
  );
  await plugin.validate!({ ...attrs(p, { default: {} }), operation: 'UPDATE', subresource: 'ephemeralcontainers' });
});
