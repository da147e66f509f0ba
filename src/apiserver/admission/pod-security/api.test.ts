import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { levelVersionString, policyToEvaluate } from './api.js';

const show = (labels: Record<string, string>) => {
  const { policy, errors } = policyToEvaluate(labels);
  return { enforce: levelVersionString(policy.enforce), audit: levelVersionString(policy.audit), warn: levelVersionString(policy.warn), errors: errors.length };
};

describe('Pod Security namespace labels', () => {
  it('default to privileged:latest in every mode', () => {
    assert.deepEqual(show({}), { enforce: 'privileged:latest', audit: 'privileged:latest', warn: 'privileged:latest', errors: 0 });
  });

  it('read levels and v1.x versions per mode', () => {
    assert.deepEqual(show({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.25', 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'latest' }),
      { enforce: 'baseline:v1.25', audit: 'restricted:latest', warn: 'restricted:latest', errors: 0 });
  });

  it('make an unset warn level follow a stricter enforce level and its version', () => {
    assert.deepEqual(show({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.29' }), { enforce: 'baseline:v1.29', audit: 'privileged:latest', warn: 'baseline:v1.29', errors: 0 });
  });

  it('fail closed for enforce and open for audit and warn on invalid values', () => {
    assert.deepEqual(show({ 'pod-security.kubernetes.io/enforce': 'nope', 'pod-security.kubernetes.io/audit': 'nope', 'pod-security.kubernetes.io/warn': 'nope', 'pod-security.kubernetes.io/audit-version': 'v2.0' }),
      { enforce: 'restricted:latest', audit: 'privileged:latest', warn: 'privileged:latest', errors: 4 });
  });
});
