/**
 * The CSR approving controller (pkg/controller/certificates/approver, "csrapproving"): pending
 * kubelet client requests are approved when their requester may create
 * `certificatesigningrequests/nodeclient` (a new node, e.g. a bootstrap token user) or, for a
 * node renewing its own certificate (requester == CN), `.../selfnodeclient`, as a
 * SubjectAccessReview for the CSR's recorded requester answers. Without the reviews API the
 * answer comes from the groups (system:bootstrappers → nodeclient, system:nodes → selfnodeclient).
 *
 * Kubeling addition (upstream leaves it to an operator): a kubelet-serving request from a node for
 * its own name (requester == CN, DNS SANs only that name) is approved under selfnodeclient too,
 * so joined agents get a streaming-server certificate without the CA key.
 */
import type { KubeObject } from '../../api/object.js';
import { deepCopy } from '../../api/object.js';
import { isStatus } from '../../client/rest.js';
import type { ControllerContext } from '../common/controller.js';
import { CSRS, CsrQueueController, SUBJECT_ACCESS_REVIEWS } from './common.js';
import { Signers, certificateOf, conditionsOf, parseCsr, specOf, type CsrSpec, type ParsedCsr } from './csr.js';
import { validateKubeletClientCsr, validateKubeletServingCsr } from './signer.js';

/** One auto-approval rule: the permission it checks and the condition message on success. */
export interface Recognizer {
  subresource: 'selfnodeclient' | 'nodeclient';
  message: string;
}

const selfNodeClient: Recognizer = { subresource: 'selfnodeclient', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' };
const nodeClient: Recognizer = { subresource: 'nodeclient', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' };
const selfNodeServing: Recognizer = { subresource: 'selfnodeclient', message: 'Auto approving self kubelet serving certificate after SubjectAccessReview.' };

/** The rules a pending CSR matches, in upstream's order (self first); [] = not for this controller. */
export function recognize(spec: CsrSpec, req: ParsedCsr): Recognizer[] {
  if (spec.signerName === Signers.kubeletClient) {
    if (validateKubeletClientCsr(req, spec.usages)) return [];
    return spec.username === req.commonName ? [selfNodeClient, nodeClient] : [nodeClient];
  }
  if (spec.signerName === Signers.kubeletServing) {
    if (validateKubeletServingCsr(req, spec.usages) || spec.username !== req.commonName) return [];
    const node = req.commonName.slice('system:node:'.length);
    // A serving certificate for other names (the API server's, another node's) stays manual.
    if (!req.dnsNames.every((d) => d === node)) return [];
    return [selfNodeServing];
  }
  return [];
}

/** Whether the approver should look at the CSR at all: pending (no decision) and not issued. */
export function isPending(csr: KubeObject): boolean {
  if (certificateOf(csr)) return false;
  return !conditionsOf(csr).some((c) => c.type === 'Approved' || c.type === 'Denied');
}

/** The group-based answer used when the cluster serves no SubjectAccessReview API. */
export function allowedByGroups(spec: CsrSpec, subresource: Recognizer['subresource']): boolean {
  if (spec.groups.includes('system:masters')) return true;
  return subresource === 'nodeclient' ? spec.groups.includes('system:bootstrappers') : spec.groups.includes('system:nodes');
}

/** The CSR with the AutoApproved condition appended (appendApprovalCondition). */
export function withApproval(csr: KubeObject, message: string): KubeObject {
  const out = deepCopy(csr);
  const status = (out.status ??= {}) as { conditions?: unknown[] };
  status.conditions = [...(Array.isArray(status.conditions) ? status.conditions : []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message }];
  return out;
}

/** Options of the approver. */
export interface ApproverOptions {
  workers?: number;
}

/** The running "csrapproving" controller. */
export class CsrApprovingController extends CsrQueueController {
  override readonly name = 'csrapproving';
  /** false once the server answered 404 for SubjectAccessReviews: the group fallback applies */
  private reviewsServed = true;

  constructor(ctx: ControllerContext, private readonly opts: ApproverOptions = {}) {
    super(ctx, opts.workers ?? 1);
  }

  /** SubjectAccessReview for the CSR's requester: may it create certificatesigningrequests/<sub>? */
  private async allowed(spec: CsrSpec, subresource: Recognizer['subresource']): Promise<boolean> {
    if (this.reviewsServed) {
      const sar = {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        metadata: {},
        spec: {
          user: spec.username,
          ...(spec.uid ? { uid: spec.uid } : {}),
          groups: spec.groups,
          ...(spec.extra ? { extra: spec.extra } : {}),
          resourceAttributes: { group: 'certificates.k8s.io', version: '*', resource: 'certificatesigningrequests', subresource, verb: 'create' },
        },
      };
      try {
        const res = await this.ctx.client.create(SUBJECT_ACCESS_REVIEWS, sar);
        return (res.status as { allowed?: boolean } | undefined)?.allowed === true;
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
        this.reviewsServed = false;
      }
    }
    return allowedByGroups(spec, subresource);
  }

  /** Approves one CSR by name when a recognizer's permission check passes. */
  async reconcile(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || !isPending(csr)) return;
    const spec = specOf(csr);
    let req: ParsedCsr;
    try {
      req = parseCsr(spec.request);
    } catch {
      return; // the API validated it; an unreadable one is not ours to approve
    }
    const tried: string[] = [];
    for (const r of recognize(spec, req)) {
      tried.push(r.subresource);
      if (!(await this.allowed(spec, r.subresource))) continue;
      try {
        await this.ctx.client.update({ ...CSRS, name, subresource: 'approval' }, withApproval(csr, r.message));
      } catch (e) {
        if (isStatus(e, 404) || isStatus(e, 409)) return;
        throw e;
      }
      this.ctx.log?.('certificate signing request auto-approved', { controller: this.name, csr: name, requester: spec.username });
      return;
    }
    // Upstream's IgnorableError: logged, not retried (a later RBAC change does not re-trigger either).
    if (tried.length) this.ctx.log?.(`recognized csr ${JSON.stringify(name)} as [${tried.join(' ')}] but subject access review was not approved`, { controller: this.name });
  }
}
