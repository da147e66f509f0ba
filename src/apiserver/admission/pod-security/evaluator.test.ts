import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { aggregate, Evaluator, forbiddenDetail } from './evaluator.js';
import type { LevelVersion } from './api.js';

const evaluator = new Evaluator();
const reasons = (lv: LevelVersion, spec: PodSpec) => aggregate(evaluator.evaluate(lv, {}, spec)).reasons;
const rootPod: PodSpec = { securityContext: { runAsUser: 0 }, containers: [{ name: 'c', image: 'x:1', securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }] };

describe('Pod Security evaluator', () => {
  it('runs nothing for privileged', () => {
    assert.deepEqual(reasons({ level: 'privileged', version: { latest: true } }, rootPod), []);
  });

  it('runs the restricted capabilities check instead of the baseline one', () => {
    assert.deepEqual(reasons({ level: 'baseline', version: { latest: true } }, rootPod), ['non-default capabilities']);
    assert.deepEqual(reasons({ level: 'restricted', version: { latest: true } }, rootPod), ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'runAsUser=0', 'seccompProfile']);
  });

  it('applies the checks of the requested version: runAsUser only from v1.23', () => {
    assert.ok(!reasons({ level: 'restricted', version: { latest: false, minor: 22 } }, rootPod).includes('runAsUser=0'));
    assert.ok(reasons({ level: 'restricted', version: { latest: false, minor: 99 } }, rootPod).includes('runAsUser=0'));
  });

  it('formats details in parentheses after each reason', () => {
    const r = aggregate(evaluator.evaluate({ level: 'baseline', version: { latest: true } }, {}, { hostIPC: true, containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 1, hostPort: 9 }] }] }));
    assert.equal(forbiddenDetail(r), 'host namespaces (hostIPC=true), hostPort (container "c" uses hostPort 9)');
  });
});
