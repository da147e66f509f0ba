import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BearerTokenAuthenticator, type AudienceAuthRequest, type TokenAuthenticator } from './bearer.js';

/** "aware" names its audiences (as a ServiceAccount JWT); "plain" is audience-agnostic (as a static token). */
const seen: (string[] | undefined)[] = [];
const tokens: TokenAuthenticator = {
  authenticateToken(token, audiences) {
    seen.push(audiences);
    if (token === 'aware') return Promise.resolve({ name: 'sa', groups: [], audiences: (audiences ?? ['api']).filter((a) => a !== 'other') });
    if (token === 'plain') return Promise.resolve({ name: 'tom', groups: [] });
    return Promise.resolve(undefined);
  },
};

test('the wanted audiences reach the token authenticators, and API requests want none', async () => {
  const b = new BearerTokenAuthenticator([tokens]);
  seen.length = 0;
  await b.authenticate({ headers: { authorization: 'Bearer plain' } });
  await b.authenticate({ headers: { authorization: 'Bearer plain' }, audiences: ['vault'] });
  assert.deepEqual(seen, [undefined, ['vault']]);
});

test('an audience-aware token answers its audiences on the request, not in the user', async () => {
  const b = new BearerTokenAuthenticator([tokens]);
  const req: AudienceAuthRequest = { headers: { authorization: 'Bearer aware' }, audiences: ['vault', 'other'] };
  const user = await b.authenticate(req);
  assert.deepEqual(user, { name: 'sa', groups: ['system:authenticated'] });
  assert.deepEqual(req.tokenAudiences, ['vault']);
});

test('an audience-agnostic token leaves the audiences to the caller', async () => {
  const b = new BearerTokenAuthenticator([tokens]);
  const req: AudienceAuthRequest = { headers: { authorization: 'Bearer plain' }, audiences: ['vault'] };
  assert.equal((await b.authenticate(req))?.name, 'tom');
  assert.equal(req.tokenAudiences, undefined);
});
