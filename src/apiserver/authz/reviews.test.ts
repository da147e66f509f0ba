import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReviewTestServer, type ReviewTestServer } from './review-testing.js';
import type { KeyPair } from '../../pki/index.js';

const AUTHZ = '/apis/authorization.k8s.io/v1';
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const fixture = (name: string): Buffer =>
  Buffer.from(readFileSync(join(fileURLToPath(new URL('.', import.meta.url.replace('/dist/src/', '/src/'))), '..', 'codec', 'testdata', `${name}.hex`), 'utf8').trim(), 'hex');

let s: ReviewTestServer;
let alice: KeyPair;

before(async () => {
  s = await startReviewTestServer();
  alice = await s.userCert('alice', ['dev']);
});
after(async () => {
  await s.stop();
});
beforeEach(() => {
  s.authz.asked.length = 0;
  s.authz.decide = (a) => ({ allowed: a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectrulesreviews' });
  s.authz.rules = undefined;
});

const ssar = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });

test('a SelfSubjectAccessReview asks the authorizer about the caller and answers 201 with the spec and allowed', async () => {
  s.authz.decide = (a) => ({ allowed: a.resource !== 'pods' || a.user.name === 'alice', reason: 'test says so' });
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } }) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.spec, { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } });
  assert.deepEqual(r.body.status, { allowed: true, reason: 'test says so' });
  const q = s.authz.reviewQuestions();
  assert.equal(q.length, 1);
  assert.deepEqual({ ...q[0]!, user: q[0]!.user.name }, {
    user: 'alice', verb: 'list', isResourceRequest: true, path: '', group: '', version: '*', resource: 'pods', subresource: '', namespace: 'default', name: '',
  });
  assert.deepEqual(q[0]!.user.groups, ['dev', 'system:authenticated']);
});

test('a denied SelfSubjectAccessReview answers allowed false, not an error', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ resourceAttributes: { verb: 'delete', resource: 'nodes', name: 'n1' } }) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { allowed: false });
});

test('subresources and names reach the authorizer', async () => {
  await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ resourceAttributes: { namespace: 'ns1', verb: 'get', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', name: 'web' } }) });
  const a = s.authz.reviewQuestions()[0]!;
  assert.deepEqual([a.group, a.version, a.resource, a.subresource, a.name, a.namespace], ['apps', 'v1', 'deployments', 'scale', 'web', 'ns1']);
});

test('a non-resource SelfSubjectAccessReview asks about the path', async () => {
  s.authz.decide = (a) => ({ allowed: a.resource === 'selfsubjectaccessreviews' || a.path === '/logs' });
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ nonResourceAttributes: { path: '/logs', verb: 'get' } }) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { allowed: true });
  const a = s.authz.reviewQuestions()[0]!;
  assert.equal(a.isResourceRequest, false);
  assert.equal(a.path, '/logs');
  assert.equal(a.verb, 'get');
});

test('a SelfSubjectAccessReview sent as protobuf by kubectl 1.33 is decoded and answered', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, raw: fixture('kubectl-1.33-auth-can-i-resource'), contentType: PROTOBUF });
  assert.equal(r.status, 201);
  assert.equal(r.body.kind, 'SelfSubjectAccessReview');
  const a = s.authz.reviewQuestions()[0]!;
  assert.deepEqual([a.verb, a.resource, a.subresource, a.namespace, a.user.name], ['get', 'pods', 'log', 'kube-system', 'alice']);
});

test('a SelfSubjectAccessReview with both or neither attributes is 422 with upstream messages', async () => {
  const both = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } }) });
  assert.equal(both.status, 422);
  assert.equal(both.body.message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/x", Verb:"get"}: cannot be specified in combination with resourceAttributes');
  const neither = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({}) });
  assert.equal(neither.status, 422);
  assert.equal(neither.body.message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
});

