import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactRules, compactString, covers, nonResourceURLMatches, ruleAllows, toPolicyRule, type PolicyRule, type RuleRequest } from './rules.js';

function req(verb: string, resource: string, o: Partial<RuleRequest> = {}): RuleRequest {
  return { verb, isResourceRequest: true, path: '', group: '', resource, subresource: '', name: '', ...o };
}

const podsGet: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };

test('a rule matches only its verbs, groups and resources', () => {
  assert.equal(ruleAllows(req('get', 'pods'), podsGet), true);
  assert.equal(ruleAllows(req('list', 'pods'), podsGet), false);
  assert.equal(ruleAllows(req('get', 'services'), podsGet), false);
  assert.equal(ruleAllows(req('get', 'pods', { group: 'apps' }), podsGet), false);
});

test('the * verb, * group and * resource match everything', () => {
  const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  assert.equal(ruleAllows(req('deletecollection', 'deployments', { group: 'apps' }), all), true);
  assert.equal(ruleAllows(req('get', 'pods', { subresource: 'log' }), all), true);
});

test('a resource rule does not grant its subresources', () => {
  assert.equal(ruleAllows(req('get', 'pods', { subresource: 'log', name: 'p' }), podsGet), false);
  const log: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] };
  assert.equal(ruleAllows(req('get', 'pods', { subresource: 'log', name: 'p' }), log), true);
  assert.equal(ruleAllows(req('get', 'pods', { name: 'p' }), log), false);
});

test('*/subresource matches that subresource of every resource', () => {
  const status: PolicyRule = { verbs: ['update'], apiGroups: ['*'], resources: ['*/status'] };
  assert.equal(ruleAllows(req('update', 'deployments', { group: 'apps', subresource: 'status', name: 'd' }), status), true);
  assert.equal(ruleAllows(req('update', 'deployments', { group: 'apps', subresource: 'scale', name: 'd' }), status), false);
  assert.equal(ruleAllows(req('update', 'deployments', { group: 'apps', name: 'd' }), status), false);
});

test('resource/* is not a wildcard, as upstream: it matches no subresource', () => {
  const r: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/*'] };
  assert.equal(ruleAllows(req('get', 'pods', { subresource: 'log', name: 'p' }), r), false);
  assert.equal(ruleAllows(req('get', 'pods', { name: 'p' }), r), false);
});

test('resourceNames restrict named requests and never match create, list, watch or deletecollection', () => {
  const r: PolicyRule = { verbs: ['*'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['my-config'] };
  assert.equal(ruleAllows(req('get', 'configmaps', { name: 'my-config' }), r), true);
  assert.equal(ruleAllows(req('update', 'configmaps', { name: 'other' }), r), false);
  for (const verb of ['create', 'list', 'watch', 'deletecollection']) assert.equal(ruleAllows(req(verb, 'configmaps'), r), false, verb);
});

test('non-resource URLs match exactly, by * or by a trailing * prefix', () => {
  const r: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  assert.equal(nonResourceURLMatches(r, '/healthz'), true);
  assert.equal(nonResourceURLMatches(r, '/healthz/etcd'), false);
  assert.equal(nonResourceURLMatches(r, '/apis/apps/v1'), true);
  assert.equal(nonResourceURLMatches(r, '/apis'), false);
  assert.equal(nonResourceURLMatches({ verbs: ['get'], nonResourceURLs: ['*'] }, '/anything'), true);
  assert.equal(ruleAllows({ verb: 'get', isResourceRequest: false, path: '/apis/apps', group: '', resource: '', subresource: '', name: '' }, r), true);
  assert.equal(ruleAllows({ verb: 'post', isResourceRequest: false, path: '/apis/apps', group: '', resource: '', subresource: '', name: '' }, r), false);
});

test('a resource rule never grants a non-resource request and vice versa', () => {
  assert.equal(ruleAllows({ verb: 'get', isResourceRequest: false, path: '/api', group: '', resource: '', subresource: '', name: '' }, podsGet), false);
  assert.equal(ruleAllows(req('get', 'pods'), { verbs: ['get'], nonResourceURLs: ['*'] }), false);
});

test('covers accepts wildcards, */subresource and unrestricted names, and lists the missing pieces', () => {
  const owner: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [''], resources: ['pods', '*/status'] }];
  assert.equal(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods/status'] }]).covered, true);
  assert.equal(covers(owner, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }]).covered, true);
  const r = covers(owner, [{ verbs: ['get', 'delete'], apiGroups: [''], resources: ['pods', 'secrets'] }]);
  assert.equal(r.covered, false);
  assert.deepEqual(r.missing.map(compactString), ['{APIGroups:[""], Resources:["pods"], Verbs:["delete"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}', '{APIGroups:[""], Resources:["secrets"], Verbs:["delete"]}']);
  assert.equal(covers([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], [{ verbs: ['get'], nonResourceURLs: ['/x'] }]).covered, false);
  assert.equal(covers([{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }], [{ verbs: ['get'], nonResourceURLs: ['/apis/apps'] }]).covered, true);
});

test('an owner rule limited to names does not cover an unrestricted rule', () => {
  assert.equal(covers([{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['a'] }], [podsGet]).covered, false);
});

test('compactRules merges verbs of the same group and resource', () => {
  const c = compactRules([
    { verbs: ['get'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['list'], apiGroups: [''], resources: ['pods'] },
    { verbs: ['get'], nonResourceURLs: ['/x'] },
  ]);
  assert.deepEqual(c.map(compactString), ['{NonResourceURLs:["/x"], Verbs:["get"]}', '{APIGroups:[""], Resources:["pods"], Verbs:["get" "list"]}']);
});

test('toPolicyRule drops empty and mistyped fields', () => {
  assert.deepEqual(toPolicyRule({ verbs: ['get', 3], apiGroups: [], resources: ['pods'], resourceNames: null }), { verbs: ['get'], resources: ['pods'] });
});
