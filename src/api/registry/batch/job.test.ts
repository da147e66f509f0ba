import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import { jobResource as def, jobRow } from './job.js';

const uid = '3f1c2d4e-0000-4000-8000-000000000001';

/** What `kubectl create job pi --image=busybox` sends; the pipeline has assigned the uid. */
function kubectlJob(restartPolicy: string | null = 'Never'): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid },
    spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'pi', image: 'busybox', resources: {} }], restartPolicy } } },
    status: {},
  };
}

/** default → prepareForCreate → validate, the create path's order. */
function create(obj: KubeObject): string[] {
  def.strategy.default?.(obj);
  def.strategy.prepareForCreate?.(obj);
  return (def.strategy.validate?.(obj) ?? []).map((e) => formatFieldError(e));
}

function spec(obj: KubeObject): Record<string, unknown> {
  return obj.spec as Record<string, unknown>;
}

test('a kubectl-created job gets upstream defaults', () => {
  const j = kubectlJob();
  assert.deepEqual(create(j), []);
  const s = spec(j);
  assert.deepEqual(
    [s.completions, s.parallelism, s.backoffLimit, s.completionMode, s.suspend, s.manualSelector, s.podReplacementPolicy],
    [1, 1, 6, 'NonIndexed', false, false, 'TerminatingOrFailed'],
  );
});

test('the server generates the controller-uid selector and template labels, and copies them to the job', () => {
  const j = kubectlJob();
  create(j);
  const expected = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': uid, 'job-name': 'pi' };
  assert.deepEqual(spec(j).selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
  assert.deepEqual((spec(j).template as { metadata: { labels: unknown } }).metadata.labels, expected);
  assert.deepEqual(j.metadata.labels, expected);
  assert.deepEqual(j.status, {});
});

test('parallelism alone leaves completions unset', () => {
  const j = kubectlJob();
  spec(j).parallelism = 3;
  create(j);
  assert.equal(spec(j).completions, undefined);
  assert.equal(spec(j).parallelism, 3);
});

test('restartPolicy Always (or unset, which defaults to Always) is refused', () => {
  assert.deepEqual(create(kubectlJob('Always')), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  assert.deepEqual(create(kubectlJob(null)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
});

test('negative counts are rejected', () => {
  const j = kubectlJob();
  Object.assign(spec(j), { backoffLimit: -1, parallelism: -1 });
  assert.deepEqual(create(j), [
    'spec.parallelism: Invalid value: -1: must be greater than or equal to 0',
    'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('a manual selector must be given and match the template', () => {
  const j = kubectlJob();
  spec(j).manualSelector = true;
  assert.deepEqual(create(j), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`']);
  const ok = kubectlJob();
  Object.assign(spec(ok), { manualSelector: true, selector: { matchLabels: { run: 'pi' } } });
  (spec(ok).template as { metadata: Record<string, unknown> }).metadata.labels = { run: 'pi' };
  assert.deepEqual(create(ok), []);
});

test('a conflicting job-name label is rejected', () => {
  const j = kubectlJob();
  (spec(j).template as { metadata: Record<string, unknown> }).metadata.labels = { 'job-name': 'other' };
  const errs = create(j);
  assert.equal(errs.length, 1);
  assert.match(errs[0] ?? '', /^spec\.template\.metadata\.labels\[job-name\]: Invalid value: map\[string\]string\{.*\}: must be 'pi'$/);
});

test('a job created from a cronjob template is accepted', () => {
  const j: KubeObject = {
    metadata: {
      name: 'manual-1',
      namespace: 'default',
      uid,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'hello', uid: 'u2', controller: true }],
    },
    spec: {
      template: {
        metadata: { creationTimestamp: null },
        spec: {
          containers: [{ name: 'hello', image: 'busybox', imagePullPolicy: 'Always', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
          restartPolicy: 'OnFailure',
          dnsPolicy: 'ClusterFirst',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
  assert.deepEqual(create(j), []);
});

test('selector, completions and template are immutable on update', () => {
  const old = kubectlJob();
  create(old);
  const next = structuredClone(old);
  Object.assign(spec(next), { completions: 2, selector: { matchLabels: { x: 'y' } } });
  ((spec(next).template as { spec: { containers: { image: string }[] } }).spec.containers[0] as { image: string }).image = 'busybox:2';
  const errs = (def.strategy.validateUpdate?.(next, old) ?? []).map((e) => formatFieldError(e));
  assert.equal(errs[0], 'spec.completions: Invalid value: 2: field is immutable');
  assert.equal(errs[1], 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"x":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable');
  assert.match(errs[2] ?? '', /^spec\.template: Invalid value: .*: field is immutable$/);
  assert.equal(errs.length, 3);
});

test('a suspended job that never started may change its node selector but not its image', () => {
  const old = kubectlJob();
  spec(old).suspend = true;
  create(old);
  const next = structuredClone(old);
  (spec(next).template as { spec: Record<string, unknown> }).spec.nodeSelector = { zone: 'a' };
  spec(next).suspend = false;
  assert.deepEqual(def.strategy.validateUpdate?.(next, old), []);
  ((spec(next).template as { spec: { containers: { image: string }[] } }).spec.containers[0] as { image: string }).image = 'busybox:2';
  assert.equal(def.strategy.validateUpdate?.(next, old).length, 1);
});

test('the row shows status, completions and duration as kubectl get jobs', () => {
  const j = kubectlJob();
  create(j);
  const now = Date.parse('2025-01-01T00:10:00Z');
  j.metadata.creationTimestamp = '2025-01-01T00:00:00Z';
  j.status = { startTime: '2025-01-01T00:00:00Z', active: 1 };
  assert.deepEqual(jobRow(j, now).slice(0, 5), ['pi', 'Running', '0/1', '10m', '10m']);
  j.status = {
    startTime: '2025-01-01T00:00:00Z',
    completionTime: '2025-01-01T00:00:07Z',
    succeeded: 1,
    conditions: [{ type: 'Complete', status: 'True' }],
  };
  assert.deepEqual(jobRow(j, now).slice(0, 4), ['pi', 'Complete', '1/1', '7s']);
  assert.equal(jobRow(j, now)[7], `batch.kubernetes.io/controller-uid=${uid}`);
  assert.equal(def.strategy.fieldSelectors?.['status.successful']?.(j), '1');
  assert.deepEqual((def.strategy.columns ?? []).map((c) => c.name), ['Name', 'Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
});

test('a parallel job without completions prints N/1 of P', () => {
  const j = kubectlJob();
  spec(j).parallelism = 3;
  create(j);
  assert.equal(jobRow(j)[2], '0/1 of 3');
});
