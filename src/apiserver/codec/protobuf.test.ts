import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import { ApiError } from '../../api/errors.js';
import { decodeProtobuf, supportedProtobufKinds } from './protobuf.js';
import { PROTOBUF_KINDS, PROTOBUF_MESSAGES } from './protobuf-types-all.js';
import { SPECIAL_MESSAGES } from './protobuf-types-schema.js';
import { formatDuration, formatTime } from './protobuf-types-wellknown.js';

// A hand encoder with field numbers typed from generated.proto, independent of our tables, so a
// wrong number in a table fails here instead of confirming itself.
type Part = Uint8Array;
const cat = (parts: Part[]): Uint8Array => Uint8Array.from(Buffer.concat(parts));
const w = (): protobuf.Writer => protobuf.Writer.create();
const s = (no: number, v: string): Part => w().uint32((no << 3) | 2).string(v).finish();
const b = (no: number, v: Uint8Array): Part => w().uint32((no << 3) | 2).bytes(v).finish();
const n = (no: number, v: number): Part => w().uint32(no << 3).int64(v).finish();
const t = (no: number, v: boolean): Part => w().uint32(no << 3).bool(v).finish();
const m = (no: number, ...parts: Part[]): Part => b(no, cat(parts));
/** map<string,string> entry, or map<string,message> when given parts. */
const e = (no: number, key: string, value: string | Part[]): Part =>
  m(no, s(1, key), typeof value === 'string' ? s(2, value) : m(2, ...value));
const quantity = (no: number, v: string): Part => m(no, s(1, v));
const intStr = (no: number, v: number | string): Part =>
  typeof v === 'number' ? m(no, n(1, 0), n(2, v)) : m(no, n(1, 1), s(3, v));
/** The ObjectMeta gogo writes for a fresh object: every non-pointer field, even when empty. */
const meta = (name: string, ...extra: Part[]): Part =>
  m(1, s(1, name), s(2, ''), s(3, ''), s(4, ''), s(5, ''), s(6, ''), n(7, 0), m(8), ...extra);
const envelope = (apiVersion: string, kind: string, ...raw: Part[]): Uint8Array =>
  cat([Uint8Array.of(0x6b, 0x38, 0x73, 0x00), m(1, s(1, apiVersion), s(2, kind)), m(2, ...raw), s(3, ''), s(4, '')]);
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/[^0-9a-f]/gi, ''), 'hex'));
/** Fixtures stay in the source tree; the compiled test (dist/src/...) reads them from there. */
const sourceDir = new URL(import.meta.url.replace('/dist/src/', '/src/'));
const fixture = (name: string): Uint8Array =>
  hex(readFileSync(new URL(`./testdata/${name}.hex`, sourceDir), 'utf8'));

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an ApiError');
}

describe('decodeProtobuf: wire vectors from kubectl-wire.md §3', () => {
  test('the 54-byte create configmap body decodes to the JSON kubectl would send', () => {
    const body = hex(
      '6b387300 0a0f 0a027631 1209 436f6e6669674d6170 121b 0a11 0a0178 1200 1a00 2200 2a00 3200 3800 4200 1206 0a0161 120162 1a00 2200',
    );
    assert.equal(body.length, 54);
    assert.deepEqual(decodeProtobuf(body), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  });

  test('the 31-byte drain DeleteOptions body with an empty raw decodes to a bare DeleteOptions', () => {
    const body = hex('6b387300 0a13 0a027631 120d 44656c6574654f7074696f6e73 1200 1a00 2200');
    assert.equal(body.length, 31);
    assert.deepEqual(decodeProtobuf(body), { apiVersion: 'v1', kind: 'DeleteOptions' });
  });
});

describe('decodeProtobuf: bodies captured from real kubectl (testdata/)', () => {
  // Expected values are `kubectl create ... -o json --dry-run=client` minus creationTimestamp:null.
  const cases: [string, Record<string, unknown>][] = [
    ['kubectl-1.33-create-deployment', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3, selector: { matchLabels: { app: 'web' } }, strategy: {},
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }], resources: {} }] },
        },
      },
      status: {},
    }],
    ['kubectl-1.33-create-secret-generic', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'dg==' } }],
    ['kubectl-1.33-create-service-clusterip', {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 's', labels: { app: 's' } },
      spec: { ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }], selector: { app: 's' }, type: 'ClusterIP' },
      status: { loadBalancer: {} },
    }],
    ['kubectl-1.33-create-configmap', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } }],
    ['kubectl-1.33-create-namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' }, spec: {}, status: {} }],
    ['kubectl-1.33-create-serviceaccount', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa1' } }],
    ['kubectl-1.33-create-token', {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: {
        audiences: ['aud1', 'aud2'], expirationSeconds: 3600,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u-1' },
      },
      status: { token: '' },
    }],
    ['kubectl-1.33-auth-can-i-resource', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods', subresource: 'log' } },
      status: { allowed: false },
    }],
    ['kubectl-1.33-auth-can-i-nonresource', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' } }, status: { allowed: false },
    }],
    ['kubectl-1.33-auth-can-i-list', {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {},
      spec: { namespace: 'default' }, status: { incomplete: false },
    }],
    ['kubectl-1.33-auth-whoami-v1', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: {} } }],
    ['kubectl-1.33-auth-whoami-v1beta1', { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'SelfSubjectReview', metadata: {}, status: { userInfo: {} } }],
    ['kubectl-1.33-autoscale-v2', {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
      status: { desiredReplicas: 0 },
    }],
    ['kubectl-1.32-autoscale-v1', {
      apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, maxReplicas: 4 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    }],
    ['kubectl-1.33-drain-disable-eviction', { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 7 }],
  ];
  for (const [name, want] of cases) {
    test(`${name} decodes to the object kubectl meant`, () => {
      assert.deepEqual(decodeProtobuf(fixture(name)), want);
    });
  }
});

