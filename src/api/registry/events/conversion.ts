/**
 * events.k8s.io/v1 Event ⇄ core/v1 Event, as pkg/apis/events/v1/conversion.go maps them (both
 * go through the internal core.Event): note↔message, regarding↔involvedObject,
 * reportingController↔reportingComponent, deprecatedSource↔source and the deprecated
 * count/timestamps; eventTime, series, action, reason, type, related and reportingInstance keep
 * their names. Empty Go structs and zero times serialise as upstream does ({} and null).
 */
import type { KubeObject } from '../../object.js';
import { deepCopy } from '../../object.js';

type Obj = Record<string, unknown>;

/** [events.k8s.io/v1 field, core/v1 field] */
const renames: [string, string][] = [
  ['note', 'message'],
  ['regarding', 'involvedObject'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
const same = ['eventTime', 'series', 'action', 'reason', 'type', 'related', 'reportingInstance'];

function has(o: Obj, k: string): boolean {
  return o[k] !== undefined && o[k] !== null && o[k] !== '' && o[k] !== 0;
}

function copyFields(src: Obj, pairs: [string, string][]): Obj {
  const out: Obj = {};
  for (const [from, to] of pairs) if (has(src, from)) out[to] = deepCopy(src[from]);
  return out;
}

/** events.k8s.io/v1 → the stored core/v1 Event. */
export function eventsToCore(obj: KubeObject): KubeObject {
  const src = obj as Obj;
  const fields = copyFields(src, [...renames, ...same.map((k): [string, string] => [k, k])]);
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: deepCopy(obj.metadata),
    involvedObject: {},
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: null,
    reportingComponent: '',
    reportingInstance: '',
    ...fields,
  };
}

/** The stored core/v1 Event → events.k8s.io/v1. */
export function coreToEvents(obj: KubeObject): KubeObject {
  const src = obj as Obj;
  const fields = copyFields(src, [...renames.map(([a, b]): [string, string] => [b, a]), ...same.map((k): [string, string] => [k, k])]);
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: deepCopy(obj.metadata),
    eventTime: null,
    regarding: {},
    deprecatedSource: {},
    deprecatedFirstTimestamp: null,
    deprecatedLastTimestamp: null,
    ...fields,
  };
}
