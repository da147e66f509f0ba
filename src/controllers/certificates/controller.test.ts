import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { createCa } from '../../pki/index.js';
import { createCsr, csrOutcome, newKeyPem } from '../../cli/join.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { certificateControllers } from './index.js';
import { tokenCleanerController } from '../bootstrap/index.js';

const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };
const SECRETS = { group: '', version: 'v1', resource: 'secrets', namespace: 'kube-system' };
const ca = createCa();

function csr(name: string, cn: string, orgs: string[], signerName: string, usages: string[]): KubeObject {
  const pem = createCsr({ commonName: cn, organizations: orgs, keyPem: newKeyPem() });
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(pem).toString('base64'), signerName, usages } };
}

describe('certificate controllers against an API server', () => {
  let t: TestControllers;
  before(async () => {
    t = await startTestControllers([...certificateControllers({ ca }), tokenCleanerController]);
  });
  after(async () => {
    await t.stop();
  });

  const certOf = async (name: string): Promise<X509Certificate | undefined> => {
    const pem = csrOutcome(await t.srv.client.get({ ...CSRS, name })).certificatePem;
    return pem ? new X509Certificate(pem) : undefined;
  };

  it('auto-approves and signs a node client request of an allowed requester', async () => {
    await t.srv.client.create(CSRS, csr('node-a', 'system:node:a', ['system:nodes'], 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']));
    await eventually(async () => (await certOf('node-a')) !== undefined, 'the node certificate');
    const got = await t.srv.client.get({ ...CSRS, name: 'node-a' });
    const approved = ((got.status as { conditions: { type: string; reason: string }[] }).conditions ?? []).find((c) => c.type === 'Approved');
    assert.equal(approved?.reason, 'AutoApproved');
    assert.match((await certOf('node-a'))!.subject, /CN=system:node:a/);
  });

  it('leaves a user request pending until approved, then issues it', async () => {
    await t.srv.client.create(CSRS, csr('alice', 'alice', ['dev'], 'kubernetes.io/kube-apiserver-client', ['client auth']));
    // The approver works in order: once a later node request is approved, it has seen alice's.
    await t.srv.client.create(CSRS, csr('node-b', 'system:node:b', ['system:nodes'], 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']));
    await eventually(async () => (await certOf('node-b')) !== undefined, 'the later node certificate');
    const pending = await t.srv.client.get({ ...CSRS, name: 'alice' });
    assert.equal(((pending.status as { conditions?: unknown[] } | undefined)?.conditions ?? []).length, 0);
    await t.srv.client.update({ ...CSRS, name: 'alice', subresource: 'approval' }, { ...pending, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok' }] } });
    await eventually(async () => (await certOf('alice')) !== undefined, 'the user certificate');
    assert.match((await certOf('alice'))!.subject, /O=dev/);
  });

  it('marks an approved request that breaks its signer rules Failed', async () => {
    const c = await t.srv.client.create(CSRS, csr('bad-usage', 'bob', [], 'kubernetes.io/kube-apiserver-client', ['client auth', 'server auth']));
    await t.srv.client.update({ ...CSRS, name: 'bad-usage', subresource: 'approval' }, { ...c, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] } });
    await eventually(async () => csrOutcome(await t.srv.client.get({ ...CSRS, name: 'bad-usage' })).refused !== undefined, 'the Failed condition');
    assert.equal(csrOutcome(await t.srv.client.get({ ...CSRS, name: 'bad-usage' })).refused, 'Failed (SignerValidationFailure): invalid usage for client certificate: server auth');
  });

  it('deletes an expired bootstrap token Secret and keeps a valid one', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const secret = (id: string, expiration: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `bootstrap-token-${id}` }, type: 'bootstrap.kubernetes.io/token', data: { 'token-id': b64(id), 'token-secret': b64('0123456789abcdef'), expiration: b64(expiration) } });
    await t.srv.client.create(SECRETS, secret('old111', '2020-01-01T00:00:00Z'));
    await t.srv.client.create(SECRETS, secret('new111', '2099-01-01T00:00:00Z'));
    await eventually(async () => (await t.srv.client.list(SECRETS)).items.every((s) => s.metadata.name !== 'bootstrap-token-old111'), 'the expired token to go');
    assert.ok((await t.srv.client.list(SECRETS)).items.some((s) => s.metadata.name === 'bootstrap-token-new111'));
  });
});
