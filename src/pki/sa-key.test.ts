import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServiceAccountKey, generateServiceAccountKey } from './sa-key.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-sakey-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the service account key is created once (0600) and loaded unchanged afterwards', () => {
  withDir((dir) => {
    const a = ensureServiceAccountKey(dir);
    assert.equal(statSync(join(dir, 'sa.key')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, 'sa.pub'), 'utf8'), a.publicKeyPems[0]);
    const b = ensureServiceAccountKey(dir);
    assert.deepEqual(b, a);
  });
});

test('extra public keys in sa.pub are kept for tokens signed before a rotation', () => {
  withDir((dir) => {
    const a = ensureServiceAccountKey(dir);
    const old = generateServiceAccountKey();
    appendFileSync(join(dir, 'sa.pub'), old.publicKeyPems[0]!);
    const b = ensureServiceAccountKey(dir);
    assert.deepEqual(b.publicKeyPems, [a.publicKeyPems[0], old.publicKeyPems[0]]);
  });
});
