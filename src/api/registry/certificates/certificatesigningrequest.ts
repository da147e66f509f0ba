/**
 * certificates.k8s.io/v1 CertificateSigningRequest (pkg/registry/certificates/certificates):
 * cluster-scoped; the request must be a verifiable PKCS#10 CSR, usages known and unique,
 * signerName a "domain/path" name; spec is frozen after creation and status is written only via
 * the status and approval subresources. Upstream sets spec.username/uid/groups/extra from the
 * requesting user on create; strategies do not see the user, so those are kept as sent.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef, Strategy } from '../../resource.js';
import { age, humanDuration } from '../printers.js';
import { isDNS1123Label } from '../../validation/names.js';
import { ageColumn, col, list, nameColumn, str, view } from '../core/helpers.js';
import { csrError } from './csr-parse.js';
import { docs } from './docs.js';

/** certificates.allValidUsages, sorted as sets.List returns them. */
export const validUsages = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment',
  'decipher only', 'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel',
  'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime',
  'server auth', 'signing', 'timestamping',
];

function labelErrors(segment: string, path: string): FieldError[] {
  for (const lbl of segment.split('.')) {
    const msgs = isDNS1123Label(lbl);
    // Upstream stops at the first bad label: later ones would repeat the same complaint.
    if (msgs.length) return msgs.map((m) => field.invalid(path, segment, `validating label ${JSON.stringify(lbl)}: ${m}`));
  }
  return [];
}

