import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiError } from '../../api/errors.js';
import { podResource } from '../../api/registry/core/pod.js';
import type { AdmissionAttributes } from './types.js';
import { priorityAdmission } from './priority.js';

const classes: Record<string, KubeObject> = {
  high: { metadata: { name: 'high' }, value: 1000 },
  polite: { metadata: { name: 'polite' }, value: 500, preemptionPolicy: 'Never' },
};

function attrs(spec: Record<string, unknown>, extra: KubeObject[] = []): AdmissionAttributes {
  const all = [...Object.values(classes), ...extra];
  return {
    operation: 'CREATE',
    def: podResource,
    namespace: 'default',
    name: 'p',
    subresource: '',
    object: { metadata: { name: 'p' }, spec },
    user: { name: 'admin', groups: ['system:masters'] },
    dryRun: false,
    warn: () => {},
    get: (_g, _r, _ns, n) => Promise.resolve(all.find((c) => c.metadata.name === n)),
    list: () => Promise.resolve(all),
  };
}

const specOf = (a: AdmissionAttributes) => a.object!.spec as Record<string, unknown>;

describe('Priority admission', () => {
  it('resolves priorityClassName into priority and the class preemptionPolicy', async () => {
    const a = attrs({ priorityClassName: 'polite' });
    await priorityAdmission.admit!(a);
    assert.equal(specOf(a).priority, 500);
    assert.equal(specOf(a).preemptionPolicy, 'Never');
  });

  it('gives priority 0 and PreemptLowerPriority without a class or a global default', async () => {
    const a = attrs({});
    await priorityAdmission.admit!(a);
    assert.equal(specOf(a).priority, 0);
    assert.equal(specOf(a).preemptionPolicy, 'PreemptLowerPriority');
    assert.equal(specOf(a).priorityClassName, undefined);
  });

  it('uses the globalDefault class for pods that name none', async () => {
    const a = attrs({}, [{ metadata: { name: 'everyone' }, value: 7, globalDefault: true }]);
    await priorityAdmission.admit!(a);
    assert.equal(specOf(a).priority, 7);
    assert.equal(specOf(a).priorityClassName, 'everyone');
  });

  it('forbids a missing class and a conflicting explicit priority with upstream messages', async () => {
    await assert.rejects(priorityAdmission.admit!(attrs({ priorityClassName: 'nope' })), (e: unknown) => e instanceof ApiError && e.code === 403 && e.message === 'pods "p" is forbidden: no PriorityClass with name nope was found');
    await assert.rejects(
      priorityAdmission.admit!(attrs({ priorityClassName: 'high', priority: 5 })),
      (e: unknown) => e instanceof ApiError && e.message.endsWith('the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name'),
    );
  });
});