describe('decodeProtobuf: every kubectl create subcommand (testdata/*.dry-run.json is kubectl -o json --dry-run=client)', () => {
  const names = ['job', 'cronjob', 'role', 'rolebinding', 'clusterrole', 'clusterrolebinding', 'quota', 'priorityclass',
    'poddisruptionbudget', 'ingress', 'secret-docker-registry', 'service-nodeport', 'service-externalname'];
  for (const name of names) {
    test(`create ${name} decodes to what kubectl prints for the same object`, () => {
      const want: unknown = JSON.parse(readFileSync(new URL(`./testdata/kubectl-1.33-create-${name}.dry-run.json`, sourceDir), 'utf8'));
      assert.deepEqual(decodeProtobuf(fixture(`kubectl-1.33-create-${name}`)), want);
    });
  }

  test('debug node creates a host-namespaced Pod', () => {
    assert.deepEqual(decodeProtobuf(fixture('kubectl-1.33-debug-node')), {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'node-debugger-n1-tm84k' },
      spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [{
          name: 'debugger', image: 'busybox', command: ['true'], resources: {},
          volumeMounts: [{ name: 'host-root', mountPath: '/host' }], terminationMessagePolicy: 'File',
        }],
        restartPolicy: 'Never', nodeName: 'n1', hostNetwork: true, hostPID: true, hostIPC: true, tolerations: [{ operator: 'Exists' }],
      },
      status: {},
    });
  });

  test('certificate approve PUTs the CSR back with request bytes, extra lists and an Approved condition', () => {
    // The recorder served this CSR as JSON; kubectl re-encoded it as protobuf with the condition added.
    const got = decodeProtobuf(fixture('kubectl-1.33-certificate-approve'));
    assert.deepEqual(got.metadata, { name: 'csr1', uid: 'c1', resourceVersion: '5', creationTimestamp: '2024-01-02T03:04:05Z' });
    assert.deepEqual(got.spec, {
      request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----').toString('base64'), username: 'alice',
      groups: ['system:authenticated'], usages: ['client auth'], extra: { 'scopes.example': ['a', 'b'] },
      signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 3600,
    });
    const conditions = (got.status as { conditions: Record<string, unknown>[] }).conditions;
    assert.equal(conditions.length, 1);
    assert.equal(conditions[0]?.type, 'Approved');
    assert.equal(conditions[0]?.reason, 'KubectlApprove');
    assert.match(String(conditions[0]?.lastUpdateTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });
});

