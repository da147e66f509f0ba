/**
 * The legacy ServiceAccount tokens controller (pkg/controller/serviceaccount/tokens_controller.go):
 * a Secret of type kubernetes.io/service-account-token annotated with
 * `kubernetes.io/service-account.name` gets `data.token` (a secret-based JWT), `data.ca.crt` and
 * `data.namespace`, and the `kubernetes.io/service-account.uid` annotation. A token Secret whose
 * ServiceAccount is gone (or has another uid) is deleted, and deleting a ServiceAccount deletes
 * its token Secrets. The cache decides when to act; before deleting, a live read confirms.
 */
import type { KubeObject } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { ControllerConstructor, ControllerContext } from '../common/controller.js';
import { QueueController } from '../common/queue-controller.js';

const SECRETS = { group: '', version: 'v1', resource: 'secrets' };
const SERVICE_ACCOUNTS = { group: '', version: 'v1', resource: 'serviceaccounts' };
/** The Secret type this controller fills. */
export const SA_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SA_NAME_ANNOTATION = 'kubernetes.io/service-account.name';
export const SA_UID_ANNOTATION = 'kubernetes.io/service-account.uid';

/** Signs a legacy token for a ServiceAccount's Secret (ServiceAccountTokenIssuer.legacy). */
export type LegacyTokenSigner = (namespace: string, serviceAccount: { name: string; uid: string }, secretName: string) => Promise<string>;

/** Options: the signer and the CA bundle written to ca.crt (default: the CA the client trusts). */
export interface TokensControllerOptions {
  sign: LegacyTokenSigner;
  caPem?: string;
  workers?: number;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** What a token Secret needs, given its ServiceAccount (undefined: it is gone → delete the Secret). */
export function tokenSecretNeeds(secret: KubeObject, sa: KubeObject | undefined, caPem: string): 'delete' | { token: boolean; ca: boolean; namespace: boolean; uid: boolean } {
  const wantUid = secret.metadata.annotations?.[SA_UID_ANNOTATION];
  if (!sa || (wantUid && sa.metadata.uid !== wantUid)) return 'delete';
  const data = (secret.data ?? {}) as Record<string, string>;
  return {
    token: !data.token,
    ca: data['ca.crt'] !== b64(caPem),
    namespace: data.namespace !== b64(secret.metadata.namespace ?? ''),
    uid: wantUid !== sa.metadata.uid,
  };
}

/** The running tokens controller. */
export class TokensController extends QueueController {
  readonly name = 'serviceaccount-token';
  private readonly secrets: Informer;
  private readonly accounts: Informer;
  private readonly caPem: string;

  constructor(ctx: ControllerContext, private readonly opts: TokensControllerOptions) {
    super(ctx, opts.workers ?? 1);
    this.caPem = opts.caPem ?? ctx.client.opts.caPem;
    this.secrets = ctx.informers.informerFor(SECRETS);
    this.accounts = ctx.informers.informerFor(SERVICE_ACCOUNTS);
    const secretChanged = (s: KubeObject): void => {
      if ((s as { type?: string }).type === SA_TOKEN_TYPE && s.metadata.namespace) this.queue.add(`${s.metadata.namespace}/${s.metadata.name ?? ''}`);
    };
    this.secrets.addHandlers({ onAdd: secretChanged, onUpdate: (_o, s) => secretChanged(s) });
    // A deleted ServiceAccount: each of its token Secrets is re-synced (and so deleted).
    this.accounts.addHandlers({
      onDelete: (sa) => {
        for (const s of this.secrets.list()) {
          if (s.metadata.namespace === sa.metadata.namespace && s.metadata.annotations?.[SA_NAME_ANNOTATION] === sa.metadata.name) secretChanged(s);
        }
      },
    });
  }

  /** syncSecret(ns/name): fill, repair or delete one token Secret. */
  async reconcile(key: string): Promise<void> {
    const secret = this.secrets.get(key);
    if (!secret || secret.metadata.deletionTimestamp || (secret as { type?: string }).type !== SA_TOKEN_TYPE) return;
    const ns = secret.metadata.namespace ?? '';
    const name = secret.metadata.name ?? '';
    const saName = secret.metadata.annotations?.[SA_NAME_ANNOTATION];
    if (!saName) return;
    let sa = this.accounts.get(`${ns}/${saName}`);
    let needs = tokenSecretNeeds(secret, sa, this.caPem);
    if (needs === 'delete') {
      // The cache may lag a just-created ServiceAccount: confirm with a live read before deleting.
      sa = await this.liveServiceAccount(ns, saName);
      needs = tokenSecretNeeds(secret, sa, this.caPem);
      if (needs === 'delete') {
        try {
          await this.ctx.client.delete({ ...SECRETS, namespace: ns, name }, { preconditions: { uid: secret.metadata.uid } });
        } catch (e) {
          if (!isStatus(e, 404) && !isStatus(e, 409)) throw e;
        }
        return;
      }
    }
    if (!needs.token && !needs.ca && !needs.namespace && !needs.uid) return;
    const data = { ...((secret.data ?? {}) as Record<string, string>) };
    if (needs.token) data.token = b64(await this.opts.sign(ns, { name: saName, uid: sa!.metadata.uid ?? '' }, name));
    data['ca.crt'] = b64(this.caPem);
    data.namespace = b64(ns);
    const body: KubeObject = {
      ...secret,
      metadata: { ...secret.metadata, annotations: { ...(secret.metadata.annotations ?? {}), [SA_NAME_ANNOTATION]: saName, [SA_UID_ANNOTATION]: sa!.metadata.uid ?? '' } },
      data,
    };
    try {
      await this.ctx.client.update({ ...SECRETS, namespace: ns, name }, body);
    } catch (e) {
      // A conflict re-delivers the newer Secret through the informer; a deleted one needs nothing.
      if (isStatus(e, 409) || isStatus(e, 404)) return;
      throw e;
    }
  }

  private async liveServiceAccount(ns: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.ctx.client.get({ ...SERVICE_ACCOUNTS, namespace: ns, name });
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }
}

/** Builds the tokens controller with its signer. */
export function tokensControllerWith(opts: TokensControllerOptions): ControllerConstructor {
  return (ctx) => new TokensController(ctx, opts);
}
