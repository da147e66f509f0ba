/**
 * The CSR signing controller (pkg/controller/certificates/signer): approved requests of the
 * kube-apiserver-client, kube-apiserver-client-kubelet and kubelet-serving signers, not failed
 * and not yet issued, get a certificate from the cluster CA in status.certificate. A request
 * breaking its signer's rules (usages, subject, SANs) gets a Failed condition
 * (SignerValidationFailure) instead; legacy-unknown and other signers are left alone.
 */
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { isStatus } from '../../client/rest.js';
import { createCertificate, type KeyUsageName } from '../../pki/cert.js';
import type { ControllerContext } from '../common/controller.js';
import { CSRS, CsrQueueController, rfc3339, type CaKeyPair } from './common.js';
import { Signers, certificateOf, hasTrueCondition, parseCsr, specOf, type CsrCondition, type ParsedCsr } from './csr.js';

/** --cluster-signing-duration's default: one year. */
export const DEFAULT_SIGNING_DURATION_S = 365 * 24 * 3600;
/** Upstream's signing policy backdates certificates by five minutes for clock skew. */
const BACKDATE_MS = 5 * 60_000;

const setOf = (xs: string[]): string => [...new Set(xs)].sort().join('\n');
const goList = (xs: string[]): string => `[${[...xs].sort().join(' ')}]`;

const kubeletServingUsages = ['digital signature', 'key encipherment', 'server auth'];
const kubeletServingUsagesNoRSA = ['digital signature', 'server auth'];
const kubeletClientUsages = ['digital signature', 'key encipherment', 'client auth'];
const kubeletClientUsagesNoRSA = ['digital signature', 'client auth'];

function onlySystemNodes(req: ParsedCsr): boolean {
  return req.organizations.length === 1 && req.organizations[0] === 'system:nodes';
}

/** certificates.ValidateKubeletClientCSR: the error text, or undefined when the request fits. */
export function validateKubeletClientCsr(req: ParsedCsr, usages: string[]): string | undefined {
  if (!onlySystemNodes(req)) return 'subject organization is not system:nodes';
  if (req.dnsNames.length) return 'DNS subjectAltNames are not allowed';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.ipAddresses.length) return 'IP subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  const u = setOf(usages);
  if (u !== setOf(kubeletClientUsages) && u !== setOf(kubeletClientUsagesNoRSA)) return `usages did not match ${goList(kubeletClientUsages)}`;
  return undefined;
}

/** certificates.ValidateKubeletServingCSR. */
export function validateKubeletServingCsr(req: ParsedCsr, usages: string[]): string | undefined {
  if (!onlySystemNodes(req)) return 'subject organization is not system:nodes';
  if (!req.dnsNames.length && !req.ipAddresses.length) return 'DNS or IP subjectAltName is required';
  if (req.emailAddresses.length) return 'Email subjectAltNames are not allowed';
  if (req.uris.length) return 'URI subjectAltNames are not allowed';
  const u = setOf(usages);
  if (u !== setOf(kubeletServingUsages) && u !== setOf(kubeletServingUsagesNoRSA)) return `usages did not match ${goList(kubeletServingUsages)}`;
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  return undefined;
}

/** validAPIServerClientUsages: client auth required, digital signature / key encipherment optional. */
export function validateApiServerClientUsages(usages: string[]): string | undefined {
  for (const u of usages) if (!['digital signature', 'key encipherment', 'client auth'].includes(u)) return `invalid usage for client certificate: ${u}`;
  if (!usages.includes('client auth')) return 'missing required usage for client certificate: client auth';
  return undefined;
}

/** isRequestForSignerFn of each signer: whether this controller signs it, and the rule it breaks. */
export function checkForSigner(req: ParsedCsr, usages: string[], signerName: string): { recognized: boolean; error?: string } {
  let error: string | undefined;
  if (signerName === Signers.apiServerClient) error = validateApiServerClientUsages(usages);
  else if (signerName === Signers.kubeletClient) error = validateKubeletClientCsr(req, usages);
  else if (signerName === Signers.kubeletServing) error = validateKubeletServingCsr(req, usages);
  else return { recognized: false };
  return error ? { recognized: true, error } : { recognized: true };
}

/** What the signer does with one CSR. */
export type SignDecision =
  | { action: 'skip' }
  | { action: 'fail'; reason: string; message: string }
  | { action: 'issue'; certificatePem: string; notAfter: Date };

/** Options of the signing decision. */
export interface SignOptions {
  /** the longest certificate issued (--cluster-signing-duration); default one year */
  maxDurationSeconds?: number;
}

