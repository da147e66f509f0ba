/**
 * Field errors, as k8s.io/apimachinery/pkg/util/validation/field builds them. Validation code
 * returns a list of these; errors.invalid() turns them into a 422 Status with causes.
 */

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  type: FieldErrorType;
  /** dotted path with indexes, e.g. "spec.template.spec.containers[0].image" */
  field: string;
  /** the offending value, printed as upstream prints it (strings quoted) */
  badValue?: unknown;
  /** human explanation, e.g. "must be no more than 63 characters" */
  detail?: string;
  /** for NotSupported: the allowed values */
  supported?: string[];
}

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/**
 * A bad value printed verbatim, for upstream messages that show Go's %#v of a non-scalar value,
 * e.g. `spec.clusterIPs: Invalid value: []string{"10.96.0.5"}: ...`.
 */
export class GoLiteral {
  constructor(readonly text: string) {}
  toJSON(): string {
    return this.text;
  }
}

/** Prints a value as Go's %#v-ish rendering that upstream messages use: strings quoted, numbers bare. */
export function printValue(v: unknown): string {
  if (v instanceof GoLiteral) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** "field: Invalid value: \"x\": detail" (withField) or "Invalid value: \"x\": detail" (cause message). */
export function formatFieldError(e: FieldError, withField = true): string {
  let body = typeText[e.type];
  const showValue = e.badValue !== undefined && e.type !== 'FieldValueRequired' && e.type !== 'FieldValueForbidden' && e.type !== 'FieldValueTooMany';
  if (showValue) body += `: ${printValue(e.badValue)}`;
  if (e.type === 'FieldValueNotSupported' && e.supported?.length) {
    body += `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}`;
  } else if (e.detail) {
    body += `: ${e.detail}`;
  }
  return withField ? `${e.field}: ${body}` : body;
}

/** Constructors mirroring field.Required/Invalid/NotSupported/... */
export const field = {
  required: (path: string, detail = ''): FieldError => ({ type: 'FieldValueRequired', field: path, detail: detail || undefined }),
  invalid: (path: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field: path, badValue: value, detail }),
  notSupported: (path: string, value: unknown, supported: string[]): FieldError => ({ type: 'FieldValueNotSupported', field: path, badValue: value, supported }),
  forbidden: (path: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field: path, detail }),
  duplicate: (path: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field: path, badValue: value }),
  tooLong: (path: string, value: unknown, max: number): FieldError => ({ type: 'FieldValueTooLong', field: path, badValue: value, detail: `may not be more than ${max} bytes` }),
  notFound: (path: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field: path, badValue: value }),
};