describe('decodeProtobuf: hand-encoded objects', () => {
  test('a Deployment keeps pointer zeros, inlines embedded structs and converts well-known types', () => {
    const container = [
      s(1, 'app'), s(2, 'nginx:1.27'), s(3, 'sh'), s(3, '-c'),
      m(6, s(1, 'http'), n(2, 0), n(3, 8080), s(4, 'TCP'), s(5, '')),
      m(7, s(1, 'MODE'), s(2, ''), m(3, m(3, m(1, s(1, 'cfg')), s(2, 'mode'), t(3, false)))),
      m(8, e(1, 'cpu', [s(1, '500m')]), e(2, 'memory', [s(1, '64Mi')])),
      m(10, m(1, m(2, s(1, '/healthz'), intStr(2, 'http'), s(4, 'HTTP'))), n(2, 0), n(4, 10), n(6, 3)),
      m(15, t(2, false), n(4, 0), t(5, true)),
      s(13, '/dev/termination-log'), t(16, false),
    ];
    const podSpec = [
      m(1, s(1, 'config'), m(2, m(19, m(1, s(1, 'cfg')), m(2, s(1, 'a'), s(2, 'a.txt')), n(3, 420)))),
      m(2, ...container),
      s(3, 'Always'), n(4, 30), s(6, 'ClusterFirst'), e(7, 'disk', 'ssd'),
      m(14, n(2, 1000), w().uint32((4 << 3) | 2).fork().int64(5).int64(6).ldelim().finish()),
      m(22, s(1, 'node.kubernetes.io/not-ready'), s(2, 'Exists'), s(3, ''), s(4, 'NoExecute'), n(5, 300)),
      m(33, n(1, 1), s(2, 'topology.kubernetes.io/zone'), s(3, 'DoNotSchedule'), m(4, e(1, 'app', 'web'))),
    ];
    const body = envelope('apps/v1', 'Deployment',
      meta('web',
        e(11, 'app', 'web'), e(12, 'note', ''),
        m(13, s(1, 'ReplicaSet'), s(3, 'rs'), s(4, 'u1'), s(5, 'apps/v1'), t(6, true)),
        m(17, s(1, 'kubectl'), s(2, 'Update'), s(3, 'apps/v1'), m(4, n(1, 1704164645)), s(6, 'FieldsV1'),
          m(7, b(1, new TextEncoder().encode('{"f:spec":{}}'))))),
      m(2,
        n(1, 0),
        m(2, m(2, s(1, 'tier'), s(2, 'In'), s(3, 'web'), s(3, 'api'))),
        m(3, m(1, s(1, ''), e(11, 'app', 'web'), m(8)), m(2, ...podSpec)),
        m(4, s(1, 'RollingUpdate'), m(2, intStr(1, 0), intStr(2, '25%'))),
        n(5, 0), n(6, 10), t(7, false)),
      m(3));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'apps/v1', kind: 'Deployment',
      metadata: {
        name: 'web', labels: { app: 'web' }, annotations: { note: '' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: 'u1', apiVersion: 'apps/v1', controller: true }],
        managedFields: [{
          manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-02T03:04:05Z',
          fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} },
        }],
      },
      spec: {
        replicas: 0,
        selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            volumes: [{ name: 'config', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt' }], defaultMode: 420 } }],
            containers: [{
              name: 'app', image: 'nginx:1.27', command: ['sh', '-c'],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode', optional: false } } }],
              resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
              livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 },
              securityContext: { privileged: false, runAsUser: 0, runAsNonRoot: true },
              terminationMessagePath: '/dev/termination-log',
            }],
            restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', nodeSelector: { disk: 'ssd' },
            securityContext: { runAsUser: 1000, supplementalGroups: [5, 6] },
            tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
            topologySpreadConstraints: [{
              maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
              labelSelector: { matchLabels: { app: 'web' } },
            }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 10,
      },
      status: {},
    });
  });

  test('Secret bytes become base64 and stringData, type and a false immutable are kept', () => {
    const body = envelope('v1', 'Secret', meta('s', s(3, 'team')),
      e(2, 'bin', ''), m(2, s(1, 'raw'), b(2, Uint8Array.of(0, 1, 0xfe, 0xff))), e(4, 'plain', 'text'), s(3, 'Opaque'), t(5, false));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'team' },
      data: { bin: '', raw: 'AAH+/w==' }, stringData: { plain: 'text' }, type: 'Opaque', immutable: false,
    });
  });

  test('Service ports keep port 0 out only where Go omits it and read a named targetPort', () => {
    const body = envelope('v1', 'Service', meta('api'),
      m(2, m(1, s(1, 'web'), s(2, 'TCP'), n(3, 443), intStr(4, 'https'), n(5, 0)), e(2, 'app', 'api'),
        s(3, 'None'), s(18, 'None'), s(4, 'ClusterIP'), s(7, 'ClientIP'), m(14, m(1, n(1, 10800))),
        t(13, false), s(19, 'IPv4'), s(17, 'SingleStack')),
      m(3, m(1)));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' },
      spec: {
        ports: [{ name: 'web', protocol: 'TCP', port: 443, targetPort: 'https' }], selector: { app: 'api' },
        clusterIP: 'None', clusterIPs: ['None'], type: 'ClusterIP', sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack',
      },
      status: { loadBalancer: {} },
    });
  });

  test('a TokenRequest carries audiences, expirationSeconds and boundObjectRef', () => {
    const body = envelope('authentication.k8s.io/v1', 'TokenRequest', meta(''),
      m(2, s(1, 'https://kubernetes.default.svc'), n(4, 600), m(3, s(1, 'Secret'), s(2, 'v1'), s(3, 'tok'), s(4, 'uid-9'))),
      m(3, s(1, ''), m(2)));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: {},
      spec: {
        audiences: ['https://kubernetes.default.svc'], expirationSeconds: 600,
        boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'tok', uid: 'uid-9' },
      },
      status: { token: '' },
    });
  });

  test('a SelfSubjectAccessReview carries resource attributes with field and label selectors', () => {
    const body = envelope('authorization.k8s.io/v1', 'SelfSubjectAccessReview', meta(''),
      m(2, m(1, s(1, 'default'), s(2, 'list'), s(3, 'apps'), s(4, ''), s(5, 'deployments'), s(6, ''), s(7, ''),
        m(8, s(1, 'metadata.name=web')), m(9, m(2, s(1, 'app'), s(2, 'Exists'))))),
      m(3, t(1, false), t(4, false), s(2, ''), s(3, '')));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {},
      spec: {
        resourceAttributes: {
          namespace: 'default', verb: 'list', group: 'apps', resource: 'deployments',
          fieldSelector: { rawSelector: 'metadata.name=web' }, labelSelector: { requirements: [{ key: 'app', operator: 'Exists' }] },
        },
      },
      status: { allowed: false },
    });
  });

  test('an autoscaling/v2 HPA decodes metrics, quantities and behavior with a zero stabilization window', () => {
    const body = envelope('autoscaling/v2', 'HorizontalPodAutoscaler', meta('web'),
      m(2, m(1, s(1, 'Deployment'), s(2, 'web'), s(3, 'apps/v1')), n(2, 1), n(3, 10),
        m(4, s(1, 'Pods'), m(3, m(1, s(1, 'rps'), m(2, e(1, 'tier', 'web'))), m(2, s(1, 'AverageValue'), quantity(3, '100')))),
        m(4, s(1, 'Resource'), m(4, s(1, 'memory'), m(2, s(1, 'Utilization'), n(4, 0)))),
        m(5, m(1, n(3, 0), s(1, 'Max'), m(2, s(1, 'Percent'), n(2, 100), n(3, 15))), m(2, quantity(4, '0.1')))),
      m(3, n(3, 0), n(4, 0)));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' },
      spec: {
        scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 10,
        metrics: [
          { type: 'Pods', pods: { metric: { name: 'rps', selector: { matchLabels: { tier: 'web' } } }, target: { type: 'AverageValue', averageValue: '100' } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 0 } } },
        ],
        behavior: {
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
          scaleDown: { tolerance: '0.1' },
        },
      },
      // v2 currentReplicas is omitempty (v1's is not): only desiredReplicas survives.
      status: { desiredReplicas: 0 },
    });
  });

  test('DeleteOptions keep a zero grace period, preconditions, propagationPolicy and dryRun', () => {
    const body = envelope('v1', 'DeleteOptions', n(1, 0), m(2, s(1, 'uid-1'), s(2, '42')), t(3, false), s(4, 'Foreground'), s(5, 'All'));
    assert.deepEqual(decodeProtobuf(body), {
      apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'uid-1', resourceVersion: '42' },
      orphanDependents: false, propagationPolicy: 'Foreground', dryRun: ['All'],
    });
  });

  test('DeleteOptions are accepted under any group version, and an Eviction embeds them', () => {
    assert.deepEqual(decodeProtobuf(envelope('apps/v1', 'DeleteOptions', s(4, 'Orphan'))), {
      apiVersion: 'apps/v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan',
    });
    assert.deepEqual(decodeProtobuf(envelope('policy/v1', 'Eviction', meta('p1', s(3, 'default')), m(2, n(1, 5)))), {
      apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p1', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 5 },
    });
  });

  test('a "__proto__" map key stays an ordinary key', () => {
    const got = decodeProtobuf(envelope('v1', 'ConfigMap', meta('x', e(11, '__proto__', 'polluted')), e(2, 'a', 'b')));
    const labels = (got.metadata as Record<string, unknown>).labels as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(labels), Object.prototype);
    assert.deepEqual(Object.entries(labels), [['__proto__', 'polluted']]);
  });

  test('fields newer than our tables are skipped, as Go skips unknown fields', () => {
    const body = envelope('v1', 'ConfigMap', meta('x', s(99, 'future')), e(2, 'a', 'b'), n(77, 5));
    assert.deepEqual(decodeProtobuf(body), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
  });
});

