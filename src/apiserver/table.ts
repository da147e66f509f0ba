/**
 * Server-side printing: objects → meta.k8s.io Table with the kind's columns (all of them; kubectl
 * hides priority>0 columns unless -o wide). Kinds without columns get upstream's default
 * table: Name and Created At.
 */
import type { KubeObject } from '../api/object.js';
import type { ResourceDef, TableColumn } from '../api/resource.js';
import { nameColumn } from '../api/registry/printers.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

const createdAtColumn: TableColumn = {
  name: 'Created At',
  type: 'date',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
  priority: 0,
};

export function tableColumns(def: ResourceDef): TableColumn[] {
  return def.strategy.columns && def.strategy.row ? def.strategy.columns : [nameColumn, createdAtColumn];
}

export function tableRow(def: ResourceDef, obj: KubeObject, include: IncludeObject, tableVersion: string): Record<string, unknown> {
  const cells = def.strategy.columns && def.strategy.row ? def.strategy.row(obj) : [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? null];
  const row: Record<string, unknown> = { cells };
  if (include === 'Object') row.object = obj;
  else if (include === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata: obj.metadata };
  return row;
}

export function toTable(
  def: ResourceDef,
  objs: KubeObject[],
  opts: { include: IncludeObject; version: string; listMeta?: Record<string, unknown>; withColumns?: boolean },
): Record<string, unknown> {
  const t: Record<string, unknown> = {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: opts.listMeta ?? {},
  };
  if (opts.withColumns !== false) t.columnDefinitions = tableColumns(def);
  t.rows = objs.map((o) => tableRow(def, o, opts.include, opts.version));
  return t;
}

export function parseIncludeObject(v: string | null): IncludeObject {
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}
