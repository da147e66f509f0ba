/**
 * The CSR cleaner (pkg/controller/certificates/cleaner, "csrcleaner"): once an hour every CSR is
 * checked and deleted when it is issued and approved more than 1 h ago, denied or failed more than
 * 1 h ago, pending (no condition) more than 24 h, or its certificate has expired.
 */
import { X509Certificate } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { CSRS } from './common.js';
import { certificateOf, conditionsOf } from './csr.js';

/** Upstream's deadlines. */
export const CleanerDurations = {
  approvedMs: 3_600_000,
  deniedMs: 3_600_000,
  pendingMs: 24 * 3_600_000,
  pollingMs: 3_600_000,
} as const;

function olderThan(ts: string | undefined, ms: number, now: Date): boolean {
  if (!ts) return false;
  const t = Date.parse(ts);
  return Number.isFinite(t) && now.getTime() - t > ms;
}

function conditionTime(csr: KubeObject, type: string): string | undefined {
  const c = conditionsOf(csr).find((x) => x.type === type);
  return c ? (c.lastUpdateTime ?? c.lastTransitionTime) : undefined;
}

/** Why the CSR should go (the upstream check's name), or undefined to keep it. */
export function cleanupReason(csr: KubeObject, now: Date): string | undefined {
  const cert = certificateOf(csr);
  if (cert && olderThan(conditionTime(csr, 'Approved'), CleanerDurations.approvedMs, now)) return 'issued past deadline';
  if (olderThan(conditionTime(csr, 'Denied'), CleanerDurations.deniedMs, now)) return 'denied past deadline';
  if (olderThan(conditionTime(csr, 'Failed'), CleanerDurations.deniedMs, now)) return 'failed past deadline';
  if (conditionsOf(csr).length === 0 && olderThan(csr.metadata.creationTimestamp, CleanerDurations.pendingMs, now)) return 'pending past deadline';
  if (cert) {
    try {
      const pem = Buffer.from(cert, 'base64').toString('utf8');
      if (Date.parse(new X509Certificate(pem).validTo) < now.getTime()) return 'issued certificate expired';
    } catch {
      // an unreadable certificate is not judged by its expiry (upstream logs and keeps it)
    }
  }
  return undefined;
}

/** Options of the cleaner. */
export interface CleanerOptions {
  /** how often every CSR is checked (default 1 h, upstream's pollingInterval) */
  pollingMs?: number;
}

/** The running "csrcleaner" controller: a periodic pass over the informer's cache. */
export class CsrCleanerController implements Controller {
  readonly name = 'csrcleaner';
  private readonly csrs: Informer;
  private timer: unknown;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly ctx: ControllerContext, private readonly opts: CleanerOptions = {}) {
    this.csrs = ctx.informers.informerFor(CSRS);
  }

  /** Runs a first pass now, then one per polling interval. */
  start(): void {
    const tick = (): void => {
      if (this.stopped) return;
      this.running = this.pass().catch((e: unknown) => this.ctx.log?.('csr cleanup failed', { controller: this.name, error: e instanceof Error ? e.message : String(e) }));
      this.timer = this.ctx.clock.setTimeout(tick, this.opts.pollingMs ?? CleanerDurations.pollingMs);
    };
    tick();
  }

  /** Stops the periodic pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: deletes every CSR past its deadline. */
  async pass(): Promise<void> {
    const now = this.ctx.now();
    for (const csr of this.csrs.list()) {
      const why = cleanupReason(csr, now);
      const name = csr.metadata.name;
      if (!why || !name) continue;
      try {
        await this.ctx.client.delete({ ...CSRS, name }, { preconditions: { uid: csr.metadata.uid } });
        this.ctx.log?.('certificate signing request cleaned up', { controller: this.name, csr: name, reason: why });
      } catch (e) {
        if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
      }
    }
  }
}
