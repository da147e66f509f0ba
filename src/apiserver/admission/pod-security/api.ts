/**
 * Pod Security Standards levels, policy versions and the namespace labels that select them
 * (k8s.io/pod-security-admission/api): `pod-security.kubernetes.io/<mode>` picks the level and
 * `<mode>-version` the policy version for each of enforce, audit and warn. Parsing is lenient as
 * upstream's PolicyToEvaluate is: a bad value yields errors AND a usable policy (restricted for
 * enforce, privileged for audit and warn), so pods are judged even when labels are broken.
 */
import type { FieldError } from '../../../api/field.js';
import { field } from '../../../api/field.js';

/** A Pod Security Standard level. */
export type Level = 'privileged' | 'baseline' | 'restricted';

/** A policy version: a v1.x minor, or latest (newer than any minor). */
export type Version = { latest: true } | { latest: false; minor: number };

/** A level at a version, printed as upstream prints it ("baseline:latest", "restricted:v1.25"). */
export interface LevelVersion {
  level: Level;
  version: Version;
}

/** The three modes a namespace configures. */
export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export const labelPrefix = 'pod-security.kubernetes.io/';
export const enforceLevelLabel = `${labelPrefix}enforce`;
export const enforceVersionLabel = `${labelPrefix}enforce-version`;
export const auditLevelLabel = `${labelPrefix}audit`;
export const auditVersionLabel = `${labelPrefix}audit-version`;
export const warnLevelLabel = `${labelPrefix}warn`;
export const warnVersionLabel = `${labelPrefix}warn-version`;

/** Audit annotation keys (prefixed with labelPrefix when recorded, as the in-tree plugin does). */
export const enforcedPolicyAnnotation = 'enforce-policy';
export const auditViolationsAnnotation = 'audit-violations';

export const latest: Version = { latest: true };

const validLevels: Level[] = ['privileged', 'baseline', 'restricted'];

/** Without labels a namespace is privileged in all modes (the default PodSecurityConfiguration). */
export const defaultPolicy: Policy = {
  enforce: { level: 'privileged', version: latest },
  audit: { level: 'privileged', version: latest },
  warn: { level: 'privileged', version: latest },
};

export function versionString(v: Version): string {
  return v.latest ? 'latest' : `v1.${v.minor}`;
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${versionString(lv.version)}`;
}

export function sameVersion(a: Version, b: Version): boolean {
  return a.latest ? b.latest : !b.latest && a.minor === b.minor;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && sameVersion(a.version, b.version);
}

/** -1, 0, 1 as a is less strict than, as strict as, stricter than b (upstream CompareLevels). */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(validLevels.indexOf(a) - validLevels.indexOf(b));
}

export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}

function parseLevel(v: string): Level | undefined {
  return (validLevels as string[]).includes(v) ? (v as Level) : undefined;
}

const versionPattern = /^v1\.(0|[1-9][0-9]*)$/;

function parseVersion(v: string): Version | undefined {
  if (v === 'latest') return latest;
  const m = versionPattern.exec(v);
  return m?.[1] !== undefined ? { latest: false, minor: Number(m[1]) } : undefined;
}

function labelError(label: string, value: string, detail: string): FieldError {
  return field.invalid(`metadata.labels[${label}]`, value, detail);
}

const levelDetail = `must be one of ${validLevels.join(', ')}`;
const versionDetail = 'must be "latest" or "v1.x"';

/**
 * The policy a namespace's labels select, with the label errors. Unset warn follows an explicitly
 * stricter enforce level (and its version unless warn-version is set), as upstream defaults it.
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy = defaultPolicy): { policy: Policy; errors: FieldError[] } {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels) return { policy: p, errors };
  let hasEnforceLevel = false;
  const level = (label: string, onError: Level): Level | undefined => {
    const raw = labels[label];
    if (raw === undefined) return undefined;
    const l = parseLevel(raw);
    if (l) return l;
    errors.push(labelError(label, raw, levelDetail));
    return onError;
  };
  const version = (label: string): Version | undefined => {
    const raw = labels[label];
    if (raw === undefined) return undefined;
    const v = parseVersion(raw);
    if (v) return v;
    errors.push(labelError(label, raw, versionDetail));
    return latest;
  };
  const enforceRaw = labels[enforceLevelLabel];
  const el = level(enforceLevelLabel, 'restricted'); // fail closed for enforce
  if (el) {
    p.enforce.level = el;
    hasEnforceLevel = enforceRaw !== undefined && parseLevel(enforceRaw) !== undefined;
  }
  const ev = version(enforceVersionLabel);
  if (ev) p.enforce.version = ev;
  const al = level(auditLevelLabel, 'privileged'); // fail open for audit
  if (al) p.audit.level = al;
  const av = version(auditVersionLabel);
  if (av) p.audit.version = av;
  const wl = level(warnLevelLabel, 'privileged'); // fail open for warn
  if (wl) p.warn.level = wl;
  const wv = version(warnVersionLabel);
  if (wv) p.warn.version = wv;
  if (labels[warnLevelLabel] === undefined && hasEnforceLevel && compareLevels(p.enforce.level, p.warn.level) > 0) {
    p.warn.level = p.enforce.level;
    if (labels[warnVersionLabel] === undefined) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}
