/**
 * storage.k8s.io/v1 StorageClass (pkg/registry/storage/storageclass): cluster-scoped; defaults
 * reclaimPolicy Delete and volumeBindingMode Immediate; provisioner, parameters and reclaimPolicy
 * are frozen after creation (ValidateStorageClassUpdate).
 */
import type { KubeObject } from '../../object.js';
import { deepEqual } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isQualifiedName } from '../../validation/names.js';
import { validateImmutable } from '../../validation/meta.js';
import { ageColumn, col, nameColumn, setDefault, str, view } from '../core/helpers.js';
import { docs } from './docs.js';

const maxParameterCount = 512;
const maxParameterSize = 256 * 1024;

/** storageutil.IsDefaultAnnotation: the GA or beta is-default-class annotation set to "true". */
export function isDefaultStorageClass(obj: KubeObject): boolean {
  const a = obj.metadata.annotations ?? {};
  return a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

/** SetDefaults_StorageClass. */
export function defaultStorageClass(obj: KubeObject): void {
  const o = obj as Record<string, unknown>;
  setDefault(o, 'reclaimPolicy', 'Delete');
  setDefault(o, 'volumeBindingMode', 'Immediate');
}

/** ValidateStorageClass. */
export function validateStorageClass(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(obj.provisioner);
  if (!provisioner) errs.push(field.required('provisioner'));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(field.invalid('provisioner', provisioner.toLowerCase(), m));
  const params = view(obj.parameters);
  const keys = Object.keys(params);
  if (keys.length > maxParameterCount) errs.push(field.tooLong('parameters', '', maxParameterCount));
  else {
    let total = 0;
    for (const k of keys) {
      if (k.length < 1) errs.push(field.invalid('parameters', k, 'field can not be empty.'));
      total += k.length + str(params[k]).length;
    }
    if (total > maxParameterSize) errs.push(field.tooLong('parameters', '', maxParameterSize));
  }
  const rp = str(obj.reclaimPolicy);
  if (rp && rp !== 'Delete' && rp !== 'Retain') errs.push(field.notSupported('reclaimPolicy', rp, ['Delete', 'Retain']));
  if (obj.volumeBindingMode === undefined || obj.volumeBindingMode === null) errs.push(field.required('volumeBindingMode'));
  else if (obj.volumeBindingMode !== 'Immediate' && obj.volumeBindingMode !== 'WaitForFirstConsumer') {
    errs.push(field.notSupported('volumeBindingMode', obj.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
  }
  return errs;
}

/** ValidateStorageClassUpdate. */
export function validateStorageClassUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(field.forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(obj.provisioner) !== str(old.provisioner)) errs.push(field.forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(obj.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(field.forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutable(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}

export const storageClassResource: ResourceDef = {
  group: 'storage.k8s.io',
  version: 'v1',
  kind: 'StorageClass',
  resource: 'storageclasses',
  singular: 'storageclass',
  namespaced: false,
  shortNames: ['sc'],
  strategy: {
    default: defaultStorageClass,
    validate: validateStorageClass,
    validateUpdate: validateStorageClassUpdate,
    columns: [
      nameColumn,
      col('Provisioner', 'string', docs['StorageClass.provisioner']),
      col('ReclaimPolicy', 'string', docs['StorageClass.reclaimPolicy']),
      col('VolumeBindingMode', 'string', docs['StorageClass.volumeBindingMode']),
      col('AllowVolumeExpansion', 'string', docs['StorageClass.allowVolumeExpansion']),
      ageColumn,
    ],
    row: (obj) => [
      isDefaultStorageClass(obj) ? `${obj.metadata.name ?? ''} (default)` : (obj.metadata.name ?? ''),
      str(obj.provisioner),
      str(obj.reclaimPolicy) || 'Delete',
      str(obj.volumeBindingMode) || 'Immediate',
      obj.allowVolumeExpansion === true,
      age(obj.metadata.creationTimestamp),
    ],
  },
};
