/**
 * Bad input gets the right status code and a message naming the problem, printed by kubectl as
 * for a real cluster, and the server keeps serving.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from './harness.js';

describe('bad input', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const raw = async (path: string, body: string | Buffer) => {
    const f = join(c.home, `body-${Math.random().toString(36).slice(2)}`);
    writeFileSync(f, body);
    return c.kubectl(['create', '--raw', path, '-f', f]);
  };

  it('malformed JSON is a 400 naming the parse error', async () => {
    const r = await raw('/api/v1/namespaces/default/configmaps', '{"apiVersion":"v1","kind":"ConfigMap",');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(BadRequest\)/);
    assert.match(r.stderr, /json parse error/);
  });

  it('a kind sent to the wrong endpoint is a 400', async () => {
    const r = await raw('/api/v1/namespaces/default/configmaps', JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(BadRequest\)/);
    assert.match(r.stderr, /must be of type ConfigMap/);
  });

  it('unknown fields are rejected under Strict validation with the field path', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: strict\ndata:\n  a: b\nbogus: 1\n',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /strict decoding error: unknown field "bogus"/);
    const nested = await c.kubectl(['create', '-f', '-'], {
      input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        imagePullPolicyy: Always\n',
    });
    assert.equal(nested.code, 1);
    assert.match(nested.stderr, /unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolicyy"/);
    const warn = await c.kubectl(['create', '--validate=warn', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warned\nbogus: 1\n' });
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /Warning: unknown field "bogus"/);
  });

  it('an invalid name is a 422 with the upstream message', async () => {
    const r = await c.kubectl(['create', 'configmap', 'Bad_Name']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters/);
  });

  it('a deployment whose selector does not match its labels is a 422 naming the field', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mismatch\nspec:\n  selector: {matchLabels: {app: a}}\n  template:\n    metadata: {labels: {app: b}}\n    spec:\n      containers:\n      - {name: c, image: nginx}\n',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The Deployment "mismatch" is invalid: spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/);
  });

  it('a 10 MB body is a 413 and nothing is written', async () => {
    const big = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'huge' }, data: { x: 'a'.repeat(10 * 1024 * 1024) } });
    const r = await raw('/api/v1/namespaces/default/configmaps', big);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /RequestEntityTooLarge|Request entity too large/);
    assert.equal((await c.kubectl(['get', 'cm', 'huge'])).code, 1);
  });

  it('an update with a stale resourceVersion is a 409 Conflict', async () => {
    await c.k(['create', 'configmap', 'rv', '--from-literal=a=1']);
    const stale = JSON.parse(await c.k(['get', 'cm', 'rv', '-o', 'json']));
    await c.k(['patch', 'cm', 'rv', '--type=merge', '-p', '{"data":{"a":"2"}}']);
    stale.data.a = '3';
    const r = await c.kubectl(['replace', '-f', '-'], { input: JSON.stringify(stale) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(Conflict\): error when replacing "STDIN": Operation cannot be fulfilled on configmaps "rv": the object has been modified; please apply your changes to the latest version and try again/);
    assert.equal(await c.k(['get', 'cm', 'rv', '-o', 'jsonpath={.data.a}']), '2');
  });

  it('creating an existing object is a 409 AlreadyExists, a missing one a 404', async () => {
    await c.k(['create', 'configmap', 'dup']);
    const r = await c.kubectl(['create', 'configmap', 'dup']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /configmaps "dup" already exists/);
    const nf = await c.kubectl(['get', 'deploy', 'nope']);
    assert.match(nf.stderr, /Error from server \(NotFound\): deployments\.apps "nope" not found/);
    const nsMissing = await c.kubectl(['-n', 'no-such-ns', 'create', 'configmap', 'x']);
    assert.match(nsMissing.stderr, /namespaces "no-such-ns" not found/);
  });

  it('the server is still healthy after all of that', async () => {
    assert.equal((await c.k(['get', '--raw', '/readyz'])).trim(), 'ok');
    assert.match(await c.k(['get', 'ns', 'default']), /default\s+Active/);
  });
});
