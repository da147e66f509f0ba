/**
 * The event recorder every component (scheduler, controllers, agents) uses to report what it did,
 * as client-go's tools/record does: core/v1 Events named `<object>.<hex nanoseconds>`, exact
 * repeats folded into one Event whose count and lastTimestamp grow (EventLogger), more than ten
 * distinct messages for the same object and reason within ten minutes folded into one
 * "(combined from similar events)" Event (EventAggregator), and a per-object token bucket
 * (burst 25, one token per five minutes) so a hot loop cannot flood the store (EventSourceObjectSpamFilter).
 *
 * Writes go through an EventSink, so the recorder works in-process or over HTTP alike; failures
 * are reported to a log callback and never thrown into the caller's reconcile loop.
 */
import type { KubeObject } from '../api/object.js';

/** The object an event is about (core/v1 ObjectReference). */
export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export type EventType = 'Normal' | 'Warning';

/** Where events are written: a create of a new Event, or a patch of a repeated one. */
export interface EventSink {
  create(namespace: string, event: KubeObject): Promise<void>;
  /** merge-patches count, lastTimestamp and message of an existing event */
  patch(namespace: string, name: string, patch: { count: number; lastTimestamp: string; message: string }): Promise<void>;
}

export interface RecorderOptions {
  /** source.component / reportingComponent, e.g. "default-scheduler", "deployment-controller" */
  component: string;
  /** source.host (node agents) and reportingInstance */
  host?: string;
  now?: () => Date;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}

/** Upstream defaults of the correlator (k8s.io/client-go/tools/record/events_cache.go). */
const MAX_SIMILAR = 10;
const AGGREGATE_WINDOW_MS = 600_000;
const CACHE_SIZE = 4096;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: string;
}

interface Similar {
  messages: Set<string>;
  windowStart: number;
}

interface Bucket {
  tokens: number;
  last: number;
}

/** A bounded map that forgets its oldest entry first (the correlator's LRU caches). */
class Lru<V> {
  private readonly m = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  set(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > this.size) this.m.delete(this.m.keys().next().value as string);
  }
}

/** Records events with upstream's aggregation, deduplication and spam filtering. */
export class EventRecorder {
  private readonly now: () => Date;
  private readonly seen = new Lru<Seen>(CACHE_SIZE);
  private readonly similar = new Lru<Similar>(CACHE_SIZE);
  private readonly buckets = new Lru<Bucket>(CACHE_SIZE);
  /** writes are serialised so a create always lands before the patches that count its repeats */
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: EventSink,
    private readonly opts: RecorderOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  /** Records an event about `target`; returns at once (the write happens in the background). */
  event(target: EventTarget | KubeObject, type: EventType, reason: string, message: string): void {
    const ref = toReference(target);
    const nowDate = this.now();
    const now = nowDate.getTime();
    const objKey = [ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid].join('/');
    if (!this.allow(objKey, now)) {
      this.opts.log?.('event dropped by the spam filter', { object: objKey, reason });
      return;
    }
    const aggKey = [this.opts.component, this.opts.host ?? '', objKey, type, reason].join('\u0000');
    let msg = message;
    let dedupKey = `${aggKey}\u0000${message}`;
    let sim = this.similar.get(aggKey);
    if (!sim || now - sim.windowStart > AGGREGATE_WINDOW_MS) sim = { messages: new Set(), windowStart: now };
    sim.messages.add(message);
    this.similar.set(aggKey, sim);
    if (sim.messages.size > MAX_SIMILAR) {
      // Too many distinct messages for one object and reason: fold them into one event.
      msg = `(combined from similar events): ${message}`;
      dedupKey = aggKey;
    }
    const ts = nowDate.toISOString().replace(/\.\d+Z$/, 'Z');
    const prev = this.seen.get(dedupKey);
    if (prev) {
      prev.count++;
      const patch = { count: prev.count, lastTimestamp: ts, message: msg };
      this.enqueue(() => this.sink.patch(prev.namespace, prev.name, patch));
      return;
    }
    const namespace = ref.namespace || 'default';
    const name = `${ref.name ?? 'unknown'}.${(BigInt(now) * 1_000_000n + BigInt(this.seq++ % 1_000_000)).toString(16)}`;
    this.seen.set(dedupKey, { name, namespace, count: 1, firstTimestamp: ts });
    const ev: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: ref,
      reason,
      message: msg,
      source: { component: this.opts.component, ...(this.opts.host ? { host: this.opts.host } : {}) },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
    this.enqueue(() => this.sink.create(namespace, ev));
  }

  /** Resolves when every event recorded so far has been written (or failed). */
  flush(): Promise<void> {
    return this.tail;
  }

  private seq = 0;

  private enqueue(write: () => Promise<void>): void {
    this.tail = this.tail.then(write).catch((e: unknown) => {
      this.opts.log?.('event write failed', { error: e instanceof Error ? e.message : String(e) });
    });
  }

  /** Token bucket per object: 25 events at once, then one more every five minutes. */
  private allow(key: string, now: number): boolean {
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, last: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.last) / SPAM_REFILL_MS);
    b.last = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }
}

function toReference(t: EventTarget | KubeObject): EventTarget {
  if ('metadata' in t && t.metadata && typeof t.metadata === 'object') {
    const o = t;
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
    };
  }
  return t;
}
