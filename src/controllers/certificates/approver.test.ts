import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCsr, newKeyPem } from '../../cli/join.js';
import { allowedByGroups, isPending, recognize } from './approver.js';
import { parseCsr, type CsrSpec } from './csr.js';
import { cleanupReason } from './cleaner.js';

function spec(o: { cn: string; orgs?: string[]; dns?: string[]; signer: string; usages: string[]; username: string; groups: string[] }): { spec: CsrSpec; req: ReturnType<typeof parseCsr> } {
  const request = Buffer.from(createCsr({ commonName: o.cn, organizations: o.orgs ?? ['system:nodes'], dnsNames: o.dns, keyPem: newKeyPem() })).toString('base64');
  return { spec: { request, signerName: o.signer, usages: o.usages, username: o.username, groups: o.groups }, req: parseCsr(request) };
}

const client = { signer: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] };

describe('CSR approver decisions', () => {
  it('recognizes a bootstrap user asking for a node client certificate as nodeclient', () => {
    const { spec: s, req } = spec({ ...client, cn: 'system:node:n1', username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] });
    assert.deepEqual(recognize(s, req).map((r) => r.subresource), ['nodeclient']);
    assert.equal(recognize(s, req)[0]?.message, 'Auto approving kubelet client certificate after SubjectAccessReview.');
  });

  it('recognizes a node renewing its own certificate as selfnodeclient first', () => {
    const { spec: s, req } = spec({ ...client, cn: 'system:node:n1', username: 'system:node:n1', groups: ['system:nodes'] });
    assert.deepEqual(recognize(s, req).map((r) => r.subresource), ['selfnodeclient', 'nodeclient']);
  });

  it('ignores kube-apiserver-client requests (users are approved by people)', () => {
    const { spec: s, req } = spec({ cn: 'alice', orgs: ['dev'], signer: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] });
    assert.deepEqual(recognize(s, req), []);
  });

  it('ignores kubelet client requests that break the kubelet rules', () => {
    const { spec: s, req } = spec({ ...client, cn: 'system:node:n1', orgs: ['system:masters'], username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers'] });
    assert.deepEqual(recognize(s, req), []);
  });

  it("approves a node's serving request only for its own name", () => {
    const serving = { signer: 'kubernetes.io/kubelet-serving', usages: ['digital signature', 'server auth'] };
    const own = spec({ ...serving, cn: 'system:node:n1', dns: ['n1'], username: 'system:node:n1', groups: ['system:nodes'] });
    assert.deepEqual(recognize(own.spec, own.req).map((r) => r.subresource), ['selfnodeclient']);
    const other = spec({ ...serving, cn: 'system:node:n1', dns: ['kubernetes.default.svc'], username: 'system:node:n1', groups: ['system:nodes'] });
    assert.deepEqual(recognize(other.spec, other.req), []);
    const foreign = spec({ ...serving, cn: 'system:node:n2', dns: ['n2'], username: 'system:node:n1', groups: ['system:nodes'] });
    assert.deepEqual(recognize(foreign.spec, foreign.req), []);
  });

  it('falls back to groups without the SubjectAccessReview API', () => {
    const base = { request: '', signerName: client.signer, usages: client.usages, username: 'u' };
    assert.equal(allowedByGroups({ ...base, groups: ['system:bootstrappers'] }, 'nodeclient'), true);
    assert.equal(allowedByGroups({ ...base, groups: ['system:authenticated'] }, 'nodeclient'), false);
    assert.equal(allowedByGroups({ ...base, groups: ['system:nodes'] }, 'selfnodeclient'), true);
    assert.equal(allowedByGroups({ ...base, groups: ['system:bootstrappers'] }, 'selfnodeclient'), false);
  });

  it('looks only at requests without a decision or certificate', () => {
    assert.equal(isPending({ metadata: {}, status: {} }), true);
    assert.equal(isPending({ metadata: {}, status: { conditions: [{ type: 'Denied', status: 'True' }] } }), false);
    assert.equal(isPending({ metadata: {}, status: { certificate: 'eA==' } }), false);
  });
});

describe('CSR cleaner decisions', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const at = (iso: string, conditions: object[] = [], certificate?: string) => ({ metadata: { name: 'x', creationTimestamp: iso }, status: { conditions, ...(certificate ? { certificate } : {}) } });

  it('deletes a pending request after 24 hours, not before', () => {
    assert.equal(cleanupReason(at('2026-11-30T11:59:00Z'), now), 'pending past deadline');
    assert.equal(cleanupReason(at('2026-11-30T12:01:00Z'), now), undefined);
  });

  it('deletes a denied or failed request an hour after the decision', () => {
    assert.equal(cleanupReason(at('2026-12-01T10:00:00Z', [{ type: 'Denied', status: 'True', lastUpdateTime: '2026-12-01T10:59:00Z' }]), now), 'denied past deadline');
    assert.equal(cleanupReason(at('2026-12-01T10:00:00Z', [{ type: 'Denied', status: 'True', lastUpdateTime: '2026-12-01T11:30:00Z' }]), now), undefined);
    assert.equal(cleanupReason(at('2026-12-01T10:00:00Z', [{ type: 'Failed', status: 'True', lastUpdateTime: '2026-12-01T10:00:00Z' }]), now), 'failed past deadline');
  });

  it('deletes an issued request an hour after approval, but keeps an approved one still waiting for its certificate', () => {
    const approved = [{ type: 'Approved', status: 'True', lastUpdateTime: '2026-12-01T10:30:00Z' }];
    assert.equal(cleanupReason(at('2026-12-01T10:00:00Z', approved, 'eA=='), now), 'issued past deadline');
    assert.equal(cleanupReason(at('2026-12-01T10:00:00Z', approved), now), undefined);
  });
});
