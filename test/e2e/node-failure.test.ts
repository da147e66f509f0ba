/**
 * Self-healing after a node failure (issue 6, "Stop a node's agent"): a cluster with two simulated
 * nodes and `--node-monitor-grace-period 15`, plus a third node run by a separate `kubeling
 * agent` process. kill -9 of that process stops its Lease renewals: the node lifecycle controller
 * marks it Unknown (NotReady) within the grace period and taints it unreachable (NoExecute); the
 * taint manager evicts its pods once their tolerationSeconds (2 s here) run out, and the
 * Deployment brings back 3 available replicas on the surviving nodes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, waitFor, type Cluster } from './harness.js';
import { startAgentProcess, type AgentProcess } from './agent-proc.js';

const graceS = 15; // > the 10 s Lease renew interval, so live nodes never flap
const doomed = 'doomed-0';

interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

describe('node failure', () => {
  let c: Cluster;
  let a: AgentProcess | undefined;
  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '2', '--node-monitor-grace-period', String(graceS)] });
    a = await startAgentProcess(c.kubeconfig, ['--simulated', '--nodes', '1', '--node-name-prefix', 'doomed']);
    await waitFor(async () => new RegExp(`^${doomed}\\s+Ready\\s`, 'm').test(await c.k(['get', 'nodes', '--no-headers'])), 15_000, `${doomed} Ready`);
  });
  after(async () => {
    await c?.kubectl(['delete', 'deployment', 'web', '--timeout=30s']);
    await c?.kubectl(['delete', 'pods', '--all', '--grace-period=0', '--force', '--timeout=30s']);
    await a?.stop('SIGKILL');
    await c?.stop();
  });

  it('evicts the pods of a killed node and recreates them on the other nodes', async () => {
    const labels = { app: 'web' };
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            // Prefer the node about to fail so it surely runs some replicas.
            affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [doomed] }] } }] } },
            tolerations: [
              { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
              { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
            ],
            containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
          },
        },
      },
    };
    await c.k(['create', '-f', '-'], { input: JSON.stringify(deployment) });
    await c.k(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    const pods = async (): Promise<PodView[]> => (JSON.parse(await c.k(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodView[] }).items;
    const victims = (await pods()).filter((p) => p.spec.nodeName === doomed).map((p) => p.metadata.uid);
    assert.ok(victims.length >= 1, 'some replicas run on the node that will fail');

    assert.ok(a);
    const killedAt = Date.now();
    assert.equal(await a.stop('SIGKILL'), 'SIGKILL');
    a = undefined;

    // NotReady (Ready=Unknown: the kubelet stopped posting) within the grace period (+ slack for the controller's requeue).
    const ready = () => c.k(['get', 'node', doomed, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
    await waitFor(async () => (await ready()) === 'Unknown', (graceS + 10) * 1000, `${doomed} Ready=Unknown`);
    const elapsedS = (Date.now() - killedAt) / 1000;
    assert.ok(elapsedS >= graceS - 1, `not marked before the grace period (${elapsedS.toFixed(1)} s)`);
    assert.match(await c.k(['get', 'nodes', '--no-headers']), new RegExp(`^${doomed}\\s+NotReady\\s`, 'm'));
    assert.equal(await c.k(['get', 'node', doomed, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}']), 'NodeStatusUnknown');
    await waitFor(
      async () => /node\.kubernetes\.io\/unreachable:NoExecute/.test(await c.k(['get', 'node', doomed, '-o', 'jsonpath={range .spec.taints[*]}{.key}:{.effect}{"\\n"}{end}'])),
      10_000,
      'the unreachable NoExecute taint',
    );

    // Evicted after tolerationSeconds; the Deployment is whole again, on the surviving nodes.
    await waitFor(
      async () => {
        const all = await pods();
        const gone = victims.every((uid) => all.every((p) => p.metadata.uid !== uid || p.metadata.deletionTimestamp));
        const live = all.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && p.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
        return gone && live.length === 3 && live.every((p) => p.spec.nodeName !== doomed);
      },
      30_000,
      'the evicted replicas to be replaced on other nodes',
    );
    await waitFor(async () => (await c.k(['get', 'deployment', 'web', '-o', 'jsonpath={.status.availableReplicas}'])) === '3', 15_000, 'the Deployment back to 3 available');
    const events = await c.k(['get', 'events', '-A', '--field-selector', 'reason=TaintManagerEviction', '-o', 'jsonpath={.items[*].message}']);
    assert.match(events, /Marking for deletion Pod default\/web-/);
  });
});
