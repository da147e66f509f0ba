import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../api/errors.js';
import { parseCsv } from './csv.js';
import { BearerTokenAuthenticator, bearerToken, type TokenAuthenticator } from './bearer.js';
import { TokenFileAuthenticator, parseTokenFile } from './token-file.js';

const FILE = 'tok-alice,alice,1001,"dev,ops"\n tok-bob, bob,1002\n\ntok-root,root,0,system:masters\n';

test('the CSV dialect keeps quoted commas, trims leading spaces and skips blank lines', () => {
  const r = parseCsv('a,"b,c",d\r\n\n  x, "y ""q"""\n');
  assert.deepEqual(r.map((x) => x.fields), [['a', 'b,c', 'd'], ['x', 'y "q"']]);
  assert.deepEqual(r.map((x) => x.line), [1, 3]);
  assert.throws(() => parseCsv('a,"unterminated\n'), /extraneous or missing " in quoted-field/);
});

test('a token file line gives user, uid and groups', async () => {
  const a = new TokenFileAuthenticator(parseTokenFile(FILE, 'tokens.csv'));
  assert.deepEqual(await a.authenticateToken('tok-alice'), { name: 'alice', uid: '1001', groups: ['dev', 'ops'] });
  assert.deepEqual(await a.authenticateToken('tok-root'), { name: 'root', uid: '0', groups: ['system:masters'] });
  assert.equal(await a.authenticateToken('tok-nobody'), undefined);
  assert.equal(await a.authenticateToken(''), undefined);
});

test('a token file with fewer than three columns is rejected with the upstream message', () => {
  assert.throws(() => parseTokenFile('tok,alice\n', 'tokens.csv'), { message: "token file 'tokens.csv' must have at least 3 columns (token, user name, user uid), found 2" });
});

test('empty tokens are skipped and duplicates warned about, the later line winning', async () => {
  const warnings: string[] = [];
  const a = new TokenFileAuthenticator(parseTokenFile(',x,1\nt,first,1\nt,second,2\n', 'f', (m) => warnings.push(m)));
  assert.equal((await a.authenticateToken('t'))?.name, 'second');
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /empty token/);
  assert.match(warnings[1]!, /duplicate token/);
});

test('the token file is read from disk', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-tokfile-'));
  try {
    writeFileSync(join(dir, 'tokens.csv'), FILE);
    const a = TokenFileAuthenticator.fromFile(join(dir, 'tokens.csv'));
    assert.equal((await a.authenticateToken('tok-bob'))?.name, 'bob');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('only a Bearer authorization header yields a token', () => {
  assert.equal(bearerToken({ authorization: 'Bearer abc' }), 'abc');
  assert.equal(bearerToken({ authorization: 'bearer  abc ' }), 'abc');
  assert.equal(bearerToken({ authorization: 'Bearer ' }), undefined);
  assert.equal(bearerToken({ authorization: 'Basic YTpi' }), undefined);
  assert.equal(bearerToken({}), undefined);
});

test('the bearer authenticator adds system:authenticated and answers 401 for a token nobody accepts', async () => {
  const file = new TokenFileAuthenticator(parseTokenFile(FILE, 'f'));
  const broken: TokenAuthenticator = { authenticateToken: () => Promise.reject(new Error('storage down')) };
  const b = new BearerTokenAuthenticator([broken, file]);
  assert.deepEqual((await b.authenticate({ headers: { authorization: 'Bearer tok-alice' } }))?.groups, ['dev', 'ops', 'system:authenticated']);
  assert.equal(await b.authenticate({ headers: {} }), undefined);
  await assert.rejects(b.authenticate({ headers: { authorization: 'Bearer wrong' } }), (e) => e instanceof ApiError && e.code === 401 && e.reason === 'Unauthorized');
});
