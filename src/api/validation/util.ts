/**
 * Small readers for untyped JSON, so validators can walk decoded request bodies without casts.
 */
import { isPlainObject } from '../object.js';
import type { FieldError } from '../field.js';
import { field } from '../field.js';

export type Obj = Record<string, unknown>;

/** The value as a plain object, or {} for anything else (missing fields read as undefined). */
export function asObj(v: unknown): Obj {
  return isPlainObject(v) ? v : {};
}

/** The value as an array, or [] when missing or not an array. */
export function asArr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string ('' when missing). */
export function asStr(v: unknown): string {
  if (typeof v === 'string') return v;
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
}

/** ValidateNonnegativeField for an optional number. */
export function nonNegative(v: unknown, path: string): FieldError[] {
  return typeof v === 'number' && v < 0 ? [field.invalid(path, v, 'must be greater than or equal to 0')] : [];
}

/** Go's %#v of a []string, as several upstream messages print lists. */
export function goStringSlice(xs: string[]): string {
  return `[]string{${xs.map((x) => JSON.stringify(x)).join(', ')}}`;
}

/** Messages from a names.ts check as field.Invalid errors. */
export function invalidEach(path: string, value: unknown, msgs: string[]): FieldError[] {
  return msgs.map((m) => field.invalid(path, value, m));
}
