import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFieldError } from '../field.js';
import { defaultPod } from '../defaults/pod.js';
import { validatePodSpec, validatePodTemplateSpec } from './pod.js';

/** Defaults then validates, as the API server does; returns kubectl-style messages. */
function check(spec: Record<string, unknown>): string[] {
  const pod: Record<string, unknown> = { spec };
  defaultPod(pod);
  return validatePodSpec(pod.spec, 'spec').map((e) => formatFieldError(e));
}

const c = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'app', image: 'nginx', ...extra });

test('a minimal pod is valid', () => {
  assert.deepEqual(check({ containers: [c()] }), []);
});

test('containers are required', () => {
  assert.deepEqual(check({ containers: [] }), ['spec.containers: Required value']);
});

test('container names must be DNS labels and unique; images are required', () => {
  const errs = check({ containers: [{ name: 'Web', image: 'x' }, { name: 'a' }, { name: 'a', image: 'y' }] });
  assert.equal(errs.length, 3);
  assert.match(errs[0] ?? '', /^spec\.containers\[0\]\.name: Invalid value: "Web": a lowercase RFC 1123 label/);
  assert.equal(errs[1], 'spec.containers[1].image: Required value');
  assert.equal(errs[2], 'spec.containers[2].name: Duplicate value: "a"');
});

test('ports must be in range with a known protocol', () => {
  const errs = check({ containers: [c({ ports: [{ containerPort: 70000 }, { containerPort: 80, protocol: 'ICMP' }] })] });
  assert.deepEqual(errs, [
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
  ]);
});

test('restartPolicy and dnsPolicy are enumerations', () => {
  const errs = check({ containers: [c()], restartPolicy: 'Sometimes', dnsPolicy: 'Weird' });
  assert.deepEqual(errs, [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Weird": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
});

test('volume mounts must name a volume', () => {
  assert.deepEqual(check({ containers: [c({ volumeMounts: [{ name: 'x', mountPath: '/x' }] })] }), ['spec.containers[0].volumeMounts[0].name: Not found: "x"']);
});

test('a volume with two sources is forbidden; names are unique', () => {
  const errs = check({ containers: [c()], volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/tmp' } }, { name: 'v', emptyDir: {} }] });
  assert.deepEqual(errs, ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type', 'spec.volumes[1].name: Duplicate value: "v"']);
});

test('requests may not exceed limits', () => {
  const errs = check({ containers: [c({ resources: { limits: { cpu: '1' }, requests: { cpu: '2' } } })] });
  assert.deepEqual(errs, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
});

test('unknown resource names are not standard', () => {
  const errs = check({ containers: [c({ resources: { limits: { gpu: '1' } } })] });
  assert.ok(errs.includes('spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers'));
});

test('env var names are checked and valueFrom needs exactly one source', () => {
  const errs = check({ containers: [c({ env: [{ name: '1X', value: 'a' }, { name: 'OK', valueFrom: {} }] })] });
  assert.equal(errs.length, 2);
  assert.match(errs[0] ?? '', /^spec\.containers\[0\]\.env\[0\]\.name: Invalid value: "1X": a valid environment variable name must consist of/);
  assert.equal(errs[1], 'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
});

test('a probe needs a handler', () => {
  assert.deepEqual(check({ containers: [c({ livenessProbe: { periodSeconds: 5 } })] }), ['spec.containers[0].livenessProbe: Required value: must specify a handler type']);
});

test('tolerations with an empty key must use Exists', () => {
  assert.deepEqual(check({ containers: [c()], tolerations: [{ operator: 'Equal', value: 'x' }] }), [
    'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
  ]);
});

test('template validation prefixes paths', () => {
  const errs = validatePodTemplateSpec({ metadata: { labels: { 'a b': 'x' } }, spec: { containers: [] } }, 'spec.template');
  assert.deepEqual(
    errs.map((e) => e.field),
    ['spec.template.metadata.labels', 'spec.template.spec.containers', 'spec.template.spec.restartPolicy', 'spec.template.spec.dnsPolicy'],
  );
});

const nodeAffinity = (expr: Record<string, unknown>) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } });
const naPath = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]';

test('an unknown node affinity operator is rejected with the supported values', () => {
  assert.deepEqual(check({ containers: [c()], affinity: nodeAffinity({ key: 'disktype', operator: 'Foo', values: ['ssd'] }) }), [
    `${naPath}.operator: Unsupported value: "Foo": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"`,
  ]);
});

test('node affinity values follow the operator: In needs values, Exists forbids them, Gt takes one', () => {
  assert.deepEqual(check({ containers: [c()], affinity: nodeAffinity({ key: 'a', operator: 'In' }) }), [`${naPath}.values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`]);
  assert.deepEqual(check({ containers: [c()], affinity: nodeAffinity({ key: 'a', operator: 'Exists', values: ['x'] }) }), [`${naPath}.values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`]);
  assert.deepEqual(check({ containers: [c()], affinity: nodeAffinity({ key: 'a', operator: 'Gt', values: ['1', '2'] }) }), [`${naPath}.values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`]);
  assert.deepEqual(check({ containers: [c()], affinity: nodeAffinity({ key: 'a', operator: 'Lt', values: ['5'] }) }), []);
});

test('a required node affinity needs at least one term, and preferred weights are 1-100', () => {
  const errs = check({
    containers: [c()],
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }] } },
  });
  assert.deepEqual(errs, [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term',
    'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
  ]);
});

test('matchFields accept only metadata.name with one value', () => {
  const errs = check({ containers: [c()], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'spec.x', operator: 'In', values: ['a', 'b'] }] }] } } } });
  const p = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0]';
  assert.deepEqual(errs, [`${p}.values: Required value: must be only one value when \`operator\` is 'In' or 'NotIn' for node field selector`, `${p}.key: Invalid value: "spec.x": not a valid field selector key`]);
});

test('a pod anti-affinity term needs a topologyKey', () => {
  const errs = check({ containers: [c()], affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'x' } }, topologyKey: '' }] } } });
  assert.equal(errs[0], 'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty');
  assert.ok(errs.slice(1).every((e) => e.startsWith('spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty') || e.includes('name part must consist of')));
});

test('pod affinity topologyKey must be a qualified name and selectors valid', () => {
  const errs = check({
    containers: [c()],
    affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'app', operator: 'Bad' }] }, topologyKey: 'bad key!' } }] } },
  });
  const p = 'spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm';
  assert.equal(errs[0], `${p}.labelSelector.matchExpressions[0].operator: Invalid value: "Bad": not a valid selector operator`);
  assert.match(errs[1] ?? '', new RegExp(`^${p.replace(/[[\].]/g, '\\$&')}\\.topologyKey: Invalid value: "bad key!": name part must consist of alphanumeric characters`));
});

test('topology spread constraints need maxSkew > 0, a topologyKey and a supported whenUnsatisfiable', () => {
  const errs = check({ containers: [c()], topologySpreadConstraints: [{ maxSkew: 0, topologyKey: '', whenUnsatisfiable: 'Sometimes', labelSelector: { matchLabels: { app: 'x' } } }] });
  assert.deepEqual(errs, [
    'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    'spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty',
    'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Sometimes": supported values: "DoNotSchedule", "ScheduleAnyway"',
  ]);
});

test('valid affinity, anti-affinity and spreading pass', () => {
  const sel = { labelSelector: { matchLabels: { app: 'web-store' } }, topologyKey: 'kubernetes.io/hostname' };
  assert.deepEqual(
    check({
      containers: [c()],
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [sel] }, podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: sel }] } },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } }, minDomains: 3 }],
    }),
    [],
  );
});
