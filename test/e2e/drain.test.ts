/**
 * kubectl 1.33 drain under a PodDisruptionBudget (needs the eviction subresource registered and
 * the disruption controller started by `kubeling up`): the node is cordoned, evictions beyond the
 * budget answer 429 and are retried by kubectl until its timeout, and the drain completes once
 * Ready replacements elsewhere restore the budget.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('kubectl drain with a PodDisruptionBudget', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  const node = (name: string): string => JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });

  /** A pod bound to `nodeName`, then made Running/Ready as a kubelet would. */
  const readyPod = async (name: string, nodeName: string): Promise<void> => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName, containers: [{ name: 'c', image: 'nginx' }] } };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(pod) });
    const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } };
    await c.k(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  };

  const allowed = async (): Promise<number> => Number((await c.k(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])).trim() || '-1');
  const podsOn = async (n: string): Promise<string[]> =>
    (await c.k(['get', 'pods', '--field-selector', `spec.nodeName=${n}`, '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/).filter(Boolean);

  it('evicts only what the budget allows, then finishes once replacements are Ready elsewhere', async () => {
    await c.k(['create', '-f', '-'], { input: node('n1') });
    await c.k(['create', '-f', '-'], { input: node('n2') });
    for (const p of ['web-1', 'web-2', 'web-3']) await readyPod(p, 'n1');
    await c.k(['create', 'poddisruptionbudget', 'web', '--selector=app=web', '--min-available=2']);
    await waitFor(async () => (await allowed()) === 1, 20_000, 'the PDB to allow one disruption');

    const first = await c.kubectl(['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=0', '--timeout=12s'], { timeoutMs: 60_000 });
    assert.notEqual(first.code, 0, 'drain must time out while the budget blocks the rest');
    assert.match(first.stdout + first.stderr, /node\/n1 cordoned/);
    assert.match(first.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.equal((await podsOn('n1')).length, 2, 'exactly one pod evicted');
    assert.equal((await c.k(['get', 'node', 'n1', '-o', 'jsonpath={.spec.unschedulable}'])).trim(), 'true');

    // Replacements come up Ready on n2, so the budget has room for the remaining two.
    await readyPod('web-4', 'n2');
    await readyPod('web-5', 'n2');
    await waitFor(async () => (await allowed()) === 2, 20_000, 'the PDB to allow two disruptions');
    const second = await c.kubectl(['drain', 'n1', '--ignore-daemonsets', '--delete-emptydir-data', '--force', '--grace-period=0', '--timeout=60s'], { timeoutMs: 90_000 });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /node\/n1 drained/);
    assert.deepEqual(await podsOn('n1'), []);
    assert.equal((await podsOn('n2')).length, 2);
  });

  it('evicting a pod under two budgets fails with upstream\'s message', async () => {
    await readyPod('dup-1', 'n2');
    await c.k(['label', 'pod', 'dup-1', 'extra=yes']);
    await c.k(['create', 'poddisruptionbudget', 'dup', '--selector=extra=yes', '--max-unavailable=1']);
    const r = await c.kubectl(['drain', 'n2', '--ignore-daemonsets', '--force', '--grace-period=0', '--pod-selector=extra=yes', '--timeout=10s']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /This pod has more than one PodDisruptionBudget, which the eviction subresource does not support/);
  });
});
