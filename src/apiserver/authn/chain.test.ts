import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { createCa, issueClientCertificate } from '../../pki/index.js';
import { startAuthnTestServer, bearer, basic, type AuthnTestServer, type CallResult } from './test-server.js';

const TOKENS = 'root-token,root,0,system:masters\nalice-token,alice,1001,"dev,ops"\n';
const PASSWORDS = 'rootpw,basic-root,10,system:masters\nalicepw,basic-alice,11,dev\n';

let s: AuthnTestServer;
before(async () => {
  s = await startAuthnTestServer({ tokenFile: TOKENS, passwordFile: PASSWORDS });
});
after(async () => {
  await s.stop();
});

/** Who the server says the caller is (SelfSubjectReview). */
async function whoami(headers: Record<string, string>, admin = false): Promise<CallResult> {
  return s.call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { headers, admin, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
}

function userOf(r: CallResult): Record<string, unknown> | undefined {
  return r.body.status?.userInfo as Record<string, unknown> | undefined;
}

function assert401(r: CallResult): void {
  assert.equal(r.status, 401, r.text);
  assert.equal(r.body.reason, 'Unauthorized');
  assert.equal(r.body.message, 'Unauthorized');
}

test('a static token user authenticates with the file identity plus system:authenticated', async () => {
  assert.equal((await s.call('GET', '/api/v1/namespaces', { headers: bearer('root-token') })).status, 200);
  const r = await whoami(bearer('alice-token'));
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(userOf(r), { username: 'alice', uid: '1001', groups: ['dev', 'ops', 'system:authenticated'] });
});

test('an unknown bearer token is a 401, even on the health endpoints anonymous users may read', async () => {
  assert401(await s.call('GET', '/api/v1/namespaces', { headers: bearer('nope') }));
  assert401(await s.call('GET', '/healthz', { headers: bearer('nope') }));
  assert.equal((await s.call('GET', '/healthz')).status, 200);
  assert401(await s.call('GET', '/api/v1/namespaces'));
});

test('a basic-auth user with the right password authenticates and a wrong password is a 401', async () => {
  assert.equal((await s.call('GET', '/api/v1/namespaces', { headers: basic('basic-root', 'rootpw') })).status, 200);
  const r = await whoami(basic('basic-alice', 'alicepw'));
  assert.deepEqual(userOf(r), { username: 'basic-alice', uid: '11', groups: ['dev', 'system:authenticated'] });
  assert401(await s.call('GET', '/api/v1/namespaces', { headers: basic('basic-root', 'wrong') }));
  assert401(await s.call('GET', '/api/v1/namespaces', { headers: basic('nobody', 'rootpw') }));
});

test('a client certificate from another CA is a 401', async () => {
  const otherCa = createCa();
  const cert = await issueClientCertificate(otherCa, { commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  const status = await new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.api.port, path: '/api/v1/namespaces', ca: s.pki.ca.certPem, cert: cert.certPem, key: cert.keyPem, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 401);
});

test('a bootstrap token authenticates while its Secret exists and is a 401 once it is deleted', async () => {
  const b64 = (v: string) => Buffer.from(v).toString('base64');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: { 'token-id': b64('abcdef'), 'token-secret': b64('0123456789abcdef'), 'usage-bootstrap-authentication': b64('true'), 'auth-extra-groups': b64('system:bootstrappers:kubeling:default-node-token') },
  };
  assert.equal((await s.call('POST', '/api/v1/namespaces/kube-system/secrets', { admin: true, body: secret })).status, 201);
  const r = await whoami(bearer('abcdef.0123456789abcdef'));
  assert.deepEqual(userOf(r), { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:bootstrappers:kubeling:default-node-token', 'system:authenticated'] });
  assert401(await whoami(bearer('abcdef.0123456789abcdee')));
  assert.equal((await s.call('DELETE', '/api/v1/namespaces/kube-system/secrets/bootstrap-token-abcdef', { admin: true })).status, 200);
  assert401(await whoami(bearer('abcdef.0123456789abcdef')));
});

test('an allowed impersonation makes the request act as the impersonated user', async () => {
  const r = await whoami({ 'impersonate-user': 'system:serviceaccount:default:mysa' }, true);
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(userOf(r), { username: 'system:serviceaccount:default:mysa', groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
});

test('impersonating groups without a user is a 400', async () => {
  const r = await s.call('GET', '/api/v1/namespaces', { admin: true, headers: { 'impersonate-group': 'system:masters' } });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.message, 'requested [{Group  system:masters    }] without impersonating a user');
});
