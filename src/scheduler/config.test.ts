import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchedulerConfig, parseSchedulerConfig } from './config.js';
import { SchedulerConfigError } from './profile.js';
import { Scheduler } from './scheduler.js';
import { makeNode, makePod } from './testing.js';

const HEAD = 'apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n';

/** The error message of parsing `text`, failing the test when it parses. */
function errorOf(text: string): string {
  try {
    parseSchedulerConfig(text, 'sched.yaml');
  } catch (e) {
    assert.ok(e instanceof SchedulerConfigError, String(e));
    return e.message;
  }
  assert.fail('the configuration was accepted');
}

test('a YAML file sets profiles, score weights and plugin args', () => {
  const { config } = parseSchedulerConfig(`${HEAD}percentageOfNodesToScore: 30
profiles:
- schedulerName: default-scheduler
  plugins:
    score:
      enabled:
      - name: NodeResourcesFit
        weight: 5
      disabled:
      - name: ImageLocality
- schedulerName: bin-packer
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
        resources: [{name: cpu, weight: 1}]
`);
  const s = new Scheduler({ config });
  const def = s.frameworks.get('default-scheduler')!;
  assert.equal(def.score.find((p) => p.plugin.name === 'NodeResourcesFit')?.weight, 5);
  assert.equal(def.score.some((p) => p.plugin.name === 'ImageLocality'), false);
  assert.equal(def.percentageOfNodesToScore, 30);
  assert.ok(s.frameworks.has('bin-packer'));
});

