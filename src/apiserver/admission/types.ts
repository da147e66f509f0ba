/**
 * The admission seam: mutating plugins run first, then validating ones; a rejection names its
 * plugin as upstream does. Plugins (NamespaceLifecycle, LimitRanger, ResourceQuota, PodSecurity…)
 * live one per file in this folder.
 */
import type { KubeObject } from '../../api/object.js';
import type { ResourceDef } from '../../api/resource.js';
import type { UserInfo } from '../authn/types.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  def: ResourceDef;
  namespace: string;
  name: string;
  subresource: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  /** reads an object through storage (namespace '' for cluster-scoped kinds) */
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  /** every stored object of a resource (all namespaces); absent where the caller cannot list */
  list?(group: string, resource: string): Promise<KubeObject[]>;
  /** warnings returned to the client in Warning headers */
  warn(message: string): void;
  /**
   * Records an annotation on the request's audit event (upstream's audit.AddAuditAnnotation, e.g.
   * pod-security.kubernetes.io/audit-violations); absent or a no-op where the request is not audited.
   */
  addAuditAnnotation?(key: string, value: string): void;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** may change attrs.object; throw ApiError to reject */
  admit?(attrs: AdmissionAttributes): Promise<void>;
  /** must not change anything; throw ApiError to reject */
  validate?(attrs: AdmissionAttributes): Promise<void>;
}

/** Runs all mutating, then all validating plugins. */
export async function runAdmission(plugins: AdmissionPlugin[], attrs: AdmissionAttributes): Promise<void> {
  for (const p of plugins) if (p.admit) await p.admit(attrs);
  for (const p of plugins) if (p.validate) await p.validate(attrs);
}