test('a SelfSubjectAccessReview with a name in metadata is 422 "must be empty"', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: { ...ssar({ resourceAttributes: { verb: 'get' } }), metadata: { name: 'x' } } });
  assert.equal(r.status, 422);
  assert.match(String(r.body.message), /metadata: Invalid value: v1\.ObjectMeta\{Name:"x", .*\}: must be empty$/);
});

test('a body of another kind is 400', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: {} } });
  assert.equal(r.status, 400);
  assert.match(String(r.body.message), /must be of type SelfSubjectAccessReview/);
});

test('review resources are create-only: GET answers 405 and nothing is stored', async () => {
  const r = await s.request('GET', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice });
  assert.equal(r.status, 405);
  const keys = await s.api.deps.store.list('/authorization.k8s.io/', {});
  assert.equal(keys.items.length, 0);
});

test('discovery lists the four access reviews with the create verb only', async () => {
  const r = await s.request('GET', AUTHZ);
  const list = r.body.resources as { name: string; namespaced: boolean; verbs: string[]; kind: string }[];
  const byName = Object.fromEntries(list.map((x) => [x.name, x]));
  assert.deepEqual(Object.keys(byName).sort(), ['localsubjectaccessreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'subjectaccessreviews']);
  assert.equal(byName.localsubjectaccessreviews!.namespaced, true);
  assert.equal(byName.subjectaccessreviews!.namespaced, false);
  for (const x of list) assert.deepEqual(x.verbs, ['create']);
});

test('a SubjectAccessReview asks about spec.user, groups, uid and extra exactly as given', async () => {
  s.authz.decide = (a) => ({ allowed: a.user.name === 'bob' && a.user.groups.includes('ops') });
  const r = await s.request('POST', `${AUTHZ}/subjectaccessreviews`, {
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'bob', groups: ['ops'], uid: 'u-1', extra: { scopes: ['a'] }, resourceAttributes: { verb: 'get', resource: 'secrets', namespace: 'kube-system' } } },
  });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { allowed: true });
  assert.equal((r.body.spec as { user: string }).user, 'bob');
  const u = s.authz.reviewQuestions()[0]!.user;
  assert.deepEqual(u, { name: 'bob', uid: 'u-1', groups: ['ops'], extra: { scopes: ['a'] } });
});

test('a SubjectAccessReview without user or groups is 422', async () => {
  const r = await s.request('POST', `${AUTHZ}/subjectaccessreviews`, { body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { resourceAttributes: { verb: 'get' } } } });
  assert.equal(r.status, 422);
  assert.equal(r.body.message, 'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
});

test('creating a SubjectAccessReview is itself authorized: a user without the permission is forbidden', async () => {
  const r = await s.request('POST', `${AUTHZ}/subjectaccessreviews`, { as: alice, body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'bob', resourceAttributes: { verb: 'get' } } } });
  assert.equal(r.status, 403);
  assert.equal(s.authz.reviewQuestions().length, 0);
});

test('an authorizer failure becomes status.evaluationError', async () => {
  s.authz.decide = (a) => {
    if (a.resource === 'pods') throw new Error('rbac store unavailable');
    return { allowed: true };
  };
  const r = await s.request('POST', `${AUTHZ}/selfsubjectaccessreviews`, { as: alice, body: ssar({ resourceAttributes: { verb: 'get', resource: 'pods' } }) });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { allowed: false, evaluationError: 'rbac store unavailable' });
});

const lsar = (ns: string, spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: meta, spec });

test('a LocalSubjectAccessReview takes its namespace from the request and asks about it', async () => {
  s.authz.decide = (a) => ({ allowed: a.namespace === 'team-a' });
  const r = await s.request('POST', `${AUTHZ}/namespaces/team-a/localsubjectaccessreviews`, { body: lsar('team-a', { user: 'bob', resourceAttributes: { namespace: 'team-a', verb: 'list', resource: 'pods' } }) });
  assert.equal(r.status, 201);
  assert.equal((r.body.metadata as { namespace: string }).namespace, 'team-a');
  assert.deepEqual(r.body.status, { allowed: true });
});

