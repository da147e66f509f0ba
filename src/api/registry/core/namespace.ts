/**
 * Namespace (pkg/registry/core/namespace/strategy.go): cluster-scoped, DNS-1123 label names,
 * spec.finalizers defaults to ["kubernetes"] and may only change through namespaces/finalize.
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { isQualifiedName } from '../../validation/names.js';
import { ageColumn, col, list, nameColumn, specOf, statusOf, str, view, standardFinalizers } from './helpers.js';

/** validateFinalizerName: unqualified names must be standard ("kubernetes"). */
export function validateSpecFinalizers(finalizers: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of list(finalizers).map(str)) {
    const msgs = isQualifiedName(f);
    for (const m of msgs) errs.push(field.invalid(path, f, m));
    if (!msgs.length && !f.includes('/') && !standardFinalizers.includes(f)) {
      errs.push(field.invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

export const namespaceResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  resource: 'namespaces',
  singular: 'namespace',
  namespaced: false,
  shortNames: ['ns'],
  subresources: { status: true, others: ['finalize'] },
  strategy: {
    nameRule: 'label',
    tracksGeneration: false,
    default(obj) {
      const spec = specOf(obj);
      if (spec.finalizers === undefined) spec.finalizers = ['kubernetes'];
      const status = statusOf(obj);
      if (!status.phase) status.phase = 'Active';
    },
    // Upstream's PrepareForUpdate keeps spec.finalizers (only namespaces/finalize changes them);
    // the pipeline calls prepareForUpdate for finalize too, so that rule is left to the handler.
    validate(obj) {
      const errs = validateSpecFinalizers(view(obj.spec).finalizers, 'spec.finalizers');
      const phase = view(obj.status).phase;
      if (phase !== undefined && phase !== 'Active' && phase !== 'Terminating') {
        errs.push(field.notSupported('status.phase', phase, ['Active', 'Terminating']));
      }
      return errs;
    },
    columns: [nameColumn, col('Status', 'string', 'The status of the namespace'), ageColumn],
    row(obj: KubeObject) {
      return [obj.metadata.name ?? '', str(view(obj.status).phase), age(obj.metadata.creationTimestamp)];
    },
    fieldSelectors: { 'status.phase': (o) => str(view(o.status).phase) },
  },
};
