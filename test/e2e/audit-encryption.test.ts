/**
 * Secrets encrypted at rest (EncryptionConfiguration, key rotation) and the audit log, driven by
 * kubectl 1.33: the raw SQLite files never hold a Secret's value, a key can be rotated with the
 * upstream procedure, and the audit log records who did what without logging Secret data.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { kubelingCmd, startCluster, waitFor, type Cluster } from './harness.js';

/** Every byte of the SQLite database (main file and WAL) of a data dir. */
function rawDb(dataDir: string): Buffer {
  return Buffer.concat(readdirSync(dataDir).filter((f) => f.startsWith('state.db')).map((f) => readFileSync(join(dataDir, f))));
}

interface AuditLine {
  verb: string;
  stage: string;
  level: string;
  user: { username: string };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  annotations?: Record<string, string>;
}

function auditLines(path: string): AuditLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine);
}

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    nonResourceURLs: ["/healthz*", "/readyz*", "/livez*"]
  - level: None
    users: ["system:kube-scheduler", "system:kube-controller-manager"]
  - level: RequestResponse
`;

describe('secrets at rest and the audit log', () => {
  it("keeps a Secret's value out of the SQLite file and the audit log, which records user, verb and resource", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeling-audit-e2e-'));
    const policy = join(dir, 'policy.yaml');
    const log = join(dir, 'audit.log');
    writeFileSync(policy, POLICY);
    let c: Cluster | undefined;
    try {
      c = await startCluster({ extraArgs: ['--audit-policy-file', policy, '--audit-log-path', log] });
      const value = `pw-${randomBytes(8).toString('hex')}`;
      await c.k(['create', 'secret', 'generic', 'db-pass', `--from-literal=password=${value}`]);
      await c.k(['create', 'configmap', 'plain', '--from-literal=k=visible-config']);
      await c.k(['get', 'pods']);
      const got = JSON.parse(await c.k(['get', 'secret', 'db-pass', '-o', 'json'])) as { data: { password: string } };
      assert.equal(Buffer.from(got.data.password, 'base64').toString(), value);

      const raw = rawDb(c.dataDir);
      assert.ok(raw.length > 0);
      assert.ok(raw.includes('k8s:enc:aesgcm:v1:key1:'), 'the secret is stored sealed with key1');
      assert.ok(!raw.includes(value), 'the plain value is not in the database');
      assert.ok(!raw.includes(Buffer.from(value).toString('base64')), 'nor its base64');
      assert.ok(raw.includes('visible-config'), 'configmaps are not encrypted (the raw read sees stored data)');

      await waitFor(() => auditLines(log).some((l) => l.verb === 'get' && l.objectRef?.resource === 'secrets' && l.objectRef.name === 'db-pass'), 10_000, 'the audit events of kubectl');
      const lines = auditLines(log);
      const create = lines.find((l) => l.verb === 'create' && l.objectRef?.resource === 'secrets');
      assert.equal(create?.user.username, 'kubernetes-admin');
      assert.equal(create?.objectRef?.namespace, 'default');
      assert.equal(create?.objectRef?.name, 'db-pass');
      assert.equal(create?.level, 'Metadata', 'secrets are capped at Metadata whatever the policy');
      assert.ok(lines.some((l) => l.verb === 'list' && l.objectRef?.resource === 'pods' && l.user.username === 'kubernetes-admin'));
      const cm = lines.find((l) => l.verb === 'create' && l.objectRef?.resource === 'configmaps');
      assert.equal(cm?.level, 'RequestResponse');
      assert.ok(cm?.requestObject && cm.responseObject);
      const text = readFileSync(log, 'utf8');
      assert.ok(!text.includes(value) && !text.includes(Buffer.from(value).toString('base64')), 'the secret value is never logged');
    } finally {
      await c?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("records PodSecurity's audit-violations annotation on the event of a pod created in a namespace labelled audit=restricted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeling-audit-psa-e2e-'));
    const policy = join(dir, 'policy.yaml');
    const log = join(dir, 'audit.log');
    // upstream's usual choice: everything at Metadata, where admission annotations are recorded
    writeFileSync(policy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n  - level: Metadata\n');
    let c: Cluster | undefined;
    try {
      c = await startCluster({ extraArgs: ['--audit-policy-file', policy, '--audit-log-path', log] });
      const cl = c;
      await cl.k(['create', 'namespace', 'psa-audit']);
      await cl.k(['label', 'namespace', 'psa-audit', 'pod-security.kubernetes.io/audit=restricted']);
      // the ServiceAccount admission plugin needs the namespace's default ServiceAccount (made by its controller)
      await waitFor(async () => (await cl.kubectl(['get', 'serviceaccount', 'default', '-n', 'psa-audit'])).code === 0, 15_000, 'the default ServiceAccount');
      const run = await cl.kubectl(['run', 'loose', '--image=nginx:1.27', '-n', 'psa-audit']);
      assert.equal(run.code, 0, `audit mode never rejects: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /would violate PodSecurity/, 'audit mode prints no warning');

      const isCreate = (l: AuditLine) => l.verb === 'create' && l.objectRef?.resource === 'pods' && l.objectRef.namespace === 'psa-audit';
      await waitFor(() => auditLines(log).some(isCreate), 10_000, "the pod create's audit event");
      const e = auditLines(log).find(isCreate)!;
      assert.equal(e.stage, 'ResponseComplete');
      assert.equal(e.level, 'Metadata');
      assert.equal(e.objectRef?.name, 'loose');
      assert.equal(e.user.username, 'kubernetes-admin');
      const violations = e.annotations?.['pod-security.kubernetes.io/audit-violations'] ?? '';
      assert.match(violations, /^would violate PodSecurity "restricted:latest": /);
      assert.match(violations, /allowPrivilegeEscalation != false/);
      assert.match(violations, /runAsNonRoot != true/);
      assert.equal(e.annotations?.['pod-security.kubernetes.io/enforce-policy'], 'privileged:latest');
      assert.equal(e.annotations?.['authorization.k8s.io/decision'], 'allow');
    } finally {
      await c?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rotates the key: key2 first, replace every secret, drop key1, and the secret still reads', async () => {
    let c = await startCluster();
    const dataDir = c.dataDir;
    try {
      const configPath = join(dataDir, 'pki', 'encryption-config.yaml');
      assert.ok(existsSync(configPath), 'the first start created the EncryptionConfiguration');
      await c.k(['create', 'secret', 'generic', 'rotated', '--from-literal=token=first-secret-value']);
      await c.stop({ keepData: true });

      type Cfg = { resources: { providers: { aesgcm?: { keys: { name: string; secret: string }[] } }[] }[] };
      const cfg = parseYaml(readFileSync(configPath, 'utf8')) as Cfg;
      const gcm = cfg.resources[0]!.providers[0]!.aesgcm!;
      gcm.keys.unshift({ name: 'key2', secret: randomBytes(32).toString('base64') });
      writeFileSync(configPath, toYaml(cfg), { mode: 0o600 });
      c = await startCluster({ dataDir });
      const all = await c.k(['get', 'secrets', '-A', '-o', 'json']);
      await c.k(['replace', '-f', '-'], { input: all });
      assert.ok(rawDb(dataDir).includes('k8s:enc:aesgcm:v1:key2:'), 'the replace re-sealed the secret with key2');
      await c.stop({ keepData: true });

      gcm.keys = gcm.keys.filter((k) => k.name !== 'key1');
      writeFileSync(configPath, toYaml(cfg), { mode: 0o600 });
      c = await startCluster({ dataDir });
      const s = JSON.parse(await c.k(['get', 'secret', 'rotated', '-o', 'json'])) as { data: { token: string } };
      assert.equal(Buffer.from(s.data.token, 'base64').toString(), 'first-secret-value');
    } finally {
      if (c.proc.exitCode === null) await c.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with an invalid encryption configuration, naming the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeling-enc-bad-'));
    try {
      const bad = join(dir, 'enc.yaml');
      writeFileSync(bad, 'apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aesgcm: {keys: [{name: key1, secret: c2hvcnQ=}]}\n');
      const r = spawnSync(process.execPath, [...kubelingCmd, 'up', '--data-dir', join(dir, 'data'), '--port', '0', '--no-kubeconfig', '--no-local-node', '--encryption-provider-config', bad], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /resources\[0\]\.providers\[0\]\.aesgcm\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 5, expected one of \[16 24 32\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
