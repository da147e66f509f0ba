import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBootstrapToken, secretValue, tokenExpiration } from '../controllers/bootstrap/index.js';
import { UsageError } from './options.js';
import { generateToken, parseGoDuration, shortHumanDuration, tokenIdOf, tokenRows, tokenSecret, tokenSpec } from './token.js';

const now = new Date('2026-12-01T10:00:00Z');

describe('kubeling token', () => {
  it('generates tokens of the bootstrap shape', () => {
    for (let i = 0; i < 20; i++) assert.ok(parseBootstrapToken(generateToken()));
  });

  it('rejects tokens of the wrong shape', () => {
    for (const bad of ['abcdef0123456789abcdef', 'ABCDEF.0123456789abcdef', 'abcde.0123456789abcdef', 'abcdef.0123456789abcde!']) assert.equal(parseBootstrapToken(bad), undefined);
    assert.throws(() => tokenSpec({ ttl: '24h', groups: '', usages: 'signing' }, 'nope'), UsageError);
  });

  it('parses Go durations', () => {
    assert.equal(parseGoDuration('24h'), 86_400_000);
    assert.equal(parseGoDuration('1h30m'), 5_400_000);
    assert.equal(parseGoDuration('0'), 0);
    assert.throws(() => parseGoDuration('1 day'), UsageError);
  });

  it('writes the kubeadm Secret: id, secret, usages, groups and expiration', () => {
    const spec = tokenSpec({ ttl: '2h', description: 'for n1', groups: 'system:bootstrappers:kubeadm:default-node-token', usages: 'signing,authentication' }, 'abcdef.0123456789abcdef');
    const s = tokenSecret(spec, now);
    assert.equal(s.metadata.name, 'bootstrap-token-abcdef');
    assert.equal(s.metadata.namespace, 'kube-system');
    assert.equal(s.type, 'bootstrap.kubernetes.io/token');
    assert.equal(secretValue(s, 'token-secret'), '0123456789abcdef');
    assert.equal(secretValue(s, 'usage-bootstrap-authentication'), 'true');
    assert.equal(secretValue(s, 'usage-bootstrap-signing'), 'true');
    assert.equal(secretValue(s, 'auth-extra-groups'), 'system:bootstrappers:kubeadm:default-node-token');
    assert.equal(secretValue(s, 'expiration'), '2026-12-01T12:00:00Z');
    assert.equal(tokenExpiration(s, now).ttlMs, 7_200_000);
  });

  it('refuses extra groups outside system:bootstrappers', () => {
    assert.throws(() => tokenSpec({ ttl: '1h', groups: 'system:masters', usages: 'authentication' }, undefined), /must match/);
  });

  it('lists tokens with TTL, expiry, usages, description and groups as kubeadm', () => {
    const forever = tokenSecret(tokenSpec({ ttl: '0', groups: '', usages: 'authentication' }, 'zzzzzz.0123456789abcdef'), now);
    const day = tokenSecret(tokenSpec({ ttl: '24h', description: 'x', groups: 'system:bootstrappers:a', usages: 'signing,authentication' }, 'abcdef.0123456789abcdef'), now);
    assert.deepEqual(tokenRows([day, forever], now), [
      ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'],
      ['abcdef.0123456789abcdef', '1d', '2026-12-02T10:00:00Z', 'authentication,signing', 'x', 'system:bootstrappers:a'],
      ['zzzzzz.0123456789abcdef', '<forever>', '<never>', 'authentication', '<none>', '<none>'],
    ]);
    assert.equal(shortHumanDuration(23 * 3_600_000 + 59 * 60_000), '23h');
  });

  it('deletes by token id or by whole token', () => {
    assert.equal(tokenIdOf('abcdef'), 'abcdef');
    assert.equal(tokenIdOf('abcdef.0123456789abcdef'), 'abcdef');
    assert.throws(() => tokenIdOf('abc'), /didn't match pattern/);
  });

  it('treats an unparseable expiration as expired, as the token cleaner does', () => {
    const s = { metadata: { namespace: 'kube-system' }, type: 'bootstrap.kubernetes.io/token', data: { expiration: Buffer.from('tomorrow').toString('base64') } };
    assert.deepEqual(tokenExpiration(s, now), { expired: true });
  });
});