test('a LocalSubjectAccessReview about another namespace is 422 "must match metadata.namespace"', async () => {
  const r = await s.request('POST', `${AUTHZ}/namespaces/team-a/localsubjectaccessreviews`, { body: lsar('team-a', { user: 'bob', resourceAttributes: { namespace: 'other', verb: 'list', resource: 'pods' } }) });
  assert.equal(r.status, 422);
  assert.equal(r.body.message, 'LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "other": must match metadata.namespace');
});

test('a LocalSubjectAccessReview whose metadata.namespace differs from the URL is 400', async () => {
  const r = await s.request('POST', `${AUTHZ}/namespaces/team-a/localsubjectaccessreviews`, { body: lsar('team-a', { user: 'bob', resourceAttributes: { namespace: 'b', verb: 'get' } }, { namespace: 'b' }) });
  assert.equal(r.status, 400);
  assert.equal(r.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
});

test('a LocalSubjectAccessReview with non-resource attributes is 422 "disallowed on this kind of request"', async () => {
  const r = await s.request('POST', `${AUTHZ}/namespaces/team-a/localsubjectaccessreviews`, { body: lsar('team-a', { user: 'bob', nonResourceAttributes: { path: '/logs', verb: 'get' } }) });
  assert.equal(r.status, 422);
  assert.match(String(r.body.message), /spec\.nonResourceAttributes: Invalid value: authorization\.NonResourceAttributes\{Path:"\/logs", Verb:"get"\}: disallowed on this kind of request/);
});

test('a LocalSubjectAccessReview outside a namespace is 404', async () => {
  const r = await s.request('POST', `${AUTHZ}/localsubjectaccessreviews`, { body: lsar('', { user: 'bob', resourceAttributes: { verb: 'get' } }) });
  assert.equal(r.status, 404);
});

const ssrr = (namespace?: string) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: namespace === undefined ? {} : { namespace } });

test('a SelfSubjectRulesReview lists the rules the authorizer gives for the caller in the namespace', async () => {
  const seen: string[] = [];
  s.authz.rules = (u, ns) => {
    seen.push(`${u.name}@${ns}`);
    return Promise.resolve({
      resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: [] }],
      nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      incomplete: false,
    });
  };
  const r = await s.request('POST', `${AUTHZ}/selfsubjectrulesreviews`, { as: alice, body: ssrr('default') });
  assert.equal(r.status, 201);
  assert.deepEqual(seen, ['alice@default']);
  assert.deepEqual(r.body.status, {
    resourceRules: [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], resourceNames: [] }],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
    incomplete: false,
  });
});

test('a SelfSubjectRulesReview sent as protobuf by kubectl 1.33 is answered', async () => {
  s.authz.rules = () => Promise.resolve({ resourceRules: [], nonResourceRules: [], incomplete: false });
  const r = await s.request('POST', `${AUTHZ}/selfsubjectrulesreviews`, { as: alice, raw: fixture('kubectl-1.33-auth-can-i-list'), contentType: PROTOBUF });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { resourceRules: [], nonResourceRules: [], incomplete: false });
});

test('a SelfSubjectRulesReview without a namespace is 400 "no namespace on request"', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectrulesreviews`, { as: alice, body: ssrr() });
  assert.equal(r.status, 400);
  assert.equal(r.body.message, 'no namespace on request');
});

test('a rules resolver failure is an incomplete answer with evaluationError', async () => {
  const r = await s.request('POST', `${AUTHZ}/selfsubjectrulesreviews`, { as: alice, body: ssrr('default') });
  assert.equal(r.status, 201);
  assert.deepEqual(r.body.status, { resourceRules: [], nonResourceRules: [], incomplete: true, evaluationError: 'no rules' });
});
