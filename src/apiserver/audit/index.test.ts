import { test, before, after } from 'node:test';
import { connect } from 'node:http2';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../storage/memory/index.js';
import { ensurePki, issueClientCertificate } from '../../pki/index.js';
import { RestClient } from '../../client/rest.js';
import { startApiServer, type RunningApiServer } from '../index.js';
import { Auditor, parsePolicy, type AuditEvent } from './index.js';

const policy = parsePolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  - level: RequestResponse
    omitManagedFields: true
    resources: [{group: "", resources: [configmaps, secrets]}]
  - level: Metadata
    omitStages: [RequestReceived]
`);

let dir: string;
let api: RunningApiServer;
let store: MemoryStore;
let admin: RestClient;
let alice: RestClient;
let server: string;
let caPem: string;
let adminCreds: { certPem: string; keyPem: string };
const events: AuditEvent[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeling-audit-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  store = new MemoryStore();
  const auditor = new Auditor({ policy, sink: { write: (l) => events.push(JSON.parse(l) as AuditEvent) } });
  api = await startApiServer({ store, tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem }, port: 0, host: '127.0.0.1', audit: auditor });
  server = `https://127.0.0.1:${api.port}`;
  caPem = pki.ca.certPem;
  adminCreds = { certPem: pki.admin.certPem, keyPem: pki.admin.keyPem };
  admin = new RestClient({ server, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
  const a = await issueClientCertificate(pki.ca, { commonName: 'alice', organizations: ['dev'] });
  alice = new RestClient({ server, caPem: pki.ca.certPem, certPem: a.certPem, keyPem: a.keyPem });
});

