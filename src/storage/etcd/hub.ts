/**
 * The store's single etcd watch over its whole key prefix, fanned out to many Store watchers
 * (the role of upstream's Cacher/watchCache). It keeps a bounded window of recent events so a
 * watcher starting a little in the past is served without another etcd watch; subscribers are
 * pushed to synchronously and never block the stream (slow ones are dropped by their queue).
 */
import type { Etcd3 } from 'etcd3';
import type { StorageError, WatchEvent } from '../store.js';
import { openEtcdWatch, type KeyedEvent } from './events.js';

/** A subscriber: its key filter and its sink (returns false once it no longer wants events). */
interface Subscriber {
  match: (key: string) => boolean;
  from: number;
  sink: (ev: WatchEvent) => boolean;
  fail: (err: StorageError) => void;
}

/** Fan-out of one etcd prefix watch with a replay window of `historySize` events. */
export class WatchHub {
  private readonly history: KeyedEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private cancel: (() => void) | undefined;
  private broken: StorageError | undefined;
  /** every event with revision > coveredFrom is in history or still to come */
  private coveredFrom: number;
  /** revision of the newest event seen (or the start revision): the hub is current up to here */
  lastRevision: number;

  private constructor(
    private readonly historySize: number,
    startRevision: number,
  ) {
    this.coveredFrom = startRevision;
    this.lastRevision = startRevision;
  }

  /** Starts watching root (an etcd key prefix) for events after startRevision. */
  static async open(client: Etcd3, root: string, startRevision: number, historySize: number): Promise<WatchHub> {
    const hub = new WatchHub(historySize, startRevision);
    hub.cancel = await openEtcdWatch(client, root, root + '/', true, startRevision + 1, {
      onEvents: (events) => hub.deliver(events),
      onError: (err) => hub.breakDown(err),
    });
    return hub;
  }

  /** False once the underlying etcd watch failed; the store then opens a new hub. */
  get healthy(): boolean {
    return this.broken === undefined;
  }

  /**
   * Subscribes to events with revision > from whose key matches. Returns undefined when the
   * window no longer reaches back to `from` (the caller then needs its own etcd watch).
   */
  subscribe(
    match: (key: string) => boolean,
    from: number,
    sink: (ev: WatchEvent) => boolean,
    fail: (err: StorageError) => void,
  ): (() => void) | undefined {
    if (this.broken || from < this.coveredFrom) return undefined;
    const sub: Subscriber = { match, from, sink, fail };
    for (const { key, event } of this.history) {
      if (event.revision > from && match(key) && !sink(event)) return () => undefined;
    }
    this.subscribers.add(sub);
    return () => {
      this.subscribers.delete(sub);
    };
  }

  private deliver(events: KeyedEvent[]): void {
    for (const ke of events) {
      this.history.push(ke);
      this.lastRevision = Math.max(this.lastRevision, ke.event.revision);
    }
    this.trim();
    for (const sub of [...this.subscribers]) {
      for (const { key, event } of events) {
        if (event.revision <= sub.from || !sub.match(key)) continue;
        if (!sub.sink(event)) {
          this.subscribers.delete(sub);
          break;
        }
      }
    }
  }

  private trim(): void {
    while (this.history.length > this.historySize) {
      const first = this.history[0]!;
      // evict whole revisions so the window boundary is a clean revision
      const rev = first.event.revision;
      while (this.history.length > 0 && this.history[0]!.event.revision === rev) this.history.shift();
      this.coveredFrom = rev;
    }
  }

  private breakDown(err: StorageError): void {
    this.broken = err;
    for (const sub of this.subscribers) sub.fail(err);
    this.subscribers.clear();
    this.cancel?.();
  }

  /** Cancels the etcd watch; subscribers are ended by the store. */
  close(): void {
    this.subscribers.clear();
    this.cancel?.();
    this.cancel = undefined;
  }
}