describe('decodeProtobuf: errors', () => {
  test('a body without the k8s magic is a 400 BadRequest', () => {
    const err = apiError(() => decodeProtobuf(new TextEncoder().encode('{"kind":"ConfigMap"}')));
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.match(err.message, /magic/);
  });

  test('a truncated body is a 400 BadRequest', () => {
    const full = fixture('kubectl-1.33-create-deployment');
    for (const cut of [6, 20, 40, full.length - 5]) {
      const err = apiError(() => decodeProtobuf(full.subarray(0, cut)));
      assert.equal(err.code, 400, `cut at ${cut}`);
    }
  });

  test('a field with the wrong wire type is a 400 naming the field', () => {
    const err = apiError(() => decodeProtobuf(envelope('v1', 'ConfigMap', meta('x', n(1, 5)))));
    assert.equal(err.code, 400);
    assert.match(err.message, /name/);
  });

  test('a kind without a table is a 415 that tells the client to send JSON', () => {
    const err = apiError(() => decodeProtobuf(envelope('storage.k8s.io/v1', 'StorageClass', meta('fast'))));
    assert.equal(err.code, 415);
    assert.equal(err.reason, 'UnsupportedMediaType');
    assert.equal(err.message, 'protobuf decoding of storage.k8s.io/v1 StorageClass is not supported by this server; send JSON');
  });
});

