import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { writePayload } from './atomic-writer.js';
import { configMapPayload } from './configmap.js';
import { downwardApiPayload } from './downward-api.js';
import { setUpHostPath } from './host-path.js';
import { secretPayload } from './secret.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'kubeling-vol-test-'));
const file = (s: string, mode = 0o644) => ({ data: Buffer.from(s), mode });

test('the atomic writer exposes files through ..data symlinks and swaps the whole set on update', () => {
  const d = tmp();
  try {
    assert.equal(writePayload(d, new Map([['a', file('1')], ['b', file('2')]]), Date.UTC(2024, 0, 2, 3, 4, 5)), true);
    assert.equal(readlinkSync(join(d, 'a')), '..data/a');
    const first = readlinkSync(join(d, '..data'));
    assert.match(first, /^\.\.2024_01_02_03_04_05\./);
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), '1');
    assert.equal(writePayload(d, new Map([['a', file('1')], ['b', file('2')]]), 0), false, 'an unchanged payload is not rewritten');
    assert.equal(writePayload(d, new Map([['a', file('new')], ['c/d', file('3')]]), Date.UTC(2024, 0, 2, 3, 5)), true);
    assert.equal(readFileSync(join(d, 'a'), 'utf8'), 'new');
    assert.equal(readFileSync(join(d, 'c', 'd'), 'utf8'), '3');
    assert.equal(existsSync(join(d, 'b')), false, 'a key no longer present disappears');
    assert.equal(existsSync(join(d, first)), false, 'the old timestamped directory is removed');
    assert.deepEqual(readdirSync(d).filter((n) => n.startsWith('..')).length, 2, 'only ..data and one timestamped dir remain');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('the atomic writer applies file modes and refuses paths escaping the volume', () => {
  const d = tmp();
  try {
    writePayload(d, new Map([['k', file('x', 0o400)]]), 0);
    assert.equal(statSync(join(d, 'k')).mode & 0o777, 0o400);
    assert.equal(writePayload(d, new Map([['k', file('x', 0o600)]]), 1), true, 'a mode change alone rewrites');
    assert.equal(statSync(join(d, 'k')).mode & 0o777, 0o600);
    for (const bad of ['../x', '/etc/x', '..hidden', 'a/../b']) assert.throws(() => writePayload(d, new Map([[bad, file('x')]]), 0));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

const cm: ConfigMap = { metadata: { name: 'cfg', namespace: 'default' }, data: { a: 'A', b: 'B' }, binaryData: { bin: Buffer.from([0, 1, 2]).toString('base64') } };

test('a configMap payload holds every key with defaultMode 0644, or only the items with their paths and modes', () => {
  const all = configMapPayload('cfg', cm, {}, undefined);
  assert.deepEqual([...all.keys()].sort(), ['a', 'b', 'bin']);
  assert.equal(all.get('a')?.mode, 0o644);
  assert.deepEqual([...(all.get('bin')?.data ?? [])], [0, 1, 2]);
  const items = configMapPayload('cfg', cm, { items: [{ key: 'a', path: 'sub/x.txt', mode: 0o600 }, { key: 'b', path: 'y' }] }, 0o640);
  assert.deepEqual([...items.keys()], ['sub/x.txt', 'y']);
  assert.equal(items.get('sub/x.txt')?.mode, 0o600);
  assert.equal(items.get('y')?.mode, 0o640);
});

test('a missing ConfigMap or item key is an error unless the volume is optional', () => {
  assert.throws(() => configMapPayload('cfg', undefined, {}, undefined), { message: 'configmap "cfg" not found' });
  assert.equal(configMapPayload('cfg', undefined, { optional: true }, undefined).size, 0);
  assert.throws(() => configMapPayload('cfg', cm, { items: [{ key: 'zz', path: 'z' }] }, undefined), { message: 'configmap references non-existent config key: zz' });
  assert.equal(configMapPayload('cfg', cm, { optional: true, items: [{ key: 'zz', path: 'z' }] }, undefined).size, 0);
});

test('a secret payload decodes base64 data', () => {
  const s: Secret = { metadata: { name: 's' }, data: { pw: Buffer.from('hunter2').toString('base64') } };
  assert.equal(secretPayload('s', s, {}, 0o400).get('pw')?.data.toString(), 'hunter2');
  assert.throws(() => secretPayload('s', undefined, {}, undefined), { message: 'secret "s" not found' });
  assert.throws(() => secretPayload('s', s, { items: [{ key: 'x', path: 'x' }] }, undefined), { message: 'references non-existent secret key: x' });
});

test('a downwardAPI payload writes fields, labels as sorted key="value" lines and container resources', () => {
  const pod: Pod = { metadata: { name: 'p', namespace: 'ns', labels: { b: '2', a: 'one "q"' } }, spec: { containers: [{ name: 'c', resources: { limits: { memory: '64Mi' } } }] } };
  const p = downwardApiPayload(pod, [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }, { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'mem', resourceFieldRef: { containerName: 'c', resource: 'limits.memory', divisor: '1Mi' } }, { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } }], undefined, { hostIP: 'h', nodeAllocatable: { cpu: '2' } });
  assert.equal(p.get('name')?.data.toString(), 'p');
  assert.equal(p.get('labels')?.data.toString(), 'a="one \\"q\\""\nb="2"');
  assert.equal(p.get('mem')?.data.toString(), '64');
  assert.equal(p.get('cpu')?.data.toString(), '2000');
});

test('hostPath type checks: *OrCreate create what is missing, other types must already match', () => {
  const d = tmp();
  try {
    const dir = join(d, 'made', 'dir');
    assert.equal(setUpHostPath({ path: dir, type: 'DirectoryOrCreate' }), dir);
    assert.ok(lstatSync(dir).isDirectory());
    const f = join(d, 'f', 'file');
    setUpHostPath({ path: f, type: 'FileOrCreate' });
    assert.ok(lstatSync(f).isFile());
    assert.throws(() => setUpHostPath({ path: f, type: 'Directory' }), /is not a directory/);
    assert.throws(() => setUpHostPath({ path: dir, type: 'File' }), /is not a file/);
    assert.throws(() => setUpHostPath({ path: join(d, 'nope'), type: 'Directory' }), /is not a directory/);
    assert.throws(() => setUpHostPath({ path: f, type: 'Socket' }), /is not a socket file/);
    writeFileSync(join(d, 'x'), '');
    assert.equal(setUpHostPath({ path: join(d, 'anything') }), join(d, 'anything'), 'no type: no check');
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});
