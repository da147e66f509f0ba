/**
 * core/v1 Event (pkg/registry/core/event): involvedObject must agree with the event's namespace;
 * GetAttrs field selectors; the printEvent table (LAST SEEN TYPE REASON OBJECT MESSAGE).
 */
import type { KubeObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { age } from '../printers.js';
import { col, docs, nameColumn, str, view } from './helpers.js';

/** formatEventSource: component (or reportingController), ", host" (or reportingInstance) when known. */
export function eventSource(obj: KubeObject): string {
  const src = view(obj.source);
  const component = str(src.component) || str(obj.reportingComponent);
  const instance = str(src.host) || str(obj.reportingInstance);
  return instance ? `${component}, ${instance}` : component;
}

/** printEvent's cells (wide layout, as server-side printing always is). */
export function eventRow(obj: KubeObject, now: number = Date.now()): unknown[] {
  const first = str(obj.firstTimestamp) ? age(str(obj.firstTimestamp), now) : age(str(obj.eventTime) || undefined, now);
  let last = str(obj.lastTimestamp) ? age(str(obj.lastTimestamp), now) : first;
  let count = Number(obj.count ?? 0);
  const series = obj.series === undefined || obj.series === null ? undefined : view(obj.series);
  if (series) {
    last = age(str(series.lastObservedTime) || undefined, now);
    count = Number(series.count ?? 0);
  } else if (count === 0) count = 1; // singleton events carry no count in the new API
  const io = view(obj.involvedObject);
  const kind = str(io.kind).toLowerCase();
  const target = str(io.name) ? `${kind}/${str(io.name)}` : kind;
  return [last, str(obj.type), str(obj.reason), target, str(io.fieldPath), eventSource(obj), str(obj.message).trim(), first, count, obj.metadata.name ?? ''];
}

export const eventResource: ResourceDef = {
  group: '',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  strategy: {
    validate(obj) {
      const errs: FieldError[] = [];
      const io = view(obj.involvedObject);
      const ns = obj.metadata.namespace ?? '';
      // ValidateEventCreate (legacy path): the involved object lives in the event's namespace.
      if (str(io.namespace) && str(io.namespace) !== ns) errs.push(field.invalid('involvedObject.namespace', io.namespace, 'does not match event.namespace'));
      if (obj.type !== undefined && obj.type !== '' && obj.type !== 'Normal' && obj.type !== 'Warning') {
        errs.push(field.invalid('type', obj.type, 'has invalid value: must be Normal or Warning'));
      }
      if (str(obj.reason).length > 128) errs.push(field.tooLong('reason', undefined, 128));
      return errs;
    },
    columns: [
      col('Last Seen', 'string', docs['Event.deprecatedLastTimestamp']),
      col('Type', 'string', docs['Event.type']),
      col('Reason', 'string', docs['Event.reason']),
      col('Object', 'string', docs['Event.regarding']),
      col('Subobject', 'string', docs['ObjectReference.fieldPath'], 1),
      col('Source', 'string', docs['Event.reportingController'], 1),
      col('Message', 'string', docs['Event.note']),
      col('First Seen', 'string', docs['Event.deprecatedFirstTimestamp'], 1),
      col('Count', 'string', docs['Event.deprecatedCount'], 1),
      { ...nameColumn, priority: 1 },
    ],
    row: (obj) => eventRow(obj),
    fieldSelectors: {
      'involvedObject.kind': (o) => str(view(o.involvedObject).kind),
      'involvedObject.namespace': (o) => str(view(o.involvedObject).namespace),
      'involvedObject.name': (o) => str(view(o.involvedObject).name),
      'involvedObject.uid': (o) => str(view(o.involvedObject).uid),
      'involvedObject.apiVersion': (o) => str(view(o.involvedObject).apiVersion),
      'involvedObject.resourceVersion': (o) => str(view(o.involvedObject).resourceVersion),
      'involvedObject.fieldPath': (o) => str(view(o.involvedObject).fieldPath),
      reason: (o) => str(o.reason),
      reportingComponent: (o) => str(o.reportingComponent),
      source: (o) => str(view(o.source).component) || str(o.reportingComponent),
      type: (o) => str(o.type),
    },
  },
};
