/**
 * What the generic API machinery knows about a resource: its names and scope, its subresources,
 * and its strategy (defaults, validation, status handling, table columns, field selectors). Like
 * kube-apiserver's registry/<group>/<resource> strategies, the handlers know nothing of any kind;
 * everything kind-specific is declared here.
 */
import type { KubeObject } from './object.js';
import type { FieldError } from './field.js';

/** A server-side printing column (meta.k8s.io/v1 TableColumnDefinition). */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 = shown by default, 1 = only with -o wide */
  priority: number;
}

/** The scale subresource mapping (also used by CRDs' subresources.scale). */
export interface ScaleSpec {
  specReplicasPath: string; // ".spec.replicas"
  statusReplicasPath: string; // ".status.replicas"
  labelSelectorPath?: string; // ".status.selector" (string) or ".spec.selector" (LabelSelector)
}

/** State a strategy hook may consult, supplied by the API server (e.g. to allocate ClusterIPs). */
export interface RegistryContext {
  /** every stored object of a resource (all namespaces) */
  list(group: string, resource: string): Promise<KubeObject[]>;
  /** true for dryRun=All: hooks must not reserve anything permanently */
  dryRun: boolean;
}

/** Operation being validated. */
export type Operation = 'create' | 'update';

export interface Strategy {
  /** Upstream SetDefaults_*: applied to every incoming object (create, update, patch results). */
  default?(obj: KubeObject): void;
  /** On create: clear status and any system-owned fields. */
  prepareForCreate?(obj: KubeObject): void;
  /** On update of the main resource: e.g. carry over fields the user may not change. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject): void;
  /**
   * On a write of the status subresource: `next` holds the stored object with the requested status;
   * copy from `requested` whatever else upstream's status strategy lets through (Deployments keep
   * the request's annotations, for the revision annotation).
   */
  prepareForStatusUpdate?(next: KubeObject, requested: KubeObject, old: KubeObject): void;
  /** Field validation of an object (create and update). Do not validate metadata.name format here unless it differs from the kind's default name rule. */
  validate?(obj: KubeObject): FieldError[];
  /** Extra checks on update: immutable fields, selector immutability. */
  validateUpdate?(obj: KubeObject, old: KubeObject): FieldError[];
  /** Async hook before create/update persists (allocations: Service clusterIP/nodePort). Throws ApiError or returns field errors. */
  beforeWrite?(obj: KubeObject, old: KubeObject | undefined, ctx: RegistryContext): Promise<FieldError[]>;
  /** Name rule for metadata.name: 'subdomain' (default, DNS-1123 subdomain), 'label' (DNS-1123 label), 'path' (path segment name only), 'none'. */
  nameRule?: 'subdomain' | 'label' | 'path' | 'none';
  /** Table columns after NAME..., exactly upstream's (pkg/printers/internalversion). Must include the name column first. */
  columns?: TableColumn[];
  /** One row of cells for the columns above. */
  row?(obj: KubeObject): unknown[];
  /** Field selectors beyond metadata.name / metadata.namespace, as upstream's GetAttrs. */
  fieldSelectors?: Record<string, (obj: KubeObject) => string | undefined>;
  /** Whether metadata.generation is tracked (bumped on spec changes). Default: true when the kind has a status subresource. */
  tracksGeneration?: boolean;
  /** Pieces of the object that are "spec" for generation purposes; default: every top-level field except apiVersion, kind, metadata and status. */
  specFields?: string[];
}

export interface ResourceDef {
  group: string; // '' for core
  version: string; // served (and storage) version, e.g. 'v1'
  /** further served versions with identical schema (e.g. autoscaling v1 beside v2 is NOT identical; only list equal ones) */
  kind: string;
  resource: string; // plural, e.g. 'deployments'
  singular: string; // 'deployment'
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  /** verbs for discovery; default: create delete deletecollection get list patch update watch */
  verbs?: string[];
  subresources?: {
    status?: boolean;
    scale?: ScaleSpec;
    /** other subresources served by dedicated handlers: 'log', 'exec', 'eviction', 'binding', 'token', 'approval', 'finalize', 'proxy', 'attach', 'portforward', 'ephemeralcontainers' */
    others?: string[];
  };
  strategy: Strategy;
  /**
   * Set when this served version is not the stored form (autoscaling/v1 HPA is stored as
   * autoscaling/v2; events.k8s.io/v1 Event is stored as core/v1 Event). Objects are converted
   * to storage on the way in and back on the way out.
   */
  conversion?: {
    storageGroup: string;
    storageVersion: string;
    storageResource: string;
    toStorage(obj: KubeObject): KubeObject;
    fromStorage(obj: KubeObject): KubeObject;
  };
  /** when several versions of a group serve a kind, the preferred one is listed first in discovery */
  preferred?: boolean;
}

/** "apps/v1" or "v1". */
export function apiVersionOf(def: { group: string; version: string }): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}
