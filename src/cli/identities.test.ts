import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCa } from '../pki/index.js';
import { X509Authenticator } from '../apiserver/authn/x509.js';
import { issueComponentIdentities, nodeUserName } from './identities.js';
import type { KeyPair } from '../pki/index.js';

const ca = createCa();
const authn = new X509Authenticator(ca.certPem);
const userOf = (p: KeyPair) => authn.authenticate({ headers: {}, peerCertificate: { raw: new X509Certificate(p.certPem).raw } });

test('the scheduler and controller manager authenticate as their system users without groups', async () => {
  const ids = await issueComponentIdentities(ca);
  const sched = await userOf(ids.scheduler);
  const cm = await userOf(ids.controllerManager);
  assert.equal(sched?.name, 'system:kube-scheduler');
  assert.equal(cm?.name, 'system:kube-controller-manager');
  assert.ok(!sched?.groups.includes('system:masters'));
  assert.ok(!cm?.groups.includes('system:masters'));
  assert.equal(ids.localNode, undefined);
  assert.equal(ids.simulatedNodes, undefined);
});

test('the local node authenticates as system:node:<lowercased name> in system:nodes', async () => {
  const ids = await issueComponentIdentities(ca, { nodeName: 'MyHost' });
  assert.ok(ids.localNode);
  const u = await userOf(ids.localNode);
  assert.equal(u?.name, 'system:node:myhost');
  assert.ok(u?.groups.includes('system:nodes'));
  assert.equal(nodeUserName('MyHost'), 'system:node:myhost');
});

test('the simulated agent and the local-path provisioner get users outside system:nodes', async () => {
  const ids = await issueComponentIdentities(ca, { simulatedNodes: true, localPathProvisioner: true });
  assert.ok(ids.simulatedNodes && ids.localPathProvisioner);
  const sim = await userOf(ids.simulatedNodes);
  const lp = await userOf(ids.localPathProvisioner);
  assert.equal(sim?.name, 'system:kubeling:simulated-nodes');
  assert.equal(lp?.name, 'system:kubeling:local-path-provisioner');
  assert.ok(!sim?.groups.includes('system:nodes'));
});

test('each identity has its own key matching its certificate', async () => {
  const ids = await issueComponentIdentities(ca, { nodeName: 'n', simulatedNodes: true, localPathProvisioner: true });
  const pairs = [ids.scheduler, ids.controllerManager, ids.localNode, ids.simulatedNodes, ids.localPathProvisioner].filter((p): p is KeyPair => p !== undefined);
  assert.equal(pairs.length, 5);
  assert.equal(new Set(pairs.map((p) => p.keyPem)).size, 5);
  for (const p of pairs) assert.ok(new X509Certificate(p.certPem).checkPrivateKey(createPrivateKey(p.keyPem)));
});
