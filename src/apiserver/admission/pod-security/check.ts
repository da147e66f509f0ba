/**
 * The shape of a Pod Security check (k8s.io/pod-security-admission/policy checks.go) and the
 * helpers every check uses to phrase its result exactly as upstream does.
 */
import type { Container, EphemeralContainer, PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';

/** One check's verdict; reason is always printed, detail only when judging a single object. */
export interface CheckResult {
  allowed: boolean;
  reason?: string;
  detail?: string;
}

export type CheckPodFn = (meta: ObjectMeta, spec: PodSpec) => CheckResult;

/** One revision of a check, in force from policy version v1.<minimumMinor>. */
export interface VersionedCheck {
  minimumMinor: number;
  check: CheckPodFn;
  /** baseline check IDs this restricted revision replaces */
  overrides?: string[];
}

/** A check: an ID, the level it belongs to and its revisions in increasing version order. */
export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  versions: VersionedCheck[];
}

export const allowed: CheckResult = Object.freeze({ allowed: true });

export function forbidden(reason: string, detail: string): CheckResult {
  return { allowed: false, reason, detail };
}

/** `"a", "b"` as upstream's joinQuote (no escaping). */
export function joinQuote(items: string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`. */
export function containersPhrase(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** The sorted distinct values, as sets.String.List() returns them. */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export function arr<T>(v: T[] | null | undefined): T[] {
  return Array.isArray(v) ? v : [];
}

/** Init containers, containers, then ephemeral containers: upstream's visitContainers order. */
export function visitContainers(spec: PodSpec, visit: (c: Container | EphemeralContainer) => void): void {
  for (const c of arr(spec.initContainers)) visit(c);
  for (const c of arr(spec.containers)) visit(c);
  for (const c of arr(spec.ephemeralContainers)) visit(c);
}

/** Since policy v1.25 Windows pods are exempt from the Linux-only restricted checks. */
export function isWindows(spec: PodSpec): boolean {
  return spec.os?.name === 'windows';
}

/** A Go %q rendering for the plain strings these messages quote. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
