/**
 * What every resource handler receives: the request, the resolved resource and the caller.
 */
import type { ResourceDef } from '../../api/resource.js';
import { errors } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { UserInfo } from '../authn/types.js';
import type { Req, Res } from '../http.js';
import { addAuditAnnotation } from '../audit/index.js';
import type { RequestInfo } from '../request-info.js';
import type { ApiDeps, FieldValidation, OpContext } from '../pipeline.js';
import { parseFieldSelector, parseLabelSelector, matchLabels } from '../selectors.js';

export interface RequestCtx {
  req: Req;
  res: Res;
  info: RequestInfo;
  query: URLSearchParams;
  user: UserInfo;
  deps: ApiDeps;
  def: ResourceDef;
  warnings: string[];
}

/** dryRun=All is the only accepted value, as upstream. */
export function isDryRun(q: URLSearchParams): boolean {
  const vals = q.getAll('dryRun');
  for (const v of vals) if (v !== 'All') throw errors.badRequest(`Invalid dry run value: ${v}; supported values: All`);
  return vals.length > 0;
}

export function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw errors.badRequest(`fieldValidation parameter unsupported: ${v}; supported values are Ignore, Warn, Strict`);
}

/** The field manager: explicit, else derived from the User-Agent as upstream does ("kubectl" from "kubectl/v1.33.1 (...)"). */
export function fieldManagerOf(rc: RequestCtx, required = false): string {
  const fm = rc.query.get('fieldManager');
  if (fm) {
    if (fm.length > 128) throw errors.badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return fm;
  }
  if (required) throw errors.badRequest('PATCH /apply requests require a fieldManager query parameter');
  const ua = String(rc.req.headers['user-agent'] ?? 'unknown');
  return ua.split('/')[0]!.slice(0, 128) || 'unknown';
}

export function opContext(rc: RequestCtx, opts: { manager?: string } = {}): OpContext {
  return {
    deps: rc.deps,
    def: rc.def,
    namespace: rc.info.namespace,
    user: rc.user,
    dryRun: isDryRun(rc.query),
    fieldManager: opts.manager ?? fieldManagerOf(rc),
    fieldValidation: fieldValidationOf(rc.query),
    warnings: rc.warnings,
    addAuditAnnotation: (key, value) => addAuditAnnotation(rc.req, key, value),
  };
}

/** Label + field selector predicate for list/watch/deletecollection (undefined: everything). */
export function selectorPredicate(def: ResourceDef, q: URLSearchParams): ((o: KubeObject) => boolean) | undefined {
  const ls = q.get('labelSelector');
  const fs = q.get('fieldSelector');
  const labelReqs = ls ? parseLabelSelector(ls) : [];
  const fieldReqs = fs ? parseFieldSelector(fs) : [];
  if (!labelReqs.length && !fieldReqs.length) return undefined;
  const getters = fieldReqs.map((r) => {
    let get: ((o: KubeObject) => string | undefined) | undefined;
    if (r.field === 'metadata.name') get = (o) => o.metadata.name;
    else if (r.field === 'metadata.namespace') get = (o) => o.metadata.namespace ?? '';
    else get = def.strategy.fieldSelectors?.[r.field];
    if (!get) {
      throw errors.badRequest(`field label not supported: ${r.field}`);
    }
    return { ...r, get };
  });
  return (o) => {
    if (labelReqs.length && !matchLabels(labelReqs, o.metadata.labels)) return false;
    for (const g of getters) {
      const v = g.get(o) ?? '';
      if (g.op === '=' ? v !== g.value : v === g.value) return false;
    }
    return true;
  };
}
