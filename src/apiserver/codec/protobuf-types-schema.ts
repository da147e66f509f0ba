/**
 * The shape of our protobuf field tables (protobuf-types-*.ts) and the helpers that build them.
 *
 * Kubernetes' generated.proto files are proto2 messages produced from Go structs by go-to-protobuf,
 * so a message's JSON form is what Go's encoding/json prints for that struct. The table therefore
 * records, per field, the JSON name and whether Go keeps a zero value: gogo always writes
 * non-pointer fields (empty strings, 0, false), while a pointer field appears on the wire only
 * when set; encoding/json drops zeros only for `omitempty` non-pointer fields.
 */

/** Scalar and composite field kinds; 'message' and 'map' name their type in `type`. */
export type FieldKind = 'string' | 'bytes' | 'bool' | 'int32' | 'int64' | 'double' | 'message' | 'map';

/** One protobuf field of a Kubernetes message and how it appears in JSON. */
export interface FieldDescriptor {
  /** Protobuf field number. */
  readonly no: number;
  /**
   * JSON property name. '' marks an embedded struct whose fields Go inlines (`json:",inline"`),
   * or, on a repeated scalar, a message that is a bare list (see stringList).
   */
  readonly json: string;
  readonly kind: FieldKind;
  /** For 'message': the message name; for 'map': the value's kind ('string'|'bytes') or message name. */
  readonly type?: string;
  readonly repeated?: boolean;
  /** Keep a zero value found on the wire: the Go field is a pointer, or its json tag lacks omitempty. */
  readonly keepZero?: boolean;
}

/** Message name (e.g. 'core.v1.Container') → its fields. */
export type MessageTable = Readonly<Record<string, readonly FieldDescriptor[]>>;

/** 'keep': Go keeps the zero value (pointer or no omitempty); 'rep': a repeated field. */
export type FieldOption = 'keep' | 'rep';

function scalar(kind: FieldKind, no: number, json: string, opt?: FieldOption): FieldDescriptor {
  return {
    no,
    json,
    kind,
    ...(opt === 'rep' ? { repeated: true } : {}),
    ...(opt === 'keep' ? { keepZero: true } : {}),
  };
}

export const str = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('string', no, json, opt);
/** []byte: JSON carries it base64-encoded, as Go's encoding/json does. */
export const bytes = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('bytes', no, json, opt);
export const bool = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('bool', no, json, opt);
export const i32 = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('int32', no, json, opt);
export const i64 = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('int64', no, json, opt);
export const f64 = (no: number, json: string, opt?: FieldOption): FieldDescriptor => scalar('double', no, json, opt);

/** A nested message; messages are always printed when present (Go's omitempty never drops structs). */
export function msg(no: number, json: string, type: string, opt?: FieldOption): FieldDescriptor {
  return { ...scalar('message', no, json, opt), type };
}

/** map<string, V>: on the wire a repeated entry message {1: key, 2: value}. */
export function map(no: number, json: string, valueType: string): FieldDescriptor {
  return { no, json, kind: 'map', type: valueType };
}

/** An embedded struct tagged `json:",inline"`: its fields are merged into the parent object. */
export function inline(no: number, type: string): FieldDescriptor {
  return { no, json: '', kind: 'message', type };
}

/**
 * Well-known messages the decoder converts itself rather than through a table, because their
 * JSON form is not an object (see protobuf.ts for each conversion).
 */
export const SPECIAL_MESSAGES = [
  'meta.v1.Time',
  'meta.v1.MicroTime',
  'meta.v1.Duration',
  'meta.v1.FieldsV1',
  'resource.Quantity',
  'intstr.IntOrString',
  'runtime.RawExtension',
] as const;

/**
 * The whole message is a bare list of strings: Go's `type ExtraValue []string`, which proto can
 * only express as a message {repeated string items = 1}; its JSON form is the list itself.
 */
export function stringList(no: number): FieldDescriptor {
  return { no, json: '', kind: 'string', repeated: true };
}
