import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { ApiStatusError } from '../../client/rest.js';
import { startTestApiServer, type TestApiServer } from '../../client/test-apiserver.js';
import { createCsr, newKeyPem } from '../../cli/join.js';
import { authorizedForSigner } from './csr-approval.js';
import { populateConditionTimestamps } from '../../api/registry/certificates/certificatesigningrequest.js';
import { bearer, startAuthnTestServer, type AuthnTestServer } from '../authn/test-server.js';
import type { Authorizer } from '../authz/types.js';

const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };

function csrBody(name: string): KubeObject {
  const pem = createCsr({ commonName: 'alice', organizations: ['dev'], keyPem: newKeyPem() });
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(pem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'mallory', groups: ['system:masters'] } };
}

function withCondition(csr: KubeObject, type: string, reason: string): KubeObject {
  const conditions = [...(((csr.status as { conditions?: unknown[] } | undefined)?.conditions) ?? []), { type, status: 'True', reason, message: `by test` }];
  return { ...csr, status: { ...((csr.status) ?? {}), conditions } };
}

async function failure(p: Promise<unknown>): Promise<ApiStatusError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiStatusError) return e;
    throw e;
  }
  throw new Error('expected the request to fail');
}

describe('certificatesigningrequests/approval', () => {
  let srv: TestApiServer;
  before(async () => {
    srv = await startTestApiServer();
  });
  after(async () => {
    await srv.stop();
  });

  it('records the requesting user in the spec, whatever the body claimed', async () => {
    const got = await srv.client.create(CSRS, csrBody('who'));
    const spec = got.spec as { username: string; groups: string[] };
    assert.equal(spec.username, 'kubernetes-admin');
    assert.ok(spec.groups.includes('system:masters'));
    assert.ok(spec.groups.includes('system:authenticated'));
  });

  it('approving adds the condition with timestamps and changes nothing else', async () => {
    const csr = await srv.client.create(CSRS, csrBody('approve-me'));
    const tampered = withCondition(csr, 'Approved', 'KubectlApprove');
    (tampered.spec as Record<string, unknown>).usages = ['server auth'];
    (tampered.status as Record<string, unknown>).certificate = Buffer.from('forged').toString('base64');
    const got = await srv.client.update({ ...CSRS, name: 'approve-me', subresource: 'approval' }, tampered);
    const status = got.status as { conditions: { type: string; reason: string; lastUpdateTime?: string; lastTransitionTime?: string }[]; certificate?: string };
    assert.deepEqual(status.conditions.map((c) => [c.type, c.reason]), [['Approved', 'KubectlApprove']]);
    assert.ok(status.conditions[0]?.lastUpdateTime && status.conditions[0]?.lastTransitionTime);
    assert.equal(status.certificate, undefined);
    assert.deepEqual((got.spec as { usages: string[] }).usages, ['client auth']);
  });

  it('records the approval write under the approval subresource in managedFields', async () => {
    const csr = await srv.client.create(CSRS, csrBody('tracked'));
    const got = await srv.client.update({ ...CSRS, name: 'tracked', subresource: 'approval' }, withCondition(csr, 'Approved', 'KubectlApprove'));
    const entries = (got.metadata.managedFields ?? []) as { subresource?: string }[];
    assert.ok(entries.some((m) => m.subresource === 'approval'), JSON.stringify(entries));
    assert.ok(!entries.some((m) => m.subresource === 'status'));
  });

  it('the approval subresource cannot set or replace status.certificate', async () => {
    const csr = await srv.client.create(CSRS, csrBody('issued'));
    const approved = await srv.client.update({ ...CSRS, name: 'issued', subresource: 'approval' }, withCondition(csr, 'Approved', 'KubectlApprove'));
    const real = Buffer.from('issued-by-signer').toString('base64');
    const issued = await srv.client.update({ ...CSRS, name: 'issued', subresource: 'status' }, { ...approved, status: { ...((approved.status) ?? {}), certificate: real } });
    const forged = { ...issued, status: { ...((issued.status) ?? {}), certificate: Buffer.from('forged').toString('base64') } };
    const got = await srv.client.update({ ...CSRS, name: 'issued', subresource: 'approval' }, forged);
    assert.equal((got.status as { certificate?: string }).certificate, real);
  });

  it('a status write keeps the stored decision when it rewrites it', async () => {
    const csr = await srv.client.create(CSRS, csrBody('rewrite'));
    const approved = await srv.client.update({ ...CSRS, name: 'rewrite', subresource: 'approval' }, withCondition(csr, 'Approved', 'KubectlApprove'));
    const conds = (approved.status as { conditions: Record<string, unknown>[] }).conditions.map((c) => ({ ...c, reason: 'Rewritten', message: 'changed' }));
    const got = await srv.client.update({ ...CSRS, name: 'rewrite', subresource: 'status' }, { ...approved, status: { conditions: conds } });
    assert.deepEqual((got.status as { conditions: { reason: string }[] }).conditions.map((c) => c.reason), ['KubectlApprove']);
  });

  it('refuses to approve a denied request with the upstream message', async () => {
    const csr = await srv.client.create(CSRS, csrBody('deny-me'));
    const denied = await srv.client.update({ ...CSRS, name: 'deny-me', subresource: 'approval' }, withCondition(csr, 'Denied', 'KubectlDeny'));
    const e = await failure(srv.client.update({ ...CSRS, name: 'deny-me', subresource: 'approval' }, withCondition(denied, 'Approved', 'KubectlApprove')));
    assert.equal(e.code, 422);
    assert.match(e.message, /Approved and Denied conditions are mutually exclusive/);
  });

  it('refuses to remove a decision', async () => {
    const csr = await srv.client.create(CSRS, csrBody('keep-me'));
    const approved = await srv.client.update({ ...CSRS, name: 'keep-me', subresource: 'approval' }, withCondition(csr, 'Approved', 'KubectlApprove'));
    const e = await failure(srv.client.update({ ...CSRS, name: 'keep-me', subresource: 'approval' }, { ...approved, status: { conditions: [] } }));
    assert.equal(e.code, 422);
    assert.match(e.message, /updates may not remove a condition of type "Approved"/);
  });

  it('a plain update of the CSR cannot approve it', async () => {
    const csr = await srv.client.create(CSRS, csrBody('sneaky'));
    const got = await srv.client.update({ ...CSRS, name: 'sneaky' }, withCondition(csr, 'Approved', 'Sneaky'));
    assert.equal(((got.status as { conditions?: unknown[] } | undefined)?.conditions ?? []).length, 0);
  });

  it('approving needs the approve verb on the signer name or its domain wildcard', async () => {
    const allow = (names: string[]): Authorizer => ({ authorize: (a) => Promise.resolve({ allowed: a.resource === 'signers' && a.group === 'certificates.k8s.io' && a.verb === 'approve' && names.includes(a.name) }) });
    const user = { name: 'u', groups: ['system:authenticated'] };
    assert.equal(await authorizedForSigner(allow(['example.com/foo']), user, 'approve', 'example.com/foo'), true);
    assert.equal(await authorizedForSigner(allow(['example.com/*']), user, 'approve', 'example.com/foo'), true);
    assert.equal(await authorizedForSigner(allow(['example.com/bar']), user, 'approve', 'example.com/foo'), false);
  });

  it('keeps the transition time of an unchanged condition', () => {
    const cur: KubeObject = { metadata: {}, status: { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] } };
    const next: KubeObject = { metadata: {}, status: { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z' }] } };
    populateConditionTimestamps(next, cur, new Date('2026-06-01T00:00:00Z'));
    assert.equal((next.status as { conditions: { lastTransitionTime: string }[] }).conditions[0]?.lastTransitionTime, '2026-01-01T00:00:00Z');
  });
});

describe('certificatesigningrequests/status for a user without approve', () => {
  let srv: AuthnTestServer;
  const asSigner = (method: string, path: string, body?: unknown) => srv.call(method, path, { headers: bearer('tok-signer'), body });
  const base = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
  before(async () => {
    srv = await startAuthnTestServer({ tokenFile: 'tok-signer,signer,1001\n' });
    const rbac = '/apis/rbac.authorization.k8s.io/v1';
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'csr-status-writer' }, rules: [{ apiGroups: ['certificates.k8s.io'], resources: ['certificatesigningrequests', 'certificatesigningrequests/status'], verbs: ['get', 'list', 'update', 'patch'] }] };
    const binding = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'csr-status-writer' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'csr-status-writer' }, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'signer' }] };
    assert.equal((await srv.call('POST', `${rbac}/clusterroles`, { admin: true, body: role })).status, 201);
    assert.equal((await srv.call('POST', `${rbac}/clusterrolebindings`, { admin: true, body: binding })).status, 201);
    assert.equal((await srv.call('POST', base, { admin: true, body: csrBody('self-approve') })).status, 201);
  });
  after(async () => {
    await srv.stop();
  });

  it('cannot make a CSR Approved through /status', async () => {
    const cur = (await asSigner('GET', `${base}/self-approve`)).body as unknown as KubeObject;
    const r = await asSigner('PUT', `${base}/self-approve/status`, withCondition(cur, 'Approved', 'SelfApproved'));
    assert.equal(r.status, 422, r.text);
    assert.match(String(r.body.message), /updates may not add a condition of type "Approved"/);
    const after = (await srv.call('GET', `${base}/self-approve`, { admin: true })).body as { status?: { conditions?: unknown[] } };
    assert.equal(after.status?.conditions?.length ?? 0, 0);
  });

  it('cannot approve through /approval without the approve verb', async () => {
    const cur = (await asSigner('GET', `${base}/self-approve`)).body as unknown as KubeObject;
    const r = await asSigner('PUT', `${base}/self-approve/approval`, withCondition(cur, 'Approved', 'SelfApproved'));
    assert.equal(r.status, 403, r.text);
  });

  it('may still record a Failed condition through /status', async () => {
    const cur = (await asSigner('GET', `${base}/self-approve`)).body as unknown as KubeObject;
    const r = await asSigner('PUT', `${base}/self-approve/status`, withCondition(cur, 'Failed', 'SignerValidationFailure'));
    assert.equal(r.status, 200, r.text);
    const conds = (r.body.status as { conditions: { type: string }[] }).conditions;
    assert.deepEqual(conds.map((c) => c.type), ['Failed']);
  });
});