after(async () => {
  await Promise.all([admin.close(), alice.close()]);
  await api.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One GET with extra headers, optionally without a client certificate; answers status and audit ID. */
function rawGet(path: string, headers: Record<string, string>, creds?: { certPem: string; keyPem: string }): Promise<{ status: number; auditId: string }> {
  return new Promise((resolve, reject) => {
    const session = connect(server, { ca: caPem, ...(creds ? { cert: creds.certPem, key: creds.keyPem } : {}) });
    session.on('error', reject);
    const req = session.request({ ':method': 'GET', ':path': path, ...headers });
    let status = 0;
    let auditId = '';
    req.on('response', (h) => {
      status = Number(h[':status']);
      auditId = String(h['audit-id']);
    });
    req.resume();
    req.on('end', () => {
      session.close();
      resolve({ status, auditId });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The events of the request with this audit ID, polled for (they are written when the response ends). */
async function eventsOf(auditId: string, count: number): Promise<AuditEvent[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = events.filter((e) => e.auditID === auditId);
    if (got.length >= count || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 10));
  }
}

const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

test('a Metadata event records user, verb, resource, status, source IP and the decision, with the Audit-Id header as its ID', async () => {
  const res = await admin.raw('GET', '/api/v1/namespaces/default/pods?limit=5');
  assert.equal(res.status, 200);
  const id = String(res.headers['audit-id']);
  assert.match(id, /^[0-9a-f-]{36}$/);
  const [e, extra] = await eventsOf(id, 1);
  assert.equal(extra, undefined, 'RequestReceived is omitted by the rule');
  assert.ok(e);
  assert.equal(e.kind, 'Event');
  assert.equal(e.apiVersion, 'audit.k8s.io/v1');
  assert.equal(e.level, 'Metadata');
  assert.equal(e.stage, 'ResponseComplete');
  assert.equal(e.requestURI, '/api/v1/namespaces/default/pods?limit=5');
  assert.equal(e.verb, 'list');
  assert.equal(e.user.username, 'kubernetes-admin');
  assert.ok(e.user.groups?.includes('system:masters'));
  assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
  assert.deepEqual(e.objectRef, { resource: 'pods', namespace: 'default', apiVersion: 'v1' });
  assert.deepEqual(e.responseStatus, { metadata: {}, code: 200 });
  assert.match(e.requestReceivedTimestamp, MICRO);
  assert.match(e.stageTimestamp, MICRO);
  assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'allow');
  assert.equal(e.requestObject, undefined);
  assert.equal(e.responseObject, undefined);
  assert.deepEqual(Object.keys(e).slice(0, 8), ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user']);
});

test('RequestResponse records both bodies without managedFields, a create gets the name, and RequestReceived comes first', async () => {
  const res = await admin.raw('POST', '/api/v1/namespaces/default/configmaps', { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm1' }, data: { k: 'v' } } });
  assert.equal(res.status, 201);
  const evs = await eventsOf(String(res.headers['audit-id']), 2);
  assert.deepEqual(evs.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
  const done = evs[1]!;
  assert.equal(done.level, 'RequestResponse');
  assert.equal(done.objectRef?.name, 'cm1');
  assert.deepEqual((done.requestObject as { data: unknown }).data, { k: 'v' });
  const resp = done.responseObject as { metadata: Record<string, unknown>; data: unknown };
  assert.deepEqual(resp.data, { k: 'v' });
  assert.ok(resp.metadata.uid);
  assert.equal(resp.metadata.managedFields, undefined);
  assert.equal(evs[0]!.responseStatus, undefined);
});

test('a Secret is capped at Metadata: its data appears in no event, even in a list', async () => {
  const value = Buffer.from('s3cr3t-value-0123').toString('base64');
  const created = await admin.raw('POST', '/api/v1/namespaces/default/secrets', { body: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pw' }, data: { password: value } } });
  assert.equal(created.status, 201);
  const listed = await admin.raw('GET', '/api/v1/secrets');
  assert.equal(listed.status, 200);
  const evs = [...(await eventsOf(String(created.headers['audit-id']), 2)), ...(await eventsOf(String(listed.headers['audit-id']), 2))];
  assert.equal(evs.length, 4);
  for (const e of evs) {
    assert.equal(e.level, 'Metadata');
    assert.equal(e.requestObject, undefined);
    assert.equal(e.responseObject, undefined);
  }
  assert.equal(evs[1]?.objectRef?.name, 'pw');
  assert.ok(!JSON.stringify(events).includes(value));
  assert.ok(!JSON.stringify(events).includes('s3cr3t-value-0123'));
});

test('an error response carries the Status reason and message', async () => {
  const res = await admin.raw('GET', '/api/v1/namespaces/default/configmaps/missing');
  assert.equal(res.status, 404);
  const e = (await eventsOf(String(res.headers['audit-id']), 2)).at(-1)!;
  assert.equal(e.responseStatus?.code, 404);
  assert.equal(e.responseStatus?.status, 'Failure');
  assert.equal(e.responseStatus?.reason, 'NotFound');
  assert.match(e.responseStatus?.message ?? '', /configmaps "missing" not found/);
});

test('a forbidden request is recorded with the forbid decision', async () => {
  const res = await alice.raw('GET', '/api/v1/namespaces/default/pods');
  assert.equal(res.status, 403);
  const e = (await eventsOf(String(res.headers['audit-id']), 1)).at(-1)!;
  assert.equal(e.user.username, 'alice');
  assert.deepEqual(e.user.groups?.slice(0, 1), ['dev']);
  assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'forbid');
  assert.equal(e.responseStatus?.code, 403);
});

test('an unauthenticated request is recorded as system:anonymous with its 401', async () => {
  const res = await rawGet('/api/v1/pods', {});
  assert.equal(res.status, 401);
  const e = (await eventsOf(res.auditId, 1)).at(-1)!;
  assert.equal(e.user.username, 'system:anonymous');
  assert.equal(e.responseStatus?.code, 401);
});

test('a watch gets ResponseStarted when it begins and ResponseComplete when it ends', async () => {
  const w = await admin.watch({ group: '', version: 'v1', resource: 'pods', namespace: 'default' }, {});
  const deadline = Date.now() + 5000;
  let started: AuditEvent | undefined;
  while (!started && Date.now() < deadline) {
    started = events.find((e) => e.verb === 'watch' && e.stage === 'ResponseStarted');
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.ok(started, 'ResponseStarted');
  assert.equal(started.responseStatus?.code, 200);
  w.stop();
  const done = await eventsOf(started.auditID, 2);
  assert.deepEqual(done.map((e) => e.stage), ['ResponseStarted', 'ResponseComplete']);
});

test('health checks matched by a None rule are not logged, yet still get an Audit-Id', async () => {
  const res = await admin.raw('GET', '/healthz');
  assert.equal(res.status, 200);
  assert.ok(res.headers['audit-id']);
  assert.equal((await eventsOf(String(res.headers['audit-id']), 0)).length, 0);
  assert.ok(!events.some((e) => e.requestURI === '/healthz'));
});

test('an impersonated request records the caller as user and the target as impersonatedUser', async () => {
  const res = await rawGet('/api/v1/namespaces/default/pods', { 'impersonate-user': 'alice', 'impersonate-group': 'dev' }, adminCreds);
  assert.equal(res.status, 403);
  const e = (await eventsOf(res.auditId, 1)).at(-1)!;
  assert.equal(e.user.username, 'kubernetes-admin');
  assert.equal(e.impersonatedUser?.username, 'alice');
  assert.ok(e.impersonatedUser?.groups?.includes('dev'));
});

test("a client's own Audit-ID is kept", async () => {
  const res = await rawGet('/api/v1/namespaces', { 'audit-id': 'my-trace-1' }, adminCreds);
  assert.equal(res.auditId, 'my-trace-1');
  assert.equal((await eventsOf('my-trace-1', 1))[0]?.verb, 'list');
});

test('annotations added during the request appear on its final event', async () => {
  const { addAuditAnnotation } = await import('./index.js');
  const req = { headers: {}, url: '/api/v1/namespaces', socket: { remoteAddress: '10.0.0.1' } };
  const listeners = new Map<string, () => void>();
  const res = { headersSent: false, statusCode: 200, setHeader: () => undefined, once: (ev: string, f: () => void) => listeners.set(ev, f), writeHead: () => undefined };
  const out: AuditEvent[] = [];
  const auditor = new Auditor({ policy: parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n'), sink: { write: (l) => out.push(JSON.parse(l) as AuditEvent) }, newId: () => 'id-1', now: () => new Date('2026-12-01T10:00:00.123Z') });
  const info = { verb: 'list', isResourceRequest: true, path: '/api/v1/namespaces', group: '', version: 'v1', resource: 'namespaces', subresource: '', namespace: '', name: '', user: { name: 'bob', groups: [] } };
  auditor.begin(req as never, res as never, info);
  addAuditAnnotation(req as never, 'pod-security.kubernetes.io/enforce-policy', 'baseline:latest');
  listeners.get('finish')?.();
  assert.deepEqual(out.map((e) => e.stage), ['RequestReceived', 'ResponseComplete']);
  assert.equal(out[1]?.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
  assert.equal(out[0]?.annotations, undefined);
  assert.equal(out[1]?.stageTimestamp, '2026-12-01T10:00:00.123000Z');
  assert.deepEqual(out[1]?.sourceIPs, ['10.0.0.1']);
  assert.deepEqual(out[1]?.user, { username: 'bob' });
});

test("a pod created in a namespace labelled audit=restricted records PodSecurity's audit annotations on its event", async () => {
  const ns = 'psa-audited';
  const mk = await admin.raw('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pod-security.kubernetes.io/audit': 'restricted' } } } });
  assert.equal(mk.status, 201);
  const sa = await admin.raw('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } } });
  assert.equal(sa.status, 201);
  const res = await admin.raw('POST', `/api/v1/namespaces/${ns}/pods`, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loose' }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } });
  assert.equal(res.status, 201, 'audit mode never rejects');
  const e = (await eventsOf(String(res.headers['audit-id']), 1)).at(-1)!;
  assert.equal(e.stage, 'ResponseComplete');
  assert.equal(e.objectRef?.name, 'loose');
  assert.match(e.annotations?.['pod-security.kubernetes.io/audit-violations'] ?? '', /^would violate PodSecurity "restricted:latest": .*runAsNonRoot/);
  assert.equal(e.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
  assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'allow');
});

test('an annotation keeps its first value when it is added again, as upstream', () => {
  const req = { headers: {}, url: '/api/v1/pods', socket: { remoteAddress: '10.0.0.1' } };
  const listeners = new Map<string, () => void>();
  const res = { headersSent: false, statusCode: 200, setHeader: () => undefined, once: (ev: string, f: () => void) => listeners.set(ev, f), writeHead: () => undefined };
  const out: AuditEvent[] = [];
  const auditor = new Auditor({ policy: parsePolicy('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n'), sink: { write: (l) => out.push(JSON.parse(l) as AuditEvent) } });
  const info = { verb: 'update', isResourceRequest: true, path: '/api/v1/pods', group: '', version: 'v1', resource: 'pods', subresource: '', namespace: 'default', name: 'p', user: { name: 'bob', groups: [] } };
  const r = auditor.begin(req as never, res as never, info);
  r?.annotate('pod-security.kubernetes.io/enforce-policy', 'baseline:latest');
  r?.annotate('pod-security.kubernetes.io/enforce-policy', 'restricted:latest');
  listeners.get('finish')?.();
  assert.equal(out.at(-1)?.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
});