describe('well-known message JSON forms', () => {
  test('Time prints whole-second RFC3339 and MicroTime six fractional digits', () => {
    assert.equal(formatTime(1704164645, 123456789, false), '2024-01-02T03:04:05Z');
    assert.equal(formatTime(1704164645, 123456789, true), '2024-01-02T03:04:05.123456Z');
    assert.equal(formatTime(1704164645, 0, true), '2024-01-02T03:04:05.000000Z');
  });

  test('Duration prints like Go time.Duration.String()', () => {
    assert.equal(formatDuration(0), '0s');
    assert.equal(formatDuration(3600e9), '1h0m0s');
    assert.equal(formatDuration(90e9), '1m30s');
    assert.equal(formatDuration(1.5e9), '1.5s');
    assert.equal(formatDuration(150e6), '150ms');
    assert.equal(formatDuration(1500), '1.5µs');
    assert.equal(formatDuration(-2e9), '-2s');
  });
});

describe('protobuf tables', () => {
  test('every referenced message type has a table or a built-in conversion', () => {
    const known = new Set<string>([...PROTOBUF_MESSAGES.keys(), ...SPECIAL_MESSAGES]);
    for (const [name, fields] of PROTOBUF_MESSAGES) {
      const nos = new Set(fields.map((f) => f.no));
      assert.equal(nos.size, fields.length, `duplicate field number in ${name}`);
      for (const f of fields) {
        if (f.kind === 'message') assert.ok(f.type && known.has(f.type), `${name}.${f.json} → ${f.type}`);
        if (f.kind === 'map') assert.ok(f.type && (f.type === 'string' || f.type === 'bytes' || known.has(f.type)), `${name}.${f.json}`);
      }
    }
  });

  test('supportedProtobufKinds lists every kind kubectl sends as protobuf', () => {
    const kinds = supportedProtobufKinds();
    for (const k of ['apps/v1/Deployment', 'v1/ConfigMap', 'v1/Secret', 'v1/Namespace', 'v1/Service', 'v1/ServiceAccount',
      'authentication.k8s.io/v1/TokenRequest', 'authorization.k8s.io/v1/SelfSubjectAccessReview',
      'authorization.k8s.io/v1/SelfSubjectRulesReview', 'authentication.k8s.io/v1/SelfSubjectReview',
      'authentication.k8s.io/v1beta1/SelfSubjectReview', 'autoscaling/v2/HorizontalPodAutoscaler',
      'autoscaling/v1/HorizontalPodAutoscaler', 'v1/DeleteOptions', 'policy/v1/Eviction']) {
      assert.ok(kinds.includes(k), k);
      assert.ok(PROTOBUF_MESSAGES.has(PROTOBUF_KINDS[k] ?? ''), k);
    }
  });
});
