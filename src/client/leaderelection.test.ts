import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestApiServer, eventually, type TestApiServer } from './test-apiserver.js';
import { FakeClock } from './fake-clock.js';
import { LeaderElector, microTime, type LeaderElectorOptions, type LeaseClient } from './leaderelection.js';
import { ApiStatusError, type ResourceRef } from './rest.js';
import type { KubeObject } from '../api/object.js';

const leaseDurationMs = 15_000;
const renewDeadlineMs = 10_000;
const retryPeriodMs = 2_000;

describe('LeaderElector', () => {
  let srv: TestApiServer;
  let n = 0;
  before(async () => {
    srv = await startTestApiServer();
  });
  after(async () => {
    await srv.stop();
  });

  /** A fresh Lease name per test, electors on one fake clock, and their callback log. */
  function setup() {
    const name = `lease-${++n}`;
    const clock = new FakeClock();
    const events: string[] = [];
    const electors: LeaderElector[] = [];
    const make = (identity: string, extra: Partial<LeaderElectorOptions> = {}) => {
      const e = new LeaderElector({
        client: srv.newClient(),
        namespace: 'default',
        name,
        identity,
        leaseDurationMs,
        renewDeadlineMs,
        retryPeriodMs,
        clock,
        onStartedLeading: () => void events.push(`${identity} started`),
        onStoppedLeading: () => void events.push(`${identity} stopped`),
        ...extra,
      });
      electors.push(e);
      return e;
    };
    const ref: ResourceRef = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespace: 'default', name };
    const lease = async () => (await srv.client.get(ref)).spec as Record<string, unknown>;
    /** Advances the clock by one retry period and waits for every attempt it triggered. */
    const tick = async (ms = retryPeriodMs) => {
      clock.advance(ms);
      await Promise.all(electors.map((e) => e.whenIdle()));
    };
    const stopAll = () => Promise.all(electors.map((e) => e.stop()));
    return { clock, events, make, ref, lease, tick, stopAll };
  }

  it('creates the Lease with holder, duration, acquire and renew times when it is absent', async () => {
    const t = setup();
    const a = t.make('a');
    a.start();
    await a.whenIdle();
    try {
      assert.equal(a.isLeader(), true);
      const spec = await t.lease();
      assert.equal(spec.holderIdentity, 'a');
      assert.equal(spec.leaseDurationSeconds, 15);
      assert.equal(spec.leaseTransitions, 0);
      assert.equal(spec.acquireTime, microTime(t.clock.now()));
      assert.equal(spec.renewTime, microTime(t.clock.now()));
      await eventually(() => t.events.includes('a started'), 'onStartedLeading');
    } finally {
      await t.stopAll();
    }
  });

  it('lets exactly one of two candidates starting together lead', async () => {
    const t = setup();
    const a = t.make('a');
    const b = t.make('b');
    a.start();
    b.start();
    await Promise.all([a.whenIdle(), b.whenIdle()]);
    await t.tick();
    try {
      assert.equal(Number(a.isLeader()) + Number(b.isLeader()), 1);
      const holder = (await t.lease()).holderIdentity;
      assert.equal(holder, a.isLeader() ? 'a' : 'b');
      assert.equal(a.getLeader(), holder);
      assert.equal(b.getLeader(), holder);
    } finally {
      await t.stopAll();
    }
  });

  it('renews every retry period, keeping acquireTime and moving renewTime', async () => {
    const t = setup();
    const a = t.make('a');
    a.start();
    await a.whenIdle();
    try {
      const first = await t.lease();
      await t.tick();
      const second = await t.lease();
      assert.equal(second.acquireTime, first.acquireTime);
      assert.equal(second.renewTime, microTime(t.clock.now()));
      assert.notEqual(second.renewTime, first.renewTime);
      assert.equal(second.leaseTransitions, 0);
    } finally {
      await t.stopAll();
    }
  });

  it('stops the leader work before releasing, and the standby takes over at its next retry', async () => {
    const t = setup();
    let holderWhenStopped: unknown;
    const a = t.make('a', {
      onStoppedLeading: async () => {
        holderWhenStopped = (await t.lease()).holderIdentity;
      },
    });
    const b = t.make('b');
    a.start();
    await a.whenIdle();
    b.start();
    await b.whenIdle();
    try {
      assert.equal(b.isLeader(), false);
      await a.stop();
      assert.equal(holderWhenStopped, 'a', 'onStoppedLeading ran while the Lease was still held');
      const released = await t.lease();
      assert.equal(released.holderIdentity, '');
      assert.equal(a.isLeader(), false);
      await t.tick();
      assert.equal(b.isLeader(), true);
      const spec = await t.lease();
      assert.equal(spec.holderIdentity, 'b');
      assert.equal(spec.leaseTransitions, 1);
      assert.equal(spec.acquireTime, microTime(t.clock.now()));
    } finally {
      await t.stopAll();
    }
  });

  it('takes over a Lease its holder abandoned only after the lease duration has passed', async () => {
    const t = setup();
    const a = t.make('a', { releaseOnCancel: false });
    const b = t.make('b');
    a.start();
    await a.whenIdle();
    b.start();
    await b.whenIdle();
    const observedAt = t.clock.now();
    await a.stop(); // like a crash: the Lease still names a
    try {
      assert.equal((await t.lease()).holderIdentity, 'a');
      while (!b.isLeader()) {
        assert.ok(t.clock.now() - observedAt <= leaseDurationMs + retryPeriodMs, 'took over in time');
        await t.tick();
      }
      const waited = t.clock.now() - observedAt;
      assert.ok(waited >= leaseDurationMs, `waited ${waited} ms`);
      const spec = await t.lease();
      assert.equal(spec.holderIdentity, 'b');
      assert.equal(spec.leaseTransitions, 1);
      assert.deepEqual(t.events, ['a started', 'a stopped', 'b started']);
    } finally {
      await t.stopAll();
    }
  });

  it('gives up leadership when renewals keep failing past the renew deadline', async () => {
    const t = setup();
    const a = t.make('a');
    a.start();
    await a.whenIdle();
    try {
      const lastRenew = t.clock.now();
      // Someone else writes the Lease: each renewal now sees a live foreign holder and fails.
      const obj = await srv.client.get(t.ref);
      await srv.client.update(t.ref, { ...obj, spec: { ...(obj.spec as object), holderIdentity: 'intruder', renewTime: microTime(t.clock.now()) } });
      while (a.isLeader()) {
        assert.ok(t.clock.now() - lastRenew < renewDeadlineMs + retryPeriodMs, 'stepped down in time');
        await t.tick();
      }
      assert.ok(t.clock.now() - lastRenew >= renewDeadlineMs);
      await eventually(() => t.events.includes('a stopped'), 'onStoppedLeading');
      assert.equal((await t.lease()).holderIdentity, 'intruder');
    } finally {
      await t.stopAll();
    }
    assert.equal((await t.lease()).holderIdentity, 'intruder', 'stop() does not release a Lease held by another');
  });

  it('retries a renewal rejected with 409 Conflict without losing leadership', async () => {
    const t = setup();
    const real = srv.newClient();
    let conflicts = 1;
    const client: LeaseClient = {
      get: (ref) => real.get(ref),
      create: (ref, obj) => real.create(ref, obj),
      update: (ref: ResourceRef, obj: KubeObject) => {
        if (conflicts-- > 0) return Promise.reject(new ApiStatusError({ code: 409, reason: 'Conflict', message: 'the object has been modified' }));
        return real.update(ref, obj);
      },
    };
    const a = t.make('a', { client });
    a.start();
    await a.whenIdle();
    try {
      await t.tick();
      assert.equal(a.isLeader(), true);
      await t.tick();
      assert.equal(a.isLeader(), true);
      assert.equal((await t.lease()).renewTime, microTime(t.clock.now()));
      assert.deepEqual(t.events, ['a started']);
    } finally {
      await t.stopAll();
      await real.close();
    }
  });

  it('steps down at the renew deadline while a renewal request is still hanging', async () => {
    const t = setup();
    const real = srv.newClient();
    let hang = false;
    let unblock: (e: Error) => void = () => undefined;
    const client: LeaseClient = {
      get: (ref) => (hang ? new Promise((_, reject) => (unblock = reject)) : real.get(ref)),
      create: (ref, obj) => real.create(ref, obj),
      update: (ref, obj) => real.update(ref, obj),
    };
    const a = t.make('a', { client });
    a.start();
    await a.whenIdle();
    try {
      assert.equal(a.isLeader(), true);
      hang = true;
      t.clock.advance(retryPeriodMs); // the renewal starts and never answers
      t.clock.advance(renewDeadlineMs - retryPeriodMs - 1);
      assert.equal(a.isLeader(), true);
      t.clock.advance(1);
      assert.equal(a.isLeader(), false);
      await eventually(() => t.events.includes('a stopped'), 'onStoppedLeading');
    } finally {
      unblock(new Error('connection reset'));
      await t.stopAll();
      await real.close();
    }
  });

  it('rejects a renew deadline that is not shorter than the lease duration', () => {
    assert.throws(() => new LeaderElector({ client: srv.client, namespace: 'default', name: 'x', identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 }), /leaseDuration must be greater than renewDeadline/);
  });
});
