/** What the certificate controllers share: the resource references, the CA material and the queue-driven controller shape. */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController } from '../common/queue-controller.js';

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
 * enqueues it (csrsigning and csrapproving both work so).
 */
export abstract class CsrQueueController extends QueueController {
  protected readonly csrs: Informer;

  constructor(ctx: ControllerContext, workerCount = 1) {
    super(ctx, workerCount);
    this.csrs = ctx.informers.informerFor(CSRS);
    const enqueue = (o: KubeObject): void => {
      if (o.metadata.name) this.queue.add(o.metadata.name);
    };
    this.csrs.addHandlers({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  }
}
