/**
 * PersistentVolume and PersistentVolumeClaim (pkg/registry/core/persistentvolume{,claim}):
 * SetDefaults (reclaim policy Retain, volumeMode Filesystem, phase Pending), ValidatePersistentVolume
 * / ValidatePersistentVolumeClaim essentials, claim spec immutability, and the printers.
 */
import type { KubeObject } from '../../object.js';
import { deepEqual } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { validateQuantityValue } from '../../validation/container.js';
import { validateLabelSelector } from '../../validation/meta.js';
import { parseQuantity } from '../../validation/quantity.js';
import { volumeSourceTypes } from '../../validation/pod.js';
import { accessModesString, ageColumn, col, docs, list, nameColumn, specOf, statusOf, str, view } from './helpers.js';

const accessModes = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const reclaimPolicies = ['Delete', 'Recycle', 'Retain'];
const volumeModes = ['Block', 'Filesystem'];

/** Persistent sources: the pod volume sources minus the pod-only ones, plus local. */
const pvSources = [...volumeSourceTypes.filter((t) => !['emptyDir', 'gitRepo', 'secret', 'persistentVolumeClaim', 'downwardAPI', 'configMap', 'projected', 'ephemeral', 'image'].includes(t)), 'local'];

function validateAccessModes(modes: unknown, path: string, requiredDetail: string): FieldError[] {
  const m = list(modes).map(str);
  if (m.length === 0) return [field.required(path, requiredDetail)];
  const errs = m.filter((x) => !accessModes.includes(x)).map((x) => field.notSupported(path, x, accessModes));
  if (m.includes('ReadWriteOncePod') && m.length > 1) errs.push(field.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** GetPersistentVolumeClass / GetPersistentVolumeClaimClass: the beta annotation wins. */
function storageClass(obj: KubeObject): string {
  return obj.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? str(view(obj.spec).storageClassName);
}

export function validatePersistentVolume(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', '');
  const cap = view(spec.capacity);
  if (Object.keys(cap).length === 0) errs.push(field.required('spec.capacity'));
  else if (cap.storage === undefined) errs.push(field.notSupported('spec.capacity', Object.keys(cap)[0], ['storage']));
  else errs.push(...validateQuantityValue(cap.storage, 'spec.capacity[storage]'));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !reclaimPolicies.includes(str(policy))) errs.push(field.notSupported('spec.persistentVolumeReclaimPolicy', policy, reclaimPolicies));
  if (spec.volumeMode !== undefined && !volumeModes.includes(str(spec.volumeMode))) errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, volumeModes));
  const sources = pvSources.filter((t) => spec[t] !== undefined && spec[t] !== null);
  if (sources.length === 0) errs.push(field.required('spec', 'must specify a volume type'));
  for (const extra of sources.slice(1)) errs.push(field.forbidden(`spec.${extra}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath !== undefined && !view(spec.hostPath).path) errs.push(field.required('spec.hostPath.path'));
  if (spec.local !== undefined && !view(spec.local).path) errs.push(field.required('spec.local.path'));
  return errs;
}

export function validatePersistentVolumeClaim(obj: KubeObject): FieldError[] {
  const spec = view(obj.spec);
  const errs = validateAccessModes(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required');
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const storage = view(view(spec.resources).requests).storage;
  if (storage === undefined) errs.push(field.required('spec.resources[storage]'));
  else {
    const qErrs = validateQuantityValue(storage, 'spec.resources[storage]');
    errs.push(...qErrs);
    if (!qErrs.length && (parseQuantity(storage as string) ?? 0) <= 0) {
      errs.push(field.invalid('spec.resources[storage]', str(storage), 'must be greater than zero'));
    }
  }
  if (spec.volumeMode !== undefined && !volumeModes.includes(str(spec.volumeMode))) errs.push(field.notSupported('spec.volumeMode', spec.volumeMode, volumeModes));
  return errs;
}

/** ValidatePersistentVolumeClaimUpdate: only storage requests grow (bound claims) and volumeName binds once. */
export function validatePersistentVolumeClaimUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const ns = structuredClone(view(obj.spec));
  const os = view(old.spec);
  const errs: FieldError[] = [];
  if (!os.volumeName && ns.volumeName) ns.volumeName = undefined;
  const bound = view(old.status).phase === 'Bound';
  if (bound) {
    const oldReq = parseQuantity(str(view(view(os.resources).requests).storage)) ?? 0;
    const newReq = parseQuantity(str(view(view(ns.resources).requests).storage)) ?? 0;
    if (newReq < oldReq) errs.push(field.forbidden('spec.resources.requests.storage', 'field can not be less than previous value'));
    ns.resources = os.resources;
  }
  for (const [k, v] of Object.entries(ns)) if (v === undefined && os[k] === undefined) delete ns[k];
  if (ns.volumeName === undefined && os.volumeName === undefined) delete ns.volumeName;
  if (!deepEqual(ns, os)) errs.push(field.forbidden('spec', 'spec is immutable after creation except resources.requests for bound claims'));
  return errs;
}

export const persistentVolumeResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolume',
  resource: 'persistentvolumes',
  singular: 'persistentvolume',
  namespaced: false,
  shortNames: ['pv'],
  subresources: { status: true },
  strategy: {
    tracksGeneration: false,
    default(obj) {
      const spec = specOf(obj);
      if (!spec.persistentVolumeReclaimPolicy) spec.persistentVolumeReclaimPolicy = 'Retain';
      if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
      const status = statusOf(obj);
      if (!status.phase) status.phase = 'Pending';
      if (spec.hostPath !== undefined && view(spec.hostPath).type === undefined) view(spec.hostPath).type = '';
    },
    validate: validatePersistentVolume,
    columns: [
      nameColumn,
      col('Capacity', 'string', docs['PersistentVolumeSpec.capacity']),
      col('Access Modes', 'string', docs['PersistentVolumeSpec.accessModes']),
      col('Reclaim Policy', 'string', docs['PersistentVolumeSpec.persistentVolumeReclaimPolicy']),
      col('Status', 'string', docs['PersistentVolumeStatus.phase']),
      col('Claim', 'string', docs['PersistentVolumeSpec.claimRef']),
      col('StorageClass', 'string', 'StorageClass of the pv'),
      col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
      col('Reason', 'string', docs['PersistentVolumeStatus.reason']),
      ageColumn,
      col('VolumeMode', 'string', docs['PersistentVolumeSpec.volumeMode'], 1),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const status = view(obj.status);
      const ref = spec.claimRef === undefined ? undefined : view(spec.claimRef);
      return [
        obj.metadata.name ?? '',
        str(view(spec.capacity).storage) || '0',
        accessModesString(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy),
        obj.metadata.deletionTimestamp ? 'Terminating' : str(status.phase),
        ref ? `${str(ref.namespace)}/${str(ref.name)}` : '',
        storageClass(obj),
        str(spec.volumeAttributesClassName) || '<unset>',
        str(status.reason),
        age(obj.metadata.creationTimestamp),
        str(spec.volumeMode) || '<unset>',
      ];
    },
  },
};

export const persistentVolumeClaimResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'PersistentVolumeClaim',
  resource: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  namespaced: true,
  shortNames: ['pvc'],
  subresources: { status: true },
  strategy: {
    tracksGeneration: false,
    default(obj) {
      const spec = specOf(obj);
      if (!spec.volumeMode) spec.volumeMode = 'Filesystem';
      const status = statusOf(obj);
      if (!status.phase) status.phase = 'Pending';
    },
    validate: validatePersistentVolumeClaim,
    validateUpdate: validatePersistentVolumeClaimUpdate,
    columns: [
      nameColumn,
      col('Status', 'string', docs['PersistentVolumeClaimStatus.phase']),
      col('Volume', 'string', docs['PersistentVolumeClaimSpec.volumeName']),
      col('Capacity', 'string', docs['PersistentVolumeClaimStatus.capacity']),
      col('Access Modes', 'string', docs['PersistentVolumeClaimStatus.accessModes']),
      col('StorageClass', 'string', 'StorageClass of the pvc'),
      col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
      ageColumn,
      col('VolumeMode', 'string', docs['PersistentVolumeClaimSpec.volumeMode'], 1),
    ],
    row(obj) {
      const spec = view(obj.spec);
      const status = view(obj.status);
      const bound = !!str(spec.volumeName);
      return [
        obj.metadata.name ?? '',
        obj.metadata.deletionTimestamp ? 'Terminating' : str(status.phase),
        str(spec.volumeName),
        bound ? str(view(status.capacity).storage) || '0' : '',
        bound ? accessModesString(status.accessModes) : '',
        storageClass(obj),
        str(spec.volumeAttributesClassName) || '<unset>',
        age(obj.metadata.creationTimestamp),
        str(spec.volumeMode) || '<unset>',
      ];
    },
  },
};
