/**
 * The bootstrap token cleaner (pkg/controller/bootstrap/tokencleaner.go, "tokencleaner"):
 * bootstrap token Secrets in kube-system whose `expiration` has passed are deleted (with a UID
 * precondition); the others are re-checked when they expire.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { ControllerConstructor, ControllerContext } from '../common/controller.js';
import { QueueController } from '../common/queue-controller.js';
import type { ReconcileResult } from '../common/worker.js';
import { isBootstrapTokenSecret, tokenExpiration } from './token.js';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };

/** The running token cleaner. */
export class TokenCleanerController extends QueueController {
  readonly name = 'tokencleaner';
  private readonly secrets: Informer;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.secrets = ctx.informers.informerFor(SECRETS);
    const enqueue = (s: KubeObject): void => {
      if (isBootstrapTokenSecret(s) && s.metadata.name) this.queue.add(`${s.metadata.namespace}/${s.metadata.name}`);
    };
    this.secrets.addHandlers({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n) });
  }

  /** evalSecret: delete when expired, else come back at expiry. */
  async reconcile(key: string): Promise<ReconcileResult | void> {
    const secret = this.secrets.get(key);
    if (!secret || !isBootstrapTokenSecret(secret)) return;
    const exp = tokenExpiration(secret, this.ctx.now());
    if (!exp.expired) return exp.ttlMs !== undefined ? { requeueAfterMs: exp.ttlMs } : undefined;
    try {
      await this.ctx.client.delete({ ...SECRETS, namespace: secret.metadata.namespace, name: secret.metadata.name }, secret.metadata.uid ? { preconditions: { uid: secret.metadata.uid } } : {});
      this.ctx.log?.('expired bootstrap token deleted', { controller: this.name, secret: key });
    } catch (e) {
      // Already gone, or replaced by a newer Secret of the same name (the UID precondition failed).
      if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
    }
  }
}

/** Builds the token cleaner. */
export const tokenCleanerController: ControllerConstructor = (ctx) => new TokenCleanerController(ctx);
