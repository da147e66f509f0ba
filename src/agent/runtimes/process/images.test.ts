import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultImages, imageShortName, loadImageTable, resolveArgv } from './images.js';

test('image references reduce to their short name', () => {
  assert.equal(imageShortName('docker.io/library/python:3.11-slim'), 'python');
  assert.equal(imageShortName('registry.k8s.io/pause@sha256:abc'), 'pause');
  assert.equal(imageShortName('BusyBox'), 'busybox');
});

test('command and args run as given; args alone replace the image default cmd', () => {
  assert.deepEqual(resolveArgv({ name: 'c', image: 'x', command: ['echo'], args: ['hi'] }, defaultImages), { argv: ['echo', 'hi'] });
  assert.deepEqual(resolveArgv({ name: 'c', image: 'python:3', args: ['-c', 'print(1)'] }, defaultImages), { argv: ['-c', 'print(1)'] });
  assert.deepEqual(resolveArgv({ name: 'c', image: 'curlimages/curl', args: ['-s', 'x'] }, defaultImages), { argv: ['curl', '-s', 'x'] });
  assert.deepEqual(resolveArgv({ name: 'c', image: 'busybox' }, defaultImages), { argv: ['sh'] });
});

test('an unknown image without a command is an error telling to set command or use the cri runtime', () => {
  const r = resolveArgv({ name: 'c', image: 'acme/app' }, defaultImages);
  assert.deepEqual(r, { error: 'image "acme/app" has no command and is not a known image: set command, or use the cri runtime' });
});

test('a JSON file extends the image table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-images-'));
  try {
    const f = join(dir, 'images.json');
    writeFileSync(f, JSON.stringify({ 'acme/app': ['sleep', '60'], memcached: { entrypoint: ['memcached'], cmd: ['-v'] } }));
    const table = loadImageTable(f);
    assert.deepEqual(resolveArgv({ name: 'c', image: 'acme/app:2' }, table), { argv: ['sleep', '60'] });
    assert.deepEqual(resolveArgv({ name: 'c', image: 'memcached' }, table), { argv: ['memcached', '-v'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
