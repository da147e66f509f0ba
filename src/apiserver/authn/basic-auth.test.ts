import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../api/errors.js';
import { BasicAuthAuthenticator, basicCredentials, parsePasswordFile } from './basic-auth.js';

const auth = new BasicAuthAuthenticator(parsePasswordFile('s3cret,alice,1001,"dev,ops"\npw,bob,1002\n', 'passwords.csv'));
const basic = (user: string, pw: string) => ({ headers: { authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` } });

test('a user with the right password authenticates with the file groups and system:authenticated', async () => {
  assert.deepEqual(await auth.authenticate(basic('alice', 's3cret')), { name: 'alice', uid: '1001', groups: ['dev', 'ops', 'system:authenticated'] });
  assert.deepEqual((await auth.authenticate(basic('bob', 'pw')))?.groups, ['system:authenticated']);
});

test('a wrong password or an unknown user is a 401', async () => {
  for (const [u, p] of [['alice', 'wrong'], ['alice', ''], ['mallory', 's3cret'], ['', '']] as const) {
    await assert.rejects(auth.authenticate(basic(u, p)), (e) => e instanceof ApiError && e.code === 401 && e.message === 'Unauthorized', `${u}:${p}`);
  }
});

test('requests without basic credentials are not handled', async () => {
  assert.equal(await auth.authenticate({ headers: {} }), undefined);
  assert.equal(await auth.authenticate({ headers: { authorization: 'Bearer x' } }), undefined);
  // base64 without a colon is not a basic credential (Go's BasicAuth reports not found)
  assert.equal(basicCredentials({ authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }), undefined);
});

test('a password may contain colons', () => {
  assert.deepEqual(basicCredentials(basic('alice', 'a:b:c').headers), ['alice', 'a:b:c']);
});

test('a password file with fewer than three columns is rejected with the upstream message', () => {
  assert.throws(() => parsePasswordFile('pw,alice\n', 'p.csv'), { message: "password file 'p.csv' must have at least 3 columns (password, user name, user uid), found 2" });
});
