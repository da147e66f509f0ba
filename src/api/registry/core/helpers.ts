/**
 * Shared pieces of the core/v1 strategies: column construction, untyped accessors and the small
 * printing helpers several kinds share (pkg/printers/internalversion and pkg/apis/core/helper).
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { TableColumn } from '../../resource.js';
import { age, ageColumn, nameColumn } from '../printers.js';
import { docs } from './docs.js';

export { ageColumn, nameColumn, docs };

type Obj = Record<string, unknown>;

/** A TableColumnDefinition (priority 1 = only with -o wide). */
export function col(name: string, type: TableColumn['type'], description: string, priority = 0): TableColumn {
  return { name, type, description, priority };
}

/** obj.spec as an object, created when missing so defaulters can write into it. */
export function specOf(obj: KubeObject): Obj {
  if (!isPlainObject(obj.spec)) obj.spec = {};
  return obj.spec as Obj;
}

/** obj.status as an object, created when missing. */
export function statusOf(obj: KubeObject): Obj {
  if (!isPlainObject(obj.status)) obj.status = {};
  return obj.status as Obj;
}

/** Read-only view of a nested object ({} when missing). */
export function view(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

export function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A list of objects (non-objects read as empty ones). */
export function objects(v: unknown): Obj[] {
  return list(v).map(view);
}

export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** helper.GetAccessModesAsString: RWO,ROX,RWX,RWOP in that fixed order. */
export function accessModesString(modes: unknown): string {
  const m = list(modes).map(str);
  const out: string[] = [];
  if (m.includes('ReadWriteOnce')) out.push('RWO');
  if (m.includes('ReadOnlyMany')) out.push('ROX');
  if (m.includes('ReadWriteMany')) out.push('RWX');
  if (m.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** layoutContainerCells: container names and images, comma-joined. */
export function containerCells(podSpec: unknown): [string, string] {
  const cs = list(view(podSpec).containers).map(view);
  return [cs.map((c) => str(c.name)).join(','), cs.map((c) => str(c.image)).join(',')];
}

/** The standard "CreationTimestamp" column description, as upstream's ObjectMeta SwaggerDoc. */
export const creationDoc = docs['ObjectMeta.creationTimestamp'];

/** Sets obj[k] = v when absent. */
export function setDefault(o: Obj, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null || o[k] === '') o[k] = v;
}

/** Standard (unqualified) finalizer names upstream accepts: helper.IsStandardFinalizerName. */
export const standardFinalizers = ['kubernetes'];

/**
 * The row ReplicationControllers and ReplicaSets share in printers.go: name, desired, current,
 * ready, age, then (wide) containers, images and the selector, already formatted by the caller.
 */
export function replicaCountsRow(obj: KubeObject, selector: string): unknown[] {
  const spec = view(obj.spec);
  const status = view(obj.status);
  const [names, images] = containerCells(view(spec.template).spec);
  return [
    obj.metadata.name ?? '',
    Number(spec.replicas ?? 0),
    Number(status.replicas ?? 0),
    Number(status.readyReplicas ?? 0),
    age(obj.metadata.creationTimestamp),
    names,
    images,
    selector,
  ];
}
