/**
 * The certificate controllers of kube-controller-manager: csrsigning (needs the CA key pair),
 * csrapproving and csrcleaner.
 */
import type { ControllerConstructor } from '../common/controller.js';
import { CsrApprovingController } from './approver.js';
import { CsrCleanerController, type CleanerOptions } from './cleaner.js';
import type { CaKeyPair } from './common.js';
import { CsrSigningController, type SignOptions } from './signer.js';

export { CsrSigningController, decideSigning, applySigning, checkForSigner, DEFAULT_SIGNING_DURATION_S, type SignDecision, type SignOptions } from './signer.js';
export { CsrApprovingController, recognize, isPending, allowedByGroups, withApproval } from './approver.js';
export { CsrCleanerController, cleanupReason, CleanerDurations } from './cleaner.js';
export { parseCsr, Signers, type ParsedCsr } from './csr.js';
export type { CaKeyPair } from './common.js';

/** The signer, approver and cleaner; the signer only when the CA key pair is given. */
export function certificateControllers(opts: { ca?: CaKeyPair; signing?: SignOptions; cleaner?: CleanerOptions }): ControllerConstructor[] {
  const ca = opts.ca;
  return [
    ...(ca ? [(ctx: Parameters<ControllerConstructor>[0]) => new CsrSigningController(ctx, { ...opts.signing, ca })] : []),
    (ctx) => new CsrApprovingController(ctx),
    (ctx) => new CsrCleanerController(ctx, opts.cleaner),
  ];
}
