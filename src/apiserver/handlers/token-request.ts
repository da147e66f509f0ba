/**
 * serviceaccounts/token (pkg/registry/core/serviceaccount/storage/token.go TokenREST): a POSTed
 * authentication.k8s.io/v1 TokenRequest (JSON, YAML or the protobuf kubectl ≥ 1.32 sends) comes
 * back with status.token, a JWT for the ServiceAccount. Audiences default to the API audiences,
 * expirationSeconds to 3600 (at least 600, at most 2^32); a boundObjectRef (Pod, Secret or Node)
 * must exist with the given uid, a Pod must run as this ServiceAccount, and a pod-bound token also
 * names the pod's node. The request runs through admission as upstream's createValidation does
 * (NodeRestriction limits which tokens a node may request).
 */
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { isPlainObject } from '../../api/object.js';
import { field, type FieldError } from '../../api/field.js';
import { runAdmission } from '../admission/types.js';
import { addAuditAnnotation } from '../audit/index.js';
import type { ServiceAccountTokenIssuer, BoundTokenRequest, ObjectReader } from '../authn/serviceaccount.js';
import { storeReader } from '../authn/serviceaccount.js';
import { readBody, send } from '../http.js';
import { decodeBody } from '../negotiate.js';
import { rfc3339 } from '../object-meta.js';
import { storageKey } from '../resources.js';
import type { RequestCtx } from './context.js';
import type { SubresourceHandler } from '../server.js';

/** ExpirationSeconds default of the v1 API (SetDefaults_TokenRequestSpec). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

interface TokenRequestBody {
  metadata?: { name?: string; namespace?: string; uid?: string };
  spec?: {
    audiences?: string[] | null;
    expirationSeconds?: number | null;
    boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
  };
}

/** Options: the signer and the API audiences (--api-audiences; default the issuer). */
export interface TokenRequestOptions {
  issuer: ServiceAccountTokenIssuer;
  audiences?: string[];
}

const GK = { group: 'authentication.k8s.io', kind: 'TokenRequest' };

/** ValidateTokenRequest: the expiration bounds. */
export function validateTokenRequestSpec(expirationSeconds: number): FieldError[] {
  const errs: FieldError[] = [];
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  return errs;
}

/** Go's GroupVersionKind.String() of an apiVersion/kind pair, for the "cannot bind" message. */
function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

function notFound(resource: string, name: string): never {
  throw errors.notFound({ group: '', resource }, name);
}

/** The subresource handler for `serviceaccounts/token`. */
export function tokenRequestHandler(opts: TokenRequestOptions): SubresourceHandler {
  const audiences = opts.audiences ?? [opts.issuer.issuer];
  return async (rc: RequestCtx): Promise<void> => {
    if ((rc.req.method ?? '').toUpperCase() !== 'POST') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    const body = decodeBody(rc.req.headers['content-type'], await readBody(rc.req), "couldn't decode the TokenRequest") as TokenRequestBody & Record<string, unknown>;
    const name = rc.info.name;
    const namespace = rc.info.namespace;
    const meta = isPlainObject(body.metadata) ? body.metadata : {};
    if (meta.name && meta.name !== name) throw errors.invalid(GK.group, GK.kind, name, [field.invalid('metadata.name', meta.name, 'must match the service account name if specified')]);
    if (meta.namespace && meta.namespace !== namespace) throw errors.invalid(GK.group, GK.kind, name, [field.invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified')]);
    const read: ObjectReader = storeReader(rc.deps);
    const sa = (await read('serviceaccounts', namespace, name)) ?? notFound('serviceaccounts', name);
    const saUid = sa.metadata.uid ?? '';
    if (meta.uid && meta.uid !== saUid) {
      throw errors.conflict({ group: GK.group, resource: GK.kind }, name, `the UID in the token request (${meta.uid}) does not match the UID of the service account (${saUid})`);
    }
    const spec = isPlainObject(body.spec) ? body.spec : {};
    const auds = Array.isArray(spec.audiences) && spec.audiences.length ? spec.audiences.map(String) : audiences;
    const expirationSeconds = typeof spec.expirationSeconds === 'number' && spec.expirationSeconds !== 0 ? spec.expirationSeconds : DEFAULT_EXPIRATION_SECONDS;
    const now = rc.deps.now();
    const errs = validateTokenRequestSpec(expirationSeconds);
    // Upstream builds this Invalid error without a name.
    if (errs.length) throw errors.invalid(GK.group, GK.kind, '', errs);

    const ref = isPlainObject(spec.boundObjectRef) ? spec.boundObjectRef : undefined;
    const out: KubeObject = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: { name, namespace, uid: saUid, creationTimestamp: rfc3339(now) },
      spec: { audiences: auds, expirationSeconds, boundObjectRef: ref ?? null },
      status: {},
    };
    await runAdmission(rc.deps.admission, {
      operation: 'CREATE',
      def: rc.def,
      namespace,
      name,
      subresource: 'token',
      object: out,
      user: rc.user,
      dryRun: false,
      warn: (m) => rc.warnings.push(m),
      addAuditAnnotation: (key, value) => addAuditAnnotation(rc.req, key, value),
      get: async (group, resource, ns, n) => {
        const def = rc.deps.resources.preferred(group, resource);
        return def ? rc.deps.store.get(storageKey(def, ns, n)) : undefined;
      },
    });

    const req: BoundTokenRequest = { namespace, serviceAccount: { name, uid: saUid }, audiences: auds, expirationSeconds };
    if (ref) {
      const kind = String(ref.kind ?? '');
      const apiVersion = String(ref.apiVersion ?? '');
      const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
      const refName = String(ref.name ?? '');
      let uid = '';
      if (group === '' && kind === 'Pod') {
        const pod = (await read('pods', namespace, refName)) ?? notFound('pods', refName);
        const podSa = (pod.spec as { serviceAccountName?: string } | undefined)?.serviceAccountName ?? '';
        if (podSa !== name) throw errors.badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
        uid = pod.metadata.uid ?? '';
        req.pod = { name: refName, uid };
        const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
        if (nodeName) {
          const node = await read('nodes', '', nodeName);
          req.node = { name: nodeName, ...(node?.metadata.uid ? { uid: node.metadata.uid } : {}) };
        }
      } else if (group === '' && kind === 'Secret') {
        const secret = (await read('secrets', namespace, refName)) ?? notFound('secrets', refName);
        uid = secret.metadata.uid ?? '';
        req.secret = { name: refName, uid };
      } else if (group === '' && kind === 'Node') {
        const node = (await read('nodes', '', refName)) ?? notFound('nodes', refName);
        uid = node.metadata.uid ?? '';
        req.node = { name: refName, uid };
      } else {
        throw errors.badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
      }
      if (ref.uid && ref.uid !== uid) {
        throw errors.conflict({ group: '', resource: kind }, refName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
    }
    const issued = await opts.issuer.issue(req);
    out.status = { token: issued.token, expirationTimestamp: rfc3339(issued.expiresAt) };
    send(rc.req, rc.res, 201, out, { warnings: rc.warnings });
  };
}
