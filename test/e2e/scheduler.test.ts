/**
 * The scheduler on `kubeling up --simulated-nodes 3`, driven by kubectl 1.33: the course notes'
 * redis-cache / web-store placement, nodeSelector, taints and tolerations with upstream's
 * FailedScheduling message, a Pending pod placed once a node is labelled, preemption by
 * PriorityClass (and preemptionPolicy Never), `kubeling explain pod`, and bad input.
 *
 * redis-cache and web-store are real Deployments (3 replicas each) run by the Deployment and
 * ReplicaSet controllers of `kubeling up`, as in the notes.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { kubelingCmd, startCluster, waitFor, type Cluster } from './harness.js';

interface PodView {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[]; nominatedNodeName?: string };
}

const NODES = ['sim-0', 'sim-1', 'sim-2'];

function pod(name: string, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}, cpu?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], terminationGracePeriodSeconds: 1, ...spec },
  };
}

const term = (app: string) => ({ labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [app] }] }, topologyKey: 'kubernetes.io/hostname' });

describe('scheduler', () => {
  let c: Cluster;
  const apply = (objs: Record<string, unknown>[]) => c.k(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }) });
  const get = async (name: string): Promise<PodView> => JSON.parse(await c.k(['get', 'pod', name, '-o', 'json'])) as PodView;
  const list = async (selector: string): Promise<PodView[]> => (JSON.parse(await c.k(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodView[] }).items;
  const scheduled = (p: PodView) => (p.status.conditions ?? []).find((x) => x.type === 'PodScheduled');
  const waitPending = (name: string) => waitFor(async () => scheduled(await get(name))?.status === 'False', 10_000, `${name} to be marked unschedulable`);
  const waitBound = (name: string, ms = 10_000) => waitFor(async () => (await get(name)).spec.nodeName !== undefined, ms, `${name} to be bound`);
  const explain = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((res) => {
      execFile(process.execPath, [...kubelingCmd, 'explain', ...args, '--kubeconfig', c.kubeconfig], { env: { ...process.env, HOME: c.home } }, (err, stdout, stderr) => res({ code: err ? 1 : 0, stdout, stderr }));
    });

  before(async () => {
    c = await startCluster({ extraArgs: ['--simulated-nodes', '3'] });
    await waitFor(async () => (await c.k(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 3, 15_000, 'three Ready nodes');
  });
  after(async () => {
    await c?.stop();
  });

  it('places one redis-cache and one web-store replica on every node', async () => {
    const deployment = (name: string, app: string, affinity: Record<string, unknown>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app } },
        template: { metadata: { labels: { app } }, spec: { affinity, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9' }], terminationGracePeriodSeconds: 1 } },
      },
    });
    // The notes' example: caches repel each other; each web server repels the others and must
    // share a node with a cache. web-store is listed first: its pods wait for the caches and are
    // moved back to the active queue when those are bound.
    await apply([
      deployment('web-store', 'web-store', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('web-store')] }, podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('store')] } }),
      deployment('redis-cache', 'store', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term('store')] } }),
    ]);
    const running = async () => (await list('app in (store,web-store)')).filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running');
    await waitFor(async () => (await running()).length === 6, 30_000, 'six Deployment pods Running');
    const pods = await running();
    for (const n of NODES) {
      const here = pods.filter((p) => p.spec.nodeName === n).map((p) => p.metadata.labels?.app).sort();
      assert.deepEqual(here, ['store', 'web-store'], `node ${n} holds ${here.join(',')}`);
    }
    const first = pods.find((p) => p.metadata.labels?.app === 'store')!.metadata.name;
    const ev = await c.k(['get', 'events', '--field-selector', `involvedObject.name=${first},reason=Scheduled`, '-o', 'jsonpath={.items[0].message}']);
    assert.match(ev, new RegExp(`^Successfully assigned default/${first} to sim-\\d$`));
    await c.k(['delete', 'deployment', 'web-store', 'redis-cache']);
    await waitFor(async () => (await list('app in (store,web-store)')).length === 0, 30_000, 'the Deployments\' pods gone');
  });

  it('nodeSelector places the pod only on the labelled node', async () => {
    await c.k(['label', 'node', 'sim-1', 'disktype=ssd']);
    await apply([pod('ssd', { nodeSelector: { disktype: 'ssd' } })]);
    await waitBound('ssd');
    assert.equal((await get('ssd')).spec.nodeName, 'sim-1');
  });

  it('a NoSchedule taint keeps an untolerating pod Pending with upstream message; a toleration lets one in', async () => {
    await c.k(['taint', 'nodes', ...NODES, 'dedicated=gpu:NoSchedule']);
    await apply([pod('untolerated')]);
    await waitPending('untolerated');
    const msg = '0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..';
    const cond = scheduled(await get('untolerated'))!;
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, msg);
    await waitFor(async () => (await c.k(['describe', 'pod', 'untolerated'])).includes('FailedScheduling'), 10_000, 'the FailedScheduling event in describe');
    const described = await c.k(['describe', 'pod', 'untolerated']);
    assert.match(described, /Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+0\/3 nodes are available: 3 node\(s\) had untolerated taint \{dedicated: gpu\}/);
    assert.match(described, /PodScheduled\s+False/);

    await apply([pod('tolerating', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] })]);
    await waitBound('tolerating');
    assert.equal((await get('untolerated')).spec.nodeName, undefined);
  });

  it('kubeling explain pod names the rejecting plugin for every node', async () => {
    const out = await explain(['pod', 'untolerated']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Result:\s+Unschedulable/);
    for (const n of NODES) assert.match(out.stdout, new RegExp(`^\\s+${n}\\s+UnschedulableAndUnresolvable\\s+TaintToleration\\s+node\\(s\\) had untolerated taint \\{dedicated: gpu\\}$`, 'm'));
    const json = await explain(['pod', 'tolerating', '-o', 'json', '-n', 'default']);
    assert.equal(json.code, 0, json.stderr);
    const e = JSON.parse(json.stdout) as { result: string; nodeName: string; scores: { node: string; plugins: { plugin: string }[] }[] };
    assert.equal(e.result, 'Scheduled');
    assert.equal(e.scores[0]?.node, e.nodeName);
    assert.ok(e.scores[0]?.plugins.some((p) => p.plugin === 'TaintToleration'));
    const missing = await explain(['pod', 'nope']);
    assert.match(missing.stderr, /pods "nope" not found/);
    // The same account through kubectl, as a resource of the Kubeling group.
    assert.match(await c.k(['get', 'podschedulingexplanations.scheduling.kubeling.dev', 'untolerated']), /^untolerated\s+Unschedulable\s+<none>\s+0\/3\/3\s/m);
  });

  it('removing the taint schedules the waiting pod', async () => {
    await c.k(['taint', 'nodes', ...NODES, 'dedicated=gpu:NoSchedule-']);
    await waitBound('untolerated');
  });

  it('a Pending pod is scheduled within a second once a node is labelled to fit', async () => {
    await apply([pod('late', { nodeSelector: { late: 'yes' } })]);
    await waitPending('late');
    const t0 = Date.now();
    await c.k(['label', 'node', 'sim-2', 'late=yes']);
    await waitBound('late', 5000);
    const ms = Date.now() - t0;
    assert.equal((await get('late')).spec.nodeName, 'sim-2');
    // kubectl round trips included: one for the label, one or more to observe the binding.
    assert.ok(ms < 1500, `bound ${ms} ms after the label`);
  });

  it('a high-priority pod preempts a low-priority one; preemptionPolicy Never does not', async () => {
    const pc = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });
    await apply([pc('low', 100), pc('high', 1000), pc('high-never', 1000, { preemptionPolicy: 'Never' })]);
    // cpu 4 per node: one 3-cpu pod fills a node.
    await apply(NODES.map((_, i) => pod(`low-${i}`, { priorityClassName: 'low' }, { tier: 'low' }, '3')));
    await waitFor(async () => (await list('tier=low')).filter((p) => p.spec.nodeName).length === 3, 10_000, 'three low pods bound');

    await apply([pod('never', { priorityClassName: 'high-never' }, {}, '3')]);
    await waitPending('never');
    assert.match(scheduled(await get('never'))?.message ?? '', /^0\/3 nodes are available: 3 Insufficient cpu\. preemption: not eligible due to preemptionPolicy=Never/);
    assert.equal((await list('tier=low')).filter((p) => !p.metadata.deletionTimestamp).length, 3);

    await apply([pod('high', { priorityClassName: 'high' }, {}, '3')]);
    await waitBound('high', 20_000);
    const high = await get('high');
    const lows = await list('tier=low');
    assert.equal(lows.filter((p) => !p.metadata.deletionTimestamp).length, 2);
    const ev = await c.k(['get', 'events', '--field-selector', 'reason=Preempted', '-o', 'jsonpath={.items[0].message}']);
    assert.equal(ev, `Preempted by pod ${high.metadata.uid} on node ${high.spec.nodeName}`);
    // The equal-priority, non-preempting pod is still waiting.
    assert.equal((await get('never')).spec.nodeName, undefined);
    await c.k(['delete', 'pods', '-l', 'tier=low', '--timeout=30s']);
    await c.k(['delete', 'pod', 'high', 'never', '--timeout=30s']);
  });

  it('rejects invalid affinity at create with a 422 naming the field', async () => {
    const bad = pod('bad-op', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disktype', operator: 'Foo', values: ['ssd'] }] }] } } } });
    const r = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(bad) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The Pod "bad-op" is invalid: spec\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.operator: Unsupported value: "Foo": supported values: "DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"/);
    const noKey = pod('bad-key', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } }, topologyKey: '' }] } } });
    const r2 = await c.kubectl(['create', '-f', '-'], { input: JSON.stringify(noKey) });
    assert.match(r2.stderr, /spec\.affinity\.podAntiAffinity\.requiredDuringSchedulingIgnoredDuringExecution\[0\]\.topologyKey: Required value: can not be empty/);
  });

  it('a pod bigger than any node stays Pending with a clear message and does not block others', async () => {
    await apply([pod('giant', {}, {}, '100'), pod('small-after-giant', {}, {}, '100m')]);
    await waitBound('small-after-giant');
    await waitPending('giant');
    assert.match(scheduled(await get('giant'))?.message ?? '', /^0\/3 nodes are available: 3 Insufficient cpu\./);
  });
});
