/**
 * events.k8s.io/v1 Event: served from the core/v1 events storage through conversion. Strict
 * validation of the new API (ValidateEventCreate/Update for events/v1): eventTime, reporting
 * controller/instance, action and reason required; the deprecated fields must stay unset; series
 * counts ≥ 2; most fields immutable. Printed and field-selected exactly as core events are.
 */
import type { KubeObject } from '../../object.js';
import { isPlainObject } from '../../object.js';
import type { FieldError } from '../../field.js';
import { field } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../validation/names.js';
import { validateImmutable } from '../../validation/meta.js';
import { invalidEach } from '../../validation/util.js';
import { eventResource, eventRow } from '../core/event.js';
import { str, view } from '../core/helpers.js';
import { coreToEvents, eventsToCore } from './conversion.js';

const lengthLimits: [string, string, number][] = [
  ['reportingInstance', 'reportingInstance', 128],
  ['action', 'action', 128],
  ['reason', 'reason', 128],
];

function validateSeries(obj: KubeObject): FieldError[] {
  if (!isPlainObject(obj.series)) return [];
  const errs: FieldError[] = [];
  if (Number(obj.series.count ?? 0) < 2) errs.push(field.invalid('series.count', '', 'should be at least 2'));
  if (!str(obj.series.lastObservedTime)) errs.push(field.required('series.lastObservedTime'));
  return errs;
}

/** legacyValidateEvent (new-style branch) + the events/v1 strict create checks. */
export function validateEventsEvent(obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const ns = obj.metadata.namespace ?? '';
  const regarding = view(obj.regarding);
  const hasTime = Boolean(str(obj.eventTime));
  if (!hasTime) {
    const ins = str(regarding.namespace);
    if (ins ? ins !== ns : ns !== '' && ns !== 'default') errs.push(field.invalid('involvedObject.namespace', ins, 'does not match event.namespace'));
  } else {
    if (!str(regarding.namespace) && ns !== 'default' && ns !== 'kube-system') errs.push(field.invalid('involvedObject.namespace', '', 'does not match event.namespace'));
    const rc = str(obj.reportingController);
    if (!rc) errs.push(field.required('reportingController'));
    errs.push(...invalidEach('reportingController', rc, isQualifiedName(rc)));
    for (const [k, path, max] of lengthLimits) {
      const v = str(obj[k]);
      if (!v) errs.push(field.required(path));
      if (v.length > max) errs.push(field.invalid(path, '', `can have at most ${max} characters`));
    }
    if (str(obj.note).length > 1024) errs.push(field.invalid('message', '', 'can have at most 1024 characters'));
  }
  errs.push(...invalidEach('namespace', ns, isDNS1123Subdomain(ns)));
  errs.push(...validateSeries(obj));
  if (!hasTime) errs.push(field.required('eventTime'));
  if (obj.type !== 'Normal' && obj.type !== 'Warning') errs.push(field.invalid('type', '', `has invalid value: ${str(obj.type)}`));
  if (str(obj.deprecatedFirstTimestamp)) errs.push(field.invalid('deprecatedFirstTimestamp', '', 'needs to be unset'));
  if (str(obj.deprecatedLastTimestamp)) errs.push(field.invalid('deprecatedLastTimestamp', '', 'needs to be unset'));
  if (Number(obj.deprecatedCount ?? 0) !== 0) errs.push(field.invalid('deprecatedCount', '', 'needs to be unset'));
  const src = view(obj.deprecatedSource);
  if (str(src.component) || str(src.host)) errs.push(field.invalid('deprecatedSource', '', 'needs to be unset'));
  return errs;
}

/** ValidateEventUpdate (events/v1): the report itself may not change, only series and metadata. */
export function validateEventsEventUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const pairs: [string, string][] = [
    ['regarding', 'involvedObject'],
    ['reason', 'reason'],
    ['note', 'note'],
    ['deprecatedSource', 'source'],
    ['deprecatedFirstTimestamp', 'firstTimestamp'],
    ['deprecatedLastTimestamp', 'lastTimestamp'],
    ['deprecatedCount', 'count'],
    ['type', 'type'],
    ['action', 'action'],
    ['related', 'related'],
    ['reportingController', 'reportingController'],
    ['reportingInstance', 'reportingInstance'],
  ];
  const errs: FieldError[] = [];
  for (const [k, path] of pairs) {
    const norm = (v: unknown): unknown => (v === '' || v === 0 || (isPlainObject(v) && Object.keys(v).length === 0) ? undefined : v);
    errs.push(...validateImmutable(norm(obj[k]), norm(old[k]), path));
  }
  if (str(obj.eventTime).slice(0, 26) !== str(old.eventTime).slice(0, 26)) errs.push(field.invalid('eventTime', obj.eventTime, 'field is immutable'));
  return errs;
}

export const eventsEventResource: ResourceDef = {
  group: 'events.k8s.io',
  version: 'v1',
  kind: 'Event',
  resource: 'events',
  singular: 'event',
  namespaced: true,
  shortNames: ['ev'],
  strategy: {
    validate: validateEventsEvent,
    validateUpdate: validateEventsEventUpdate,
    columns: eventResource.strategy.columns,
    row: (obj) => eventRow(eventsToCore(obj)),
    // List predicates run on stored objects, which are core/v1 Events.
    fieldSelectors: eventResource.strategy.fieldSelectors,
  },
  conversion: {
    storageGroup: '',
    storageVersion: 'v1',
    storageResource: 'events',
    toStorage: eventsToCore,
    fromStorage: coreToEvents,
  },
};