test('JSON is accepted and a single unnamed profile becomes default-scheduler', () => {
  const { config } = parseSchedulerConfig(JSON.stringify({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', profiles: [{ plugins: {} }] }));
  assert.equal(config.profiles?.[0]?.schedulerName, 'default-scheduler');
});

test('MostAllocated from pluginConfig packs pods onto the fuller node', () => {
  const text = (type: string) => `${HEAD}profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args: {scoringStrategy: {type: ${type}}}
  plugins:
    score:
      disabled: [{name: '*'}]
      enabled: [{name: NodeResourcesFit}]
`;
  const place = (type: string) => {
    const s = new Scheduler({ config: parseSchedulerConfig(text(type)).config, random: () => 0 });
    s.cache.upsertNode(makeNode('empty', { cpu: '4', memory: '8Gi' }));
    s.cache.upsertNode(makeNode('busy', { cpu: '4', memory: '8Gi' }));
    s.cache.upsertPod(makePod('existing', { cpu: '2', memory: '4Gi', nodeName: 'busy' }));
    return s.scheduleOne(makePod('p', { cpu: '1', memory: '1Gi' })).nodeName;
  };
  assert.equal(place('MostAllocated'), 'busy');
  assert.equal(place('LeastAllocated'), 'empty');
});

test('filter.disabled turns a plugin off at that extension point only', () => {
  const { config } = parseSchedulerConfig(`${HEAD}profiles:
- plugins:
    filter:
      disabled: [{name: TaintToleration}]
`);
  const s = new Scheduler({ config, random: () => 0 });
  const fw = s.frameworks.get('default-scheduler')!;
  assert.equal(fw.filter.some((p) => p.name === 'TaintToleration'), false);
  assert.equal(fw.score.some((p) => p.plugin.name === 'TaintToleration'), true);
  s.cache.upsertNode(makeNode('tainted', { taints: [{ key: 'k', effect: 'NoSchedule' }] }));
  assert.equal(s.scheduleOne(makePod('p')).nodeName, 'tainted');
});

test('multiPoint disabled "*" keeps only the plugins enabled again', () => {
  const { config } = parseSchedulerConfig(`${HEAD}profiles:
- plugins:
    multiPoint:
      disabled: [{name: '*'}]
      enabled: [{name: NodeResourcesFit, weight: 3}, {name: NodeName}]
`);
  const fw = new Scheduler({ config }).frameworks.get('default-scheduler')!;
  assert.deepEqual(fw.filter.map((p) => p.name).sort(), ['NodeName', 'NodeResourcesFit']);
  assert.deepEqual(fw.score.map((p) => [p.plugin.name, p.weight]), [['NodeResourcesFit', 3]]);
});

test('the wrong apiVersion is rejected naming the supported one', () => {
  const m = errorOf('apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n');
  assert.match(m, /apiVersion: Unsupported value: "kubescheduler.config.k8s.io\/v1beta3": supported values: "kubescheduler.config.k8s.io\/v1"/);
});

test('unknown fields are errors, as with strict decoding', () => {
  const m = errorOf(`${HEAD}profiles:\n- schedulerName: a\n  plugin: {}\n`);
  assert.match(m, /profiles\[0\]: unknown field "plugin"/);
});

test('an unknown plugin name is rejected with its path', () => {
  const m = errorOf(`${HEAD}profiles:\n- plugins:\n    score:\n      enabled: [{name: NodeResourcesFits}]\n`);
  assert.match(m, /profiles\[0\]\.plugins\.score\.enabled\[0\]\.name: Invalid value: "NodeResourcesFits": plugin not found/);
});

test('a bad scoring strategy type lists the supported ones', () => {
  const m = errorOf(`${HEAD}profiles:\n- pluginConfig:\n  - name: NodeResourcesFit\n    args: {scoringStrategy: {type: Balanced}}\n`);
  assert.match(m, /profiles\[0\]\.pluginConfig\[0\]\.args\.scoringStrategy\.type: Unsupported value: "Balanced": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"/);
});

test('RequestedToCapacityRatio needs an increasing shape with scores up to 10', () => {
  const m = errorOf(`${HEAD}profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: RequestedToCapacityRatio
        requestedToCapacityRatio:
          shape: [{utilization: 50, score: 11}, {utilization: 20, score: 0}]
`);
  assert.match(m, /shape\[0\]\.score: Invalid value: 11: not in valid range \[0-10\]/);
  assert.match(m, /shape\[1\]\.utilization: Invalid value: 20: utilization values must be sorted in increasing order/);
});

test('a RequestedToCapacityRatio shape is accepted and used', () => {
  const { config } = parseSchedulerConfig(`${HEAD}profiles:
- pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: RequestedToCapacityRatio
        resources: [{name: cpu, weight: 2}]
        requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}, {utilization: 100, score: 10}]}
`);
  assert.equal(config.profiles?.[0]?.pluginConfig?.[0]?.name, 'NodeResourcesFit');
});

test('PodTopologySpread default constraints need defaultingType List and no selector', () => {
  const m = errorOf(`${HEAD}profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultConstraints:
      - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {}}
`);
  assert.match(m, /args\.defaultingType: Invalid value: "System": when \.defaultConstraints are not empty, defaultingType can only be "List"/);
  assert.match(m, /defaultConstraints\[0\]\.maxSkew: Invalid value: 0: must be greater than zero/);
  assert.match(m, /defaultConstraints\[0\]\.labelSelector: Forbidden/);
});

test('List default constraints apply to pods without their own', () => {
  const { config } = parseSchedulerConfig(`${HEAD}profiles:
- pluginConfig:
  - name: PodTopologySpread
    args:
      defaultingType: List
      defaultConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}]
`);
  assert.equal(config.profiles?.[0]?.pluginConfig?.[0]?.args?.defaultingType, 'List');
});

test('hardPodAffinityWeight and percentageOfNodesToScore are range checked', () => {
  const m = errorOf(`${HEAD}percentageOfNodesToScore: 101
profiles:
- pluginConfig:
  - name: InterPodAffinity
    args: {hardPodAffinityWeight: 101}
`);
  assert.match(m, /^ {2}- percentageOfNodesToScore: Invalid value: 101: not in valid range \[0-100\]$/m);
  assert.match(m, /profiles\[0\]\.pluginConfig\[0\]\.args\.hardPodAffinityWeight: Invalid value: 101: not in valid range \[0-100\]/);
});

test('several profiles must each be named, uniquely', () => {
  const m = errorOf(`${HEAD}profiles:\n- schedulerName: a\n- {}\n- schedulerName: a\n`);
  assert.match(m, /profiles\[1\]\.schedulerName: Required value/);
  assert.match(m, /profiles\[2\]\.schedulerName: Duplicate value: "a"/);
});

test('enabling a plugin at a point it does not implement is an error', () => {
  const m = errorOf(`${HEAD}profiles:\n- plugins:\n    filter:\n      enabled: [{name: ImageLocality}]\n`);
  assert.match(m, /plugin "ImageLocality" does not extend filter plugin/);
});

test('settings of the kube-scheduler process are accepted with a warning', () => {
  const r = parseSchedulerConfig(`${HEAD}leaderElection: {leaderElect: false}\nprofiles:\n- plugins:\n    multiPoint:\n      disabled: [{name: NodeVolumeLimits}]\n`);
  assert.ok(r.warnings.some((w) => w.startsWith('leaderElection')));
});

test('loadSchedulerConfig reads the file and names it in errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sched-config-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, `${HEAD}profiles:\n- schedulerName: custom\n`);
  assert.equal(loadSchedulerConfig(good).config.profiles?.[0]?.schedulerName, 'custom');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'kind: [');
  assert.throws(() => loadSchedulerConfig(bad), (e: Error) => e instanceof SchedulerConfigError && e.message.startsWith(`${bad}: not valid YAML or JSON`));
  assert.throws(() => loadSchedulerConfig(join(dir, 'missing.yaml')), /ENOENT/);
});
