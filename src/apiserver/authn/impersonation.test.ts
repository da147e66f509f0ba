import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import type { AuthorizationAttributes, Authorizer } from '../authz/types.js';
import { impersonate, impersonationTargets } from './impersonation.js';
import type { UserInfo } from './types.js';

const alice: UserInfo = { name: 'alice', groups: ['dev', 'system:authenticated'] };

/** Allows what `allow` lists as "verb resource[/sub] name" and records every question. */
function authz(...allow: string[]): Authorizer & { asked: AuthorizationAttributes[] } {
  const asked: AuthorizationAttributes[] = [];
  return {
    asked,
    authorize(a) {
      asked.push(a);
      const key = `${a.verb} ${a.resource}${a.subresource ? '/' + a.subresource : ''} ${a.name}`;
      return Promise.resolve({ allowed: allow.includes(key) });
    },
  };
}

test('without impersonation headers the caller is unchanged and nothing is asked', async () => {
  const z = authz();
  assert.equal(await impersonate(alice, ['Accept', 'application/json'], z), alice);
  assert.equal(z.asked.length, 0);
});

test('impersonating a user checks the impersonate verb on users and adds system:authenticated', async () => {
  const z = authz('impersonate users bob');
  assert.deepEqual(await impersonate(alice, ['Impersonate-User', 'bob'], z), { name: 'bob', groups: ['system:authenticated'] });
  assert.deepEqual({ ...z.asked[0], user: undefined }, { user: undefined, verb: 'impersonate', isResourceRequest: true, path: '', group: '', version: '', resource: 'users', subresource: '', namespace: '', name: 'bob' });
});

test('impersonating a ServiceAccount checks serviceaccounts in its namespace and gives its groups', async () => {
  const z = authz('impersonate serviceaccounts mysa');
  const u = await impersonate(alice, ['impersonate-user', 'system:serviceaccount:default:mysa'], z);
  assert.deepEqual(u, { name: 'system:serviceaccount:default:mysa', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
  assert.equal(z.asked[0]?.namespace, 'default');
});

test('repeated group headers, extras and the uid are each authorized and carried over', async () => {
  const z = authz('impersonate users bob', 'impersonate groups g1', 'impersonate groups g2', 'impersonate userextras/scopes view', 'impersonate uids 42');
  const u = await impersonate(alice, ['Impersonate-User', 'bob', 'Impersonate-Group', 'g1', 'Impersonate-Group', 'g2', 'Impersonate-Extra-Scopes', 'view', 'Impersonate-Uid', '42'], z);
  assert.deepEqual(u, { name: 'bob', uid: '42', groups: ['g1', 'g2', 'system:authenticated'], extra: { scopes: ['view'] } });
  assert.deepEqual(z.asked.map((a) => a.group), ['', '', '', 'authentication.k8s.io', 'authentication.k8s.io']);
});

test('impersonating system:anonymous gives system:unauthenticated instead', async () => {
  const u = await impersonate(alice, ['Impersonate-User', 'system:anonymous'], authz('impersonate users system:anonymous'));
  assert.deepEqual(u.groups, ['system:unauthenticated']);
});

test('a denied impersonation is a 403 with the upstream message', async () => {
  await assert.rejects(impersonate(alice, ['Impersonate-User', 'bob'], authz()), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 403);
    assert.equal(e.message, 'users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    return true;
  });
  await assert.rejects(impersonate(alice, ['Impersonate-User', 'system:serviceaccount:ns1:sa'], authz()), {
    message: 'serviceaccounts "sa" is forbidden: User "alice" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "ns1"',
  });
  await assert.rejects(impersonate(alice, ['Impersonate-User', 'bob', 'Impersonate-Group', 'system:masters'], authz('impersonate users bob')), {
    message: 'groups "system:masters" is forbidden: User "alice" cannot impersonate resource "groups" in API group "" at the cluster scope',
  });
});

test('groups without a user are a bad request naming what was requested', () => {
  assert.throws(() => impersonationTargets(['Impersonate-Group', 'system:masters']), (e) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 400);
    assert.equal(e.message, 'requested [{Group  system:masters    }] without impersonating a user');
    return true;
  });
});
