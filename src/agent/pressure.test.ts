import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { FakeClock } from '../client/fake-clock.js';
import { eventually, startTestApiServer } from '../client/test-apiserver.js';
import { startAgent } from './index.js';
import { IpAllocator } from './ip-allocator.js';
import { hostMeasurements, nodeConditions, parseMemAvailable, pressuresOf, type NodeMeasurements } from './pressure.js';

const Mi = 1024 * 1024;
const healthy: NodeMeasurements = { memoryAvailableBytes: 4096 * Mi, nodefsAvailableBytes: 50e9, nodefsCapacityBytes: 100e9, nodefsInodesFree: 5e6, nodefsInodes: 6e6, pidsInUse: 300, pidMax: 4_194_304 };

test('memory.available under 100Mi is memory pressure, 100Mi is not', () => {
  assert.equal(pressuresOf({ ...healthy, memoryAvailableBytes: 99 * Mi }).memory, true);
  assert.equal(pressuresOf({ ...healthy, memoryAvailableBytes: 100 * Mi }).memory, false);
});

test('nodefs under 10% available or inodes under 5% free is disk pressure', () => {
  assert.equal(pressuresOf({ ...healthy, nodefsAvailableBytes: 9e9 }).disk, true);
  assert.equal(pressuresOf({ ...healthy, nodefsAvailableBytes: 10e9 }).disk, false);
  assert.equal(pressuresOf({ ...healthy, nodefsInodesFree: 0.04 * 6e6 }).disk, true);
  assert.deepEqual(pressuresOf(healthy), { memory: false, disk: false, pid: false });
});

test('fewer than 10% of pid_max available is PID pressure; an unknown pid_max is not', () => {
  assert.equal(pressuresOf({ ...healthy, pidMax: 1000, pidsInUse: 950 }).pid, true);
  assert.equal(pressuresOf({ ...healthy, pidMax: 1000, pidsInUse: 800 }).pid, false);
  assert.equal(pressuresOf({ ...healthy, pidMax: 0, pidsInUse: 800 }).pid, false);
});

test('conditions carry kubelet reasons and messages, and keep lastTransitionTime while unchanged', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const first = nodeConditions({ memory: true, disk: false, pid: false }, t0);
  const mem = first.find((c) => c.type === 'MemoryPressure');
  assert.deepEqual([mem?.status, mem?.reason, mem?.message], ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available']);
  const later = nodeConditions({ memory: true, disk: true, pid: false }, t0 + 10_000, first);
  assert.equal(later.find((c) => c.type === 'MemoryPressure')?.lastTransitionTime, '2026-01-01T00:00:00Z');
  const disk = later.find((c) => c.type === 'DiskPressure');
  assert.deepEqual([disk?.reason, disk?.lastTransitionTime, disk?.lastHeartbeatTime], ['KubeletHasDiskPressure', '2026-01-01T00:00:10Z', '2026-01-01T00:00:10Z']);
});

test('the Ready message carries the runtime note as kubelet appends host notes', () => {
  const ready = nodeConditions({ memory: false, disk: false, pid: false }, 0, [], 'no root: no isolation').find((c) => c.type === 'Ready');
  assert.equal(ready?.message, 'kubelet is posting ready status. no root: no isolation');
});

test('MemAvailable is read from /proc/meminfo in bytes', () => {
  assert.equal(parseMemAvailable('MemTotal:       16000000 kB\nMemAvailable:    2048 kB\n'), 2048 * 1024);
  assert.equal(parseMemAvailable('MemTotal: 1 kB\n'), undefined);
});

test('measuring this machine gives plausible memory, filesystem and PID numbers', () => {
  const m = hostMeasurements(tmpdir())();
  assert.ok(m.memoryAvailableBytes > 0);
  assert.ok(m.nodefsCapacityBytes > 0 && m.nodefsAvailableBytes <= m.nodefsCapacityBytes);
  assert.ok(m.pidMax > 0 && m.pidsInUse > 0 && m.pidsInUse < m.pidMax);
});

test('an adopted address is reserved so the allocator never hands it out', () => {
  const ips = new IpAllocator('10.9.0.0/29'); // .2 .. .6 assignable
  assert.equal(ips.reserve('10.9.0.3'), true);
  assert.equal(ips.reserve('10.9.0.1'), false, 'the gateway is not a pod address');
  assert.equal(ips.reserve('127.0.0.1'), false, 'host-network addresses are outside the range');
  const got = [ips.allocate(), ips.allocate(), ips.allocate(), ips.allocate()];
  assert.deepEqual(got, ['10.9.0.2', '10.9.0.4', '10.9.0.5', '10.9.0.6']);
  assert.throws(() => ips.allocate(), /exhausted/);
});

test('the node status sync reports MemoryPressure from the measurement source as soon as it changes', async () => {
  const api = await startTestApiServer();
  const clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  let sample = healthy;
  const agent = await startAgent({ client: api.newClient(), nodeName: 'node-m', runtime: 'simulated', clock, pressure: { measure: () => sample } });
  const nodeRef = { group: '', version: 'v1', resource: 'nodes', name: 'node-m' };
  const cond = async (type: string): Promise<{ status: string; reason: string } | undefined> =>
    ((await api.client.get(nodeRef)).status as { conditions: { type: string; status: string; reason: string }[] }).conditions.find((c) => c.type === type);
  try {
    assert.equal((await cond('MemoryPressure'))?.status, 'False');
    sample = { ...healthy, memoryAvailableBytes: 50 * Mi };
    clock.advance(10_000);
    await eventually(async () => (await cond('MemoryPressure'))?.status === 'True', 'MemoryPressure=True');
    assert.equal((await cond('MemoryPressure'))?.reason, 'KubeletHasInsufficientMemory');
    assert.equal((await cond('Ready'))?.status, 'True');
  } finally {
    await agent.stop();
    await api.stop();
  }
});
