/**
 * The storage conformance suite every backend runs (as upstream's
 * k8s.io/apiserver/pkg/storage/testing suite is run by etcd3 and the watch cache). Call
 * runStoreConformance from a backend's *.test.ts. Assertions are relative (revisions compared,
 * never hard-coded) so a shared etcd cluster can run it too.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import type { ConformanceOptions, StoreFactory } from './conformance-helpers.js';
import { NS, cm, increment, key, rejectsWith, rvOf, withStore } from './conformance-helpers.js';
import { runWatchConformance } from './conformance-watch.js';

export type { ConformanceOptions, StoreFactory } from './conformance-helpers.js';

/**
 * Declares describe(name) with the full Store contract. makeStore gives a fresh store per test;
 * its cleanup must close the store (close is idempotent) and remove its data.
 */
export function runStoreConformance(
  name: string,
  makeStore: () => Promise<{ store: import('./store.js').Store; cleanup: () => Promise<void> }>,
  options: ConformanceOptions = {},
): void {
  const make: StoreFactory = makeStore;
  const run = (fn: Parameters<typeof withStore>[1]) => () => withStore(make, fn);
  describe(name, () => {
    describe('revisions and create/get', () => {
      it('bumps one cluster-wide revision on every write and stamps it as resourceVersion', run(async (s) => {
        const r0 = await s.currentRevision();
        const a = await s.create(key('a'), cm('a'));
        const b = await s.create(`/core/secrets/default/b`, cm('b'));
        assert.ok(rvOf(a) > r0);
        assert.ok(rvOf(b) > rvOf(a), 'revision is shared across resources');
        assert.equal(await s.currentRevision(), rvOf(b));
        const u = await increment(s, key('a'));
        assert.ok(rvOf(u) > rvOf(b));
        const d = await s.delete(key('a'));
        assert.ok(rvOf(d) > rvOf(u));
        assert.equal(await s.currentRevision(), rvOf(d));
      }));

      it('creates only when absent and reports KeyExists otherwise', run(async (s) => {
        await s.create(key('a'), cm('a'));
        await rejectsWith(s.create(key('a'), cm('a', { k: 'other' })), 'KeyExists');
        assert.deepEqual((await s.get(key('a')))?.data, { k: 'v' });
      }));

      it('gets the stored object with its resourceVersion, or undefined when absent', run(async (s) => {
        const created = await s.create(key('a'), cm('a'));
        const got = await s.get(key('a'));
        assert.deepEqual(got, created);
        assert.equal(await s.get(key('missing')), undefined);
      }));

      it('returns private copies that callers may mutate', run(async (s) => {
        const created = await s.create(key('a'), cm('a'));
        created.metadata.name = 'mutated';
        const got = await s.get(key('a'));
        assert.ok(got);
        got.metadata.labels = { x: 'y' };
        assert.equal((await s.get(key('a')))?.metadata.name, 'a');
        assert.deepEqual((await s.get(key('a')))?.metadata.labels, {});
      }));
    });

    describe('guaranteedUpdate', () => {
      it('writes the result of tryUpdate and bumps the resourceVersion', run(async (s) => {
        const c = await s.create(key('a'), cm('a'));
        const u = await s.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { k: 'v2' } }));
        assert.ok(rvOf(u) > rvOf(c));
        assert.deepEqual(await s.get(key('a')), u);
      }));

      it('lands every one of 20 concurrent increments', run(async (s) => {
        await s.create(key('counter'), cm('counter', { count: '0' }));
        await Promise.all(Array.from({ length: 20 }, () => increment(s, key('counter'))));
        assert.deepEqual((await s.get(key('counter')))?.data, { count: '20' });
      }));

      it('writes nothing when tryUpdate returns an equal object', run(async (s) => {
        const c = await s.create(key('a'), cm('a'));
        const before = await s.currentRevision();
        const u = await s.guaranteedUpdate(key('a'), (cur) => structuredClone(cur!));
        assert.equal(u.metadata.resourceVersion, c.metadata.resourceVersion);
        assert.equal(await s.currentRevision(), before);
      }));

      it('fails with Conflict when expectedResourceVersion is stale', run(async (s) => {
        const c = await s.create(key('a'), cm('a'));
        await increment(s, key('a'));
        await rejectsWith(s.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { k: 'x' } }), { expectedResourceVersion: c.metadata.resourceVersion }), 'Conflict');
        const ok = await s.guaranteedUpdate(key('a'), (cur) => ({ ...cur!, data: { k: 'x' } }), { expectedResourceVersion: (await s.get(key('a')))!.metadata.resourceVersion });
        assert.deepEqual(ok.data, { k: 'x' });
      }));

      it('fails with NotFound for an absent key unless allowCreate is set', run(async (s) => {
        await rejectsWith(s.guaranteedUpdate(key('a'), (cur) => cur!), 'NotFound');
        let seen: KubeObject | undefined | 'unset' = 'unset';
        const created = await s.guaranteedUpdate(key('a'), (cur) => ((seen = cur), cm('a')), { allowCreate: true });
        assert.equal(seen, undefined);
        assert.deepEqual(await s.get(key('a')), created);
      }));

      it('propagates an error thrown by tryUpdate and writes nothing', run(async (s) => {
        await s.create(key('a'), cm('a'));
        const before = await s.currentRevision();
        await assert.rejects(s.guaranteedUpdate(key('a'), () => { throw new Error('admission said no'); }), /admission said no/);
        assert.equal(await s.currentRevision(), before);
      }));
    });

    describe('delete', () => {
      it('returns the deleted object carrying the deletion revision', run(async (s) => {
        const c = await s.create(key('a'), cm('a'));
        const d = await s.delete(key('a'));
        assert.ok(rvOf(d) > rvOf(c));
        assert.equal(rvOf(d), await s.currentRevision());
        assert.deepEqual(d.data, { k: 'v' });
        assert.equal(await s.get(key('a')), undefined);
        await rejectsWith(s.delete(key('a')), 'NotFound');
      }));

      it('enforces uid (PreconditionFailed) and resourceVersion (Conflict) preconditions', run(async (s) => {
        const c = await s.create(key('a'), cm('a'));
        await rejectsWith(s.delete(key('a'), { uid: 'someone-else' }), 'PreconditionFailed');
        await rejectsWith(s.delete(key('a'), { resourceVersion: String(rvOf(c) - 1) }), 'Conflict');
        assert.ok(await s.get(key('a')), 'a failed precondition deletes nothing');
        const d = await s.delete(key('a'), { uid: c.metadata.uid, resourceVersion: c.metadata.resourceVersion });
        assert.equal(d.metadata.uid, c.metadata.uid);
      }));
    });

    describe('list', () => {
      it('lists a prefix ordered by key without matching sibling prefixes', run(async (s) => {
        for (const n of ['c', 'a', 'b']) await s.create(key(n), cm(n));
        await s.create(key('x', 'default2'), cm('x', {}, 'default2'));
        await s.create('/core/configmaps/default', cm('odd'));
        const r = await s.list(NS);
        assert.deepEqual(r.items.map((o) => o.metadata.name), ['a', 'b', 'c']);
        assert.equal(r.resourceVersion, await s.currentRevision());
        assert.equal(r.continueToken, undefined);
        const all = await s.list('/core/configmaps/');
        assert.equal(all.items.length, 5);
      }));

      it('reads exactly at an old revision and sees the old state', run(async (s) => {
        await s.create(key('a'), cm('a', { v: '1' }));
        const r1 = await s.currentRevision();
        await s.guaranteedUpdate(key('a'), (c) => ({ ...c!, data: { v: '2' } }));
        await s.create(key('b'), cm('b'));
        await s.delete(key('a'));
        const old = await s.list(NS, { resourceVersion: r1, exact: true });
        assert.equal(old.resourceVersion, r1);
        assert.deepEqual(old.items.map((o) => [o.metadata.name, o.data, o.metadata.resourceVersion]), [['a', { v: '1' }, String(r1)]]);
        const now = await s.list(NS);
        assert.deepEqual(now.items.map((o) => o.metadata.name), ['b']);
      }));

      it('serves resourceVersion "not older than" from current state and rejects future exact reads', run(async (s) => {
        await s.create(key('a'), cm('a'));
        const r1 = await s.currentRevision();
        await s.create(key('b'), cm('b'));
        const r = await s.list(NS, { resourceVersion: r1 });
        assert.ok(r.resourceVersion >= r1);
        assert.equal(r.items.length, 2);
        const any = await s.list(NS, { resourceVersion: 0 });
        assert.equal(any.items.length, 2);
        await rejectsWith(s.list(NS, { resourceVersion: (await s.currentRevision()) + 1000, exact: true }), 'TooLarge');
      }));

      it('answers Gone for an exact read below the compacted revision', run(async (s) => {
        await s.create(key('a'), cm('a'));
        const r1 = await s.currentRevision();
        await increment(s, key('a'));
        const r2 = await s.currentRevision();
        await s.compact(r2);
        assert.ok((await s.compactedRevision()) >= r2);
        await rejectsWith(s.list(NS, { resourceVersion: r1, exact: true }), 'Gone');
        const atCompacted = await s.list(NS, { resourceVersion: r2, exact: true });
        assert.deepEqual(atCompacted.items.map((o) => o.metadata.resourceVersion), [String(r2)]);
      }));

      it('pages with limit/continue over one consistent snapshot', run(async (s) => {
        for (let i = 0; i < 10; i++) await s.create(key(`o${i}`), cm(`o${i}`));
        const first = await s.list(NS, { limit: 3 });
        assert.equal(first.items.length, 3);
        assert.ok(first.continueToken);
        assert.equal(first.remainingItemCount, 7);
        // Writes between pages must not show up: the snapshot is the first page's revision.
        await s.create(key('o99'), cm('o99'));
        await s.delete(key('o5'));
        await increment(s, key('o7'));
        const names = first.items.map((o) => o.metadata.name);
        let token: string | undefined = first.continueToken;
        while (token) {
          const page = await s.list(NS, { limit: 3, continueToken: token });
          assert.equal(page.resourceVersion, first.resourceVersion);
          names.push(...page.items.map((o) => o.metadata.name!));
          for (const o of page.items) assert.ok(rvOf(o) <= first.resourceVersion);
          token = page.continueToken;
        }
        assert.deepEqual(names, Array.from({ length: 10 }, (_, i) => `o${i}`));
      }));

      it('fills pages with up to limit matches when a predicate filters', run(async (s) => {
        for (let i = 0; i < 10; i++) await s.create(key(`o${i}`), { ...cm(`o${i}`), metadata: { ...cm(`o${i}`).metadata, labels: { even: String(i % 2 === 0) } } });
        const predicate = (o: KubeObject) => o.metadata.labels?.even === 'true';
        const names: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await s.list(NS, { limit: 2, continueToken: token, predicate });
          pages++;
          token = page.continueToken;
          if (token) assert.equal(page.items.length, 2, 'a page that is not the last holds `limit` matches');
          names.push(...page.items.map((o) => o.metadata.name!));
        } while (token && pages < 10);
        assert.deepEqual(names, ['o0', 'o2', 'o4', 'o6', 'o8']);
        assert.ok(pages <= 4);
      }));

      it('answers Gone for a continue token whose revision was compacted', run(async (s) => {
        for (let i = 0; i < 4; i++) await s.create(key(`o${i}`), cm(`o${i}`));
        const first = await s.list(NS, { limit: 2 });
        await increment(s, key('o3'));
        await s.compact(await s.currentRevision());
        await rejectsWith(s.list(NS, { limit: 2, continueToken: first.continueToken }), 'Gone');
      }));
    });

    describe('compaction', () => {
      it('records the compacted revision', run(async (s) => {
        await s.create(key('a'), cm('a'));
        await increment(s, key('a'));
        const r = await s.currentRevision();
        await s.compact(r);
        assert.ok((await s.compactedRevision()) >= r);
        assert.deepEqual((await s.get(key('a')))?.data, { k: 'v', count: '1' }, 'live objects survive compaction');
      }));

      it('does not grow history for a frequently renewed Lease once compacted', run(async (s) => {
        const lk = '/coordination.k8s.io/leases/kube-node-lease/node-1';
        await s.create(lk, cm('node-1', { renew: '0' }, 'kube-node-lease'));
        const early = await s.currentRevision();
        const renewals = options.leaseRenewals ?? 1000;
        for (let i = 1; i <= renewals; i++) await s.guaranteedUpdate(lk, (c) => ({ ...c!, data: { renew: String(i) } }));
        await s.create(key('gone'), cm('gone'));
        await s.delete(key('gone'));
        await s.compact(await s.currentRevision());
        await rejectsWith(s.list('/coordination.k8s.io/leases/', { resourceVersion: early, exact: true }), 'Gone');
        assert.deepEqual((await s.get(lk))?.data, { renew: String(renewals) });
        if (s.stats) {
          const st = await s.stats();
          assert.ok(st.historyRows <= 2, `expected only live rows after compaction, got ${st.historyRows}`);
        }
      }));
    });

    runWatchConformance(make, options);
  });
}
