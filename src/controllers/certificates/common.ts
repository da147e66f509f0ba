/** What the certificate controllers share: the resource references, the CA material and the queue-driven controller shape. */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../common/controller.js';
import { runWorkers } from '../common/worker.js';

/** certificates.k8s.io/v1 certificatesigningrequests. */
export const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };

/** authorization.k8s.io/v1 subjectaccessreviews. */
export const SUBJECT_ACCESS_REVIEWS = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews' };

/** The cluster CA (PEM certificate and PKCS#8 key) the signer issues with. */
export interface CaKeyPair {
  certPem: string;
  keyPem: string;
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A controller that reconciles CSRs by name: every add and update of a CertificateSigningRequest
 * enqueues it, and `workers` workers call reconcile (csrsigning and csrapproving both work so).
 */
export abstract class CsrQueueController implements Controller {
  abstract readonly name: string;
  readonly queue: WorkQueue;
  protected readonly csrs: Informer;
  private workers: Promise<void> | undefined;

  constructor(
    protected readonly ctx: ControllerContext,
    private readonly workerCount = 1,
  ) {
    this.queue = new WorkQueue({ clock: ctx.clock });
    this.csrs = ctx.informers.informerFor(CSRS);
    const enqueue = (o: KubeObject): void => {
      if (o.metadata.name) this.queue.add(o.metadata.name);
    };
    this.csrs.addHandlers({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  }

  /** Acts on one CSR by name. */
  abstract reconcile(name: string): Promise<void>;

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.workerCount, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }
}
