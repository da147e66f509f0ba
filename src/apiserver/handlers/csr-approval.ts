/**
 * certificatesigningrequests/approval (upstream pkg/registry/certificates/certificates approval
 * strategy + plugin/pkg/admission/certificates/approval): a PUT or PATCH there changes only
 * status.conditions (spec and status.certificate stay as stored: csrApprovalStrategy, which the
 * pipeline applies to this subresource), fills the conditions' lastUpdateTime/lastTransitionTime,
 * and is allowed only to users who may `approve` the CSR's signer (`signers` in
 * certificates.k8s.io, resourceName the signerName or `<domain>/*`). Validation (unique types,
 * Approved XOR Denied, no removal) is the CSR strategy's.
 *
 * Also here: `csrRequester`, the mutating step upstream's CSR strategy does in PrepareForCreate
 * (spec.username/uid/groups/extra are the requesting user's, whatever the body said); strategies
 * here do not see the user, so it runs as the first admission step of CSR creation.
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { csrApprovalStrategy } from '../../api/registry/certificates/certificatesigningrequest.js';
import { findKind } from '../../api/schema/types.js';
import type { UserInfo } from '../authn/types.js';
import type { Authorizer } from '../authz/types.js';
import type { AdmissionPlugin } from '../admission/types.js';
import { readBody } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { applyPatch, patchTypeFromContentType } from '../patch/index.js';
import { updateObject } from '../pipeline.js';
import type { RequestCtx } from './context.js';
import { opContext } from './context.js';
import { getObject, respondObject } from './read.js';

interface Condition {
  type?: string;
  [k: string]: unknown;
}

function conditionsOf(obj: KubeObject | undefined): Condition[] {
  const c = (obj?.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c.filter((x) => x && typeof x === 'object') as Condition[]) : [];
}

/** The condition types (Approved, Denied) a transition from `cur` to `next` adds. */
export function addedDecisions(next: KubeObject, cur: KubeObject): string[] {
  const before = new Set(conditionsOf(cur).map((c) => c.type));
  return conditionsOf(next)
    .map((c) => c.type ?? '')
    .filter((t) => (t === 'Approved' || t === 'Denied') && !before.has(t));
}

/**
 * isAuthorizedForSignerName: `verb` on certificates.k8s.io signers named `signerName`, or the
 * wildcard `<domain>/*` upstream also accepts.
 */
export async function authorizedForSigner(authz: Authorizer, user: UserInfo, verb: string, signerName: string): Promise<boolean> {
  const attrs = (name: string) => ({
    user,
    verb,
    isResourceRequest: true,
    path: '',
    group: 'certificates.k8s.io',
    version: '*',
    resource: 'signers',
    subresource: '',
    namespace: '',
    name,
  });
  if ((await authz.authorize(attrs(signerName))).allowed) return true;
  const slash = signerName.indexOf('/');
  if (slash <= 0) return false;
  return (await authz.authorize(attrs(`${signerName.slice(0, slash)}/*`))).allowed;
}

function signerOf(obj: KubeObject): string {
  const s = (obj.spec as { signerName?: unknown } | undefined)?.signerName;
  return typeof s === 'string' ? s : '';
}

/** GET, PUT and PATCH of certificatesigningrequests/NAME/approval. */
export async function handleCsrApproval(rc: RequestCtx): Promise<void> {
  const method = (rc.req.method ?? 'GET').toUpperCase();
  if (method === 'GET') return respondObject(rc, 200, await getObject(rc, rc.info.name));
  if (method !== 'PUT' && method !== 'PATCH') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
  const body = await readBody(rc.req);
  const ctx = opContext(rc);
  const masters = rc.user.groups.includes('system:masters');
  const { object } = await updateObject(
    ctx,
    rc.info.name,
    async (cur) => {
      const current = cur!;
      let next: KubeObject;
      if (method === 'PUT') {
        next = decodeBody(rc.req.headers['content-type'], body, "couldn't decode the request body") as KubeObject;
        next.metadata ??= {};
      } else {
        const ct = String(rc.req.headers['content-type'] ?? '');
        const type = patchTypeFromContentType(ct);
        if (!type || type === 'apply') throw errors.unsupportedMediaType(ct || '(none)');
        const root = findKind(rc.deps.defs, { group: rc.def.group, version: rc.def.version, kind: rc.def.kind });
        next = applyPatch(type, current, body.toString('utf8'), { defs: rc.deps.defs, rootDef: root });
      }
      // The CertificateApproval admission plugin: deciding needs `approve` on the signer.
      if (!masters && addedDecisions(next, current).length > 0) {
        const signer = signerOf(current);
        if (!(await authorizedForSigner(rc.deps.authorizer, rc.user, 'approve', signer))) {
          throw errors.forbidden(
            `certificatesigningrequests.certificates.k8s.io "${rc.info.name}" is forbidden: user not permitted to approve requests with signerName ${JSON.stringify(signer)}`,
            { group: rc.def.group, resource: rc.def.resource },
            rc.info.name,
          );
        }
      }
      return next;
    },
    // A status-like write narrowed by the approval strategy: only conditions change, and admission
    // and managedFields see the "approval" subresource, as upstream's.
    { subresource: 'approval', checkFields: false, strategy: csrApprovalStrategy(rc.deps.now) },
  );
  respondObject(rc, 200, object);
}

/** Upstream's CSR PrepareForCreate: the requester's identity is recorded in the spec. */
export const csrRequester: AdmissionPlugin = {
  name: 'CertificateSigningRequestRequester',
  admit(a) {
    if (a.operation !== 'CREATE' || a.subresource || a.def.group !== 'certificates.k8s.io' || a.def.resource !== 'certificatesigningrequests' || !a.object) return Promise.resolve();
    const spec = ((a.object.spec ??= {}) as Record<string, unknown>);
    spec.username = a.user.name;
    if (a.user.uid) spec.uid = a.user.uid;
    else delete spec.uid;
    spec.groups = [...a.user.groups];
    if (a.user.extra && Object.keys(a.user.extra).length) spec.extra = deepCopy(a.user.extra);
    else delete spec.extra;
    return Promise.resolve();
  },
};
