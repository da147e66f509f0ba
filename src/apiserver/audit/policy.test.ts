import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditPolicyError, evaluatePolicy, loadPolicyFile, parsePolicy, type PolicyAttributes } from './policy.js';

const alice = { name: 'alice', groups: ['dev', 'system:authenticated'] };

function attrs(over: Partial<PolicyAttributes> = {}): PolicyAttributes {
  return { user: alice, verb: 'get', isResourceRequest: true, path: '/api/v1/namespaces/default/pods/p', group: '', resource: 'pods', subresource: '', namespace: 'default', name: 'p', ...over };
}

const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    users: ["system:kube-proxy"]
    verbs: [watch]
  - level: RequestResponse
    resources:
      - group: ""
        resources: ["pods/log", "pods/status"]
  - level: Request
    resources:
      - group: apps
        resources: ["deployments"]
        resourceNames: [web]
    omitStages: [ResponseStarted]
  - level: Metadata
    resources:
      - group: ""
        resources: ["*/exec"]
      - group: ""
        resources: ["configmaps/*"]
  - level: None
    nonResourceURLs: ["/healthz*", "/version"]
  - level: Request
    userGroups: [dev]
    namespaces: [default]
  - level: Metadata
    omitManagedFields: true
`);

test('the first matching rule decides the level, even when a later rule also matches', () => {
  assert.equal(evaluatePolicy(policy, attrs()).level, 'Request'); // the userGroups/namespaces rule, before the catch-all
  assert.equal(evaluatePolicy(policy, attrs({ subresource: 'log' })).level, 'RequestResponse');
});

test('users and verbs narrow a rule', () => {
  const proxy = { name: 'system:kube-proxy', groups: ['system:authenticated'] };
  assert.equal(evaluatePolicy(policy, attrs({ user: proxy, verb: 'watch' })).level, 'None');
  assert.equal(evaluatePolicy(policy, attrs({ user: proxy, verb: 'list' })).level, 'Metadata');
});

test('resourceNames restrict a resource rule to those objects', () => {
  const dep = attrs({ group: 'apps', resource: 'deployments', name: 'web' });
  assert.equal(evaluatePolicy(policy, dep).level, 'Request');
  assert.equal(evaluatePolicy(policy, { ...dep, name: 'other', user: { name: 'bob', groups: [] } }).level, 'Metadata');
});

test('"*/sub" and "res/*" match subresources, and a plain resource does not match its subresources', () => {
  const bob = { name: 'bob', groups: [] };
  assert.equal(evaluatePolicy(policy, attrs({ user: bob, resource: 'pods', subresource: 'exec' })).level, 'Metadata');
  assert.equal(evaluatePolicy(policy, attrs({ user: bob, resource: 'configmaps', subresource: 'anything' })).level, 'Metadata');
  const p = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Request\n    resources: [{group: "", resources: [pods]}]\n');
  assert.equal(evaluatePolicy(p, attrs({ subresource: 'log' })).level, 'None');
  assert.equal(evaluatePolicy(p, attrs()).level, 'Request');
});

test('nonResourceURLs match only non-resource requests, with a trailing * as a prefix', () => {
  const nr = (path: string) => attrs({ isResourceRequest: false, path, resource: '', namespace: '', name: '' });
  assert.equal(evaluatePolicy(policy, nr('/healthz/ping')).level, 'None');
  assert.equal(evaluatePolicy(policy, nr('/version')).level, 'None');
  assert.equal(evaluatePolicy(policy, nr('/apis')).level, 'Metadata');
  // a namespaces rule never matches a non-resource request
  assert.equal(evaluatePolicy(parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Request, namespaces: [""]}]\n'), nr('/api')).level, 'None');
});

test('omitStages of the policy and the rule add up; omitManagedFields comes from the rule or the policy', () => {
  const dep = evaluatePolicy(policy, attrs({ group: 'apps', resource: 'deployments', name: 'web' }));
  assert.deepEqual(dep.omitStages.sort(), ['RequestReceived', 'ResponseStarted']);
  assert.equal(dep.omitManagedFields, false);
  assert.equal(evaluatePolicy(policy, attrs({ user: { name: 'bob', groups: [] } })).omitManagedFields, true);
});

test('a request no rule matches is not logged', () => {
  const p = parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n    verbs: [create]\n');
  assert.equal(evaluatePolicy(p, attrs()).level, 'None');
});

test('an unknown level, stage or a relative nonResourceURL is rejected naming the field', () => {
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Everything}]\n'), /rules\[0\]\.level: Unsupported value: "Everything": supported values: "None", "Metadata", "Request", "RequestResponse"/);
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [Later]\nrules: []\n'), /omitStages\[0\]: Unsupported value: "Later"/);
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: [healthz]}]\n'), /non-resource URL rules must begin with a '\/' character/);
  assert.throws(() => parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, nonResourceURLs: ["/a"], resources: [{group: ""}]}]\n'), /rules cannot apply to both regular resources and non-resource URLs/);
  assert.throws(() => parsePolicy('apiVersion: v1\nkind: ConfigMap\n'), AuditPolicyError);
});

test('a bad policy file names the file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-audit-policy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'policy.yaml');
  writeFileSync(p, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{}]\n');
  assert.throws(() => loadPolicyFile(p), (e) => e instanceof AuditPolicyError && e.message === `invalid audit policy file "${p}": rules[0].level: Required value`);
  assert.throws(() => loadPolicyFile(join(dir, 'missing.yaml')), /failed to read audit policy file/);
});
