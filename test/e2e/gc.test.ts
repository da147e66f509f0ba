/**
 * Garbage collection and namespace deletion driven by kubectl 1.33: cascading deletes
 * (foreground, orphan, background through ownerReferences) complete, and deleting a namespace
 * removes it with its content.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('garbage collection and namespace deletion', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const notFound = async (args: string[]): Promise<boolean> => {
    const r = await c.kubectl(['get', ...args]);
    return r.code !== 0 && /NotFound|not found/.test(r.stderr);
  };

  /** Creates ConfigMap `name` owned by ConfigMap `owner` (ownerReferences with the owner's uid). */
  const createDependent = async (name: string, owner: string): Promise<void> => {
    const uid = (await c.k(['get', 'cm', owner, '-o', 'jsonpath={.metadata.uid}'])).trim();
    assert.match(uid, /^[0-9a-f-]{36}$/);
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid }] },
      data: { owned: 'yes' },
    });
    await c.k(['create', '-f', '-'], { input: manifest });
  };

  it('delete --cascade=foreground completes and the object is gone', async () => {
    await c.k(['create', 'configmap', 'fg']);
    const r = await c.kubectl(['delete', 'cm', 'fg', '--cascade=foreground', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap "fg" deleted/);
    assert.ok(await notFound(['cm', 'fg']));
  });

  it('delete --cascade=orphan completes and the object is gone', async () => {
    await c.k(['create', 'configmap', 'or']);
    const r = await c.kubectl(['delete', 'cm', 'or', '--cascade=orphan', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await notFound(['cm', 'or']));
  });

  it('a ConfigMap owned by another ConfigMap is deleted in the background after its owner', async () => {
    await c.k(['create', 'configmap', 'bg-owner']);
    await createDependent('bg-dep', 'bg-owner');
    await c.k(['delete', 'cm', 'bg-owner']);
    await waitFor(() => notFound(['cm', 'bg-dep']), 10_000, 'bg-dep to be garbage collected');
  });

  it('foreground deletion removes the dependent before the owner', async () => {
    await c.k(['create', 'configmap', 'fg-owner']);
    await createDependent('fg-dep', 'fg-owner');
    const r = await c.kubectl(['delete', 'cm', 'fg-owner', '--cascade=foreground', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await notFound(['cm', 'fg-owner']));
    await waitFor(() => notFound(['cm', 'fg-dep']), 10_000, 'fg-dep to be deleted');
  });

  it('with --cascade=orphan the dependent survives without its ownerReference', async () => {
    await c.k(['create', 'configmap', 'or-owner']);
    await createDependent('or-dep', 'or-owner');
    const r = await c.kubectl(['delete', 'cm', 'or-owner', '--cascade=orphan', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(await notFound(['cm', 'or-owner']));
    const refs = await c.k(['get', 'cm', 'or-dep', '-o', 'jsonpath={.metadata.ownerReferences}']);
    assert.equal(refs.trim(), '');
    assert.equal((await c.k(['get', 'cm', 'or-dep', '-o', 'jsonpath={.data.owned}'])).trim(), 'yes');
  });

  it('kubectl delete namespace removes the namespace and its content', async () => {
    await c.k(['create', 'namespace', 'gc-ns']);
    await c.k(['create', 'configmap', 'inside', '-n', 'gc-ns', '--from-literal=a=b']);
    await c.k(['create', 'secret', 'generic', 'hidden', '-n', 'gc-ns', '--from-literal=k=v']);
    const r = await c.kubectl(['delete', 'namespace', 'gc-ns', '--timeout=30s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace "gc-ns" deleted/);
    await waitFor(() => notFound(['ns', 'gc-ns']), 5_000, 'namespace gc-ns to be gone');
    const r2 = await c.kubectl(['get', 'ns', 'gc-ns']);
    assert.match(r2.stderr, /namespaces "gc-ns" not found/);
  });
});