/**
 * The signer's decision for a CSR (pure apart from signing): skip what is not approved, failed,
 * already issued or not ours; fail what breaks the signer's rules; else issue with
 * expirationSeconds (capped at the signing duration) and never beyond the CA's own expiry.
 */
export function decideSigning(csr: KubeObject, ca: CaKeyPair, now: Date, opts: SignOptions = {}): SignDecision {
  if (!hasTrueCondition(csr, 'Approved') || hasTrueCondition(csr, 'Denied') || hasTrueCondition(csr, 'Failed') || certificateOf(csr)) return { action: 'skip' };
  const spec = specOf(csr);
  if (![Signers.apiServerClient, Signers.kubeletClient, Signers.kubeletServing].includes(spec.signerName as never)) return { action: 'skip' };
  let req: ParsedCsr;
  try {
    req = parseCsr(spec.request);
  } catch (e) {
    return { action: 'fail', reason: 'SignerValidationFailure', message: `unable to parse csr ${JSON.stringify(csr.metadata.name ?? '')}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const check = checkForSigner(req, spec.usages, spec.signerName);
  if (!check.recognized) return { action: 'skip' };
  if (check.error) return { action: 'fail', reason: 'SignerValidationFailure', message: check.error };
  const caCert = new X509Certificate(ca.certPem);
  const caNotAfter = new Date(caCert.validTo);
  if (now.getTime() >= caNotAfter.getTime()) return { action: 'fail', reason: 'SigningError', message: `the signer has expired: NotAfter=${caNotAfter.toISOString()}` };
  const max = opts.maxDurationSeconds ?? DEFAULT_SIGNING_DURATION_S;
  const seconds = Math.min(spec.expirationSeconds ?? max, max);
  const notAfter = new Date(Math.min(now.getTime() + seconds * 1000, caNotAfter.getTime()));
  const keyUsage: KeyUsageName[] = [];
  if (spec.usages.includes('digital signature')) keyUsage.push('digitalSignature');
  if (spec.usages.includes('key encipherment')) keyUsage.push('keyEncipherment');
  const extKeyUsage = [...(spec.usages.includes('server auth') ? (['serverAuth'] as const) : []), ...(spec.usages.includes('client auth') ? (['clientAuth'] as const) : [])];
  const certificatePem = createCertificate({
    subject: { commonName: req.commonName, organizations: req.organizations },
    publicKey: createPublicKey(req.publicKeyPem),
    signingKey: createPrivateKey(ca.keyPem),
    issuerCertDer: caCert.raw,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter,
    // Go omits an empty keyUsage; ours always carries one, and digitalSignature is what every TLS key needs.
    keyUsage: keyUsage.length ? keyUsage : ['digitalSignature'],
    extKeyUsage,
    dnsNames: req.dnsNames,
    ips: req.ipAddresses,
  });
  return { action: 'issue', certificatePem, notAfter };
}

/** The CSR with the decision applied to its status (for the status update). */
export function applySigning(csr: KubeObject, d: Exclude<SignDecision, { action: 'skip' }>, now: Date): KubeObject {
  const out = deepCopy(csr);
  const status = ((out.status ??= {}) as { conditions?: CsrCondition[]; certificate?: string });
  if (d.action === 'issue') status.certificate = Buffer.from(d.certificatePem, 'utf8').toString('base64');
  else {
    const stamp = rfc3339(now);
    status.conditions = [...(status.conditions ?? []), { type: 'Failed', status: 'True', reason: d.reason, message: d.message, lastUpdateTime: stamp, lastTransitionTime: stamp }];
  }
  return out;
}

/** Options of the signing controller. */
export interface SignerControllerOptions extends SignOptions {
  ca: CaKeyPair;
  workers?: number;
}

/** The running "csrsigning" controller. */
export class CsrSigningController extends CsrQueueController {
  override readonly name = 'csrsigning';

  constructor(ctx: ControllerContext, private readonly opts: SignerControllerOptions) {
    super(ctx, opts.workers ?? 1);
  }

  /** Signs (or fails) one CSR by name. */
  async reconcile(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr) return;
    const now = this.ctx.now();
    const d = decideSigning(csr, this.opts.ca, now, this.opts);
    if (d.action === 'skip') return;
    try {
      await this.ctx.client.update({ ...CSRS, name, subresource: 'status' }, applySigning(csr, d, now));
    } catch (e) {
      // Gone meanwhile; a conflict means a newer version is on its way through the informer.
      if (isStatus(e, 404) || isStatus(e, 409)) return;
      throw e;
    }
    this.ctx.log?.(d.action === 'issue' ? 'certificate issued' : 'certificate signing failed', { controller: this.name, csr: name, ...(d.action === 'fail' ? { reason: d.reason, message: d.message } : { notAfter: d.notAfter.toISOString() }) });
  }
}