/** apivalidation.ValidateSignerName: "<fully.qualified.domain>/<path>". */
export function validateSignerName(name: string, path: string): FieldError[] {
  if (!name) return [field.required(path)];
  const segments = name.split('/');
  if (segments.length !== 2) return [field.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain = '', rest = ''] = segments;
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(field.tooLong(path, domain, 253));
  errs.push(...labelErrors(domain, path));
  if (domain.split('.').length < 2) errs.push(field.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  const maxPath = 253 - domain.length - 1;
  if (rest.length > maxPath) errs.push(field.tooLong(path, rest, maxPath));
  errs.push(...labelErrors(rest, path));
  return errs;
}

function validateConditions(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  const conds = list(view(obj.status).conditions);
  conds.forEach((raw, i) => {
    const c = view(raw);
    const p = `status.conditions[${i}]`;
    const type = str(c.type);
    const status = str(c.status);
    if (!type) errs.push(field.required(`${p}.type`));
    if (!status) errs.push(field.required(`${p}.status`));
    else if (!['True', 'False', 'Unknown'].includes(status)) errs.push(field.notSupported(`${p}.status`, status, ['True', 'False', 'Unknown']));
    if (type === 'Approved' || type === 'Denied') {
      if (type === 'Approved') approved = true;
      else denied = true;
      if (status !== 'True') errs.push(field.invalid(`${p}.status`, status, `${type} condition may only have status=True`));
    }
    if (seen.has(type)) errs.push(field.duplicate(`${p}.type`, type));
    seen.add(type);
  });
  if (approved && denied) errs.push(field.invalid('status.conditions', conds, 'Approved and Denied conditions are mutually exclusive'));
  return errs;
}

/** validateCertificateSigningRequest (v1 options: no legacy signer, no unknown or duplicate usages). */
export function validateCSR(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs: FieldError[] = [];
  const why = csrError(str(spec.request));
  if (why) errs.push(field.invalid('spec.request', str(spec.request), why));
  const usages = list(spec.usages).map(str);
  if (usages.length === 0) errs.push(field.required('spec.usages', 'usages must be provided'));
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!validUsages.includes(u)) errs.push(field.notSupported(`spec.usages[${i}]`, u, validUsages));
    if (seen.has(u)) errs.push(field.duplicate(`spec.usages[${i}]`, u));
    seen.add(u);
  });
  const signer = str(spec.signerName);
  if (signer === 'kubernetes.io/legacy-unknown') errs.push(field.invalid('spec.signerName', signer, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(signer, 'spec.signerName'));
  if (typeof spec.expirationSeconds === 'number' && spec.expirationSeconds < 600) {
    errs.push(field.invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  }
  return [...errs, ...validateConditions(obj)];
}

type Condition = Record<string, unknown> & { type?: unknown; status?: unknown; lastUpdateTime?: unknown; lastTransitionTime?: unknown };

function conditionsOf(o: KubeObject): Condition[] {
  return list(view(o.status).conditions).filter((c): c is Condition => c !== null && typeof c === 'object');
}

function ofType(o: KubeObject, type: string): Condition[] {
  return conditionsOf(o).filter((c) => c.type === type);
}

/**
 * validateCertificateSigningRequestUpdate. Always: Approved, Denied and Failed conditions, once
 * present, stay, and an issued status.certificate never changes. Except through the approval
 * subresource (`approval: true`), Approved and Denied conditions may be neither added nor changed:
 * deciding needs the approval subresource, whose admission asks for `approve` on the signer.
 */
export function csrUpdateErrors(obj: KubeObject, old: KubeObject, opts: { approval: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (ofType(obj, t).length < ofType(old, t).length) errs.push(field.forbidden('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
  }
  if (!opts.approval) {
    for (const t of ['Approved', 'Denied']) {
      const now = ofType(obj, t);
      const before = ofType(old, t);
      if (now.length > before.length) errs.push(field.forbidden('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (now.length === before.length && JSON.stringify(now) !== JSON.stringify(before)) {
        errs.push(field.forbidden('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
      }
    }
  }
  const cert = str(view(obj.status).certificate);
  const oldCert = str(view(old.status).certificate);
  if (cert !== oldCert && oldCert) errs.push(field.forbidden('status.certificate', 'updates may not modify existing certificate content'));
  return errs;
}

/** The main resource and status subresource rules (the approval subresource has its own, below). */
export function validateCSRUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  return csrUpdateErrors(obj, old, { approval: false });
}

/**
 * The status strategy's preserveConditionInstances: when a /status write keeps the number of
 * Approved (or Denied) conditions, the stored ones are kept exactly, so the signer's usual
 * read-modify-write cannot alter a decision; when it adds or drops one, the request is left as
 * sent and validation refuses it ("updates may not add a condition of type ...").
 */
function preserveDecisions(next: KubeObject, old: KubeObject): void {
  const conds = conditionsOf(next);
  if (!conds.length && !conditionsOf(old).length) return;
  for (const t of ['Approved', 'Denied']) {
    const before = ofType(old, t);
    const idx = conds.flatMap((c, i) => (c.type === t ? [i] : []));
    if (idx.length !== before.length) continue;
    idx.forEach((at, k) => {
      conds[at] = before[k]!;
    });
  }
  next.status = { ...view(next.status), conditions: conds };
}

/**
 * populateConditionTimestamps: a missing lastUpdateTime is now; a missing lastTransitionTime is
 * kept from a stored condition of the same type and status, else now.
 */
export function populateConditionTimestamps(next: KubeObject, old: KubeObject, now: Date): void {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const before = conditionsOf(old);
  const conds = conditionsOf(next).map((c0) => {
    const c = { ...c0 };
    if (!c.lastUpdateTime) c.lastUpdateTime = stamp;
    if (!c.lastTransitionTime) {
      const prev = before.find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = prev?.lastTransitionTime ?? stamp;
    }
    return c;
  });
  if (conds.length) next.status = { ...view(next.status), conditions: conds };
}

/**
 * The approval subresource's strategy (csrApprovalStrategy), handed to the pipeline by its
 * handler: only status.conditions change (spec and status.certificate stay as stored, whatever
 * was sent), timestamps are filled, and Approved/Denied may be added.
 */
export function csrApprovalStrategy(now: () => Date): Pick<Strategy, 'prepareForStatusUpdate' | 'validateUpdate'> {
  return {
    prepareForStatusUpdate(next, requested, old) {
      const conditions = list(view(requested.status).conditions);
      next.spec = old.spec;
      next.status = { ...view(old.status), conditions };
      if (!conditions.length) delete (next.status as Record<string, unknown>).conditions;
      populateConditionTimestamps(next, old, now());
    },
    validateUpdate: (obj, old) => csrUpdateErrors(obj, old, { approval: true }),
  };
}

/** extractCSRStatus: Denied > Approved > Pending, then ",Failed" and ",Issued". */
export function csrCondition(obj: KubeObject): string {
  const status = view(obj.status);
  const types = new Set(list(status.conditions).map((c) => str(view(c).type)));
  let s = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) s += ',Failed';
  if (str(status.certificate)) s += ',Issued';
  return s;
}

export const certificateSigningRequestResource: ResourceDef = {
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  resource: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  namespaced: false,
  shortNames: ['csr'],
  subresources: { status: true, others: ['approval'] },
  strategy: {
    // The CSR strategy never sets metadata.generation.
    tracksGeneration: false,
    prepareForCreate(obj) {
      // Users cannot create pre-approved requests: status starts with no conditions.
      obj.status = {};
    },
    prepareForUpdate(obj, old) {
      // The spec is immutable after creation: updates of the main resource keep the old one.
      obj.spec = old.spec;
    },
    prepareForStatusUpdate(next, _requested, old) {
      // csrStatusStrategy: /status serves the signer (certificate, Failed); decisions are the approval subresource's.
      next.spec = old.spec;
      preserveDecisions(next, old);
    },
    validate: validateCSR,
    validateUpdate: validateCSRUpdate,
    columns: [
      nameColumn,
      ageColumn,
      col('SignerName', 'string', docs['CertificateSigningRequestSpec.signerName']),
      col('Requestor', 'string', docs['CertificateSigningRequestSpec.request']),
      col('RequestedDuration', 'string', docs['CertificateSigningRequestSpec.expirationSeconds']),
      col('Condition', 'string', docs['CertificateSigningRequestStatus.conditions']),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const secs = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : undefined;
      return [
        obj.metadata.name ?? '',
        age(obj.metadata.creationTimestamp),
        str(spec.signerName) || '<none>',
        str(spec.username),
        secs === undefined ? '<none>' : humanDuration(secs * 1000),
        csrCondition(obj),
      ];
    },
    fieldSelectors: { 'spec.signerName': (o) => str(view(o.spec).signerName) },
  },
};
