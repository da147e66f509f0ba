/**
 * Evaluates a pod(-template) against a level at a version (upstream policy/registry.go): the
 * revision of each check in force at that version runs, baseline checks first, each group in
 * check-ID order, so messages list violations in the same order kube-apiserver does. "latest"
 * and versions newer than the newest revision mean the newest revisions (v1.32 here: the
 * Kubernetes version Kubeling serves).
 */
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import type { Check, CheckPodFn, CheckResult, VersionedCheck } from './check.js';
import type { LevelVersion } from './api.js';
import { baselineChecks } from './checks-baseline.js';
import { restrictedChecks } from './checks-restricted.js';

/** The aggregate of all checks' results (upstream AggregateCheckResult). */
export interface AggregateResult {
  allowed: boolean;
  reasons: string[];
  details: string[];
}

const byID = (a: Check, b: Check): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Judges pods against the given checks; one instance serves every request. */
export class Evaluator {
  private readonly maxMinor: number;
  private readonly cache = new Map<string, CheckPodFn[]>();
  private readonly baseline: Check[];
  private readonly restricted: Check[];

  constructor(baseline: Check[] = baselineChecks, restricted: Check[] = restrictedChecks) {
    this.baseline = [...baseline].sort(byID);
    this.restricted = [...restricted].sort(byID);
    this.maxMinor = Math.max(...[...baseline, ...restricted].map((c) => c.versions[c.versions.length - 1]?.minimumMinor ?? 0));
  }

  /** The results of every check of the level (none for privileged). */
  evaluate(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[] {
    if (lv.level === 'privileged') return [];
    const minor = lv.version.latest ? this.maxMinor : Math.min(lv.version.minor, this.maxMinor);
    return this.checksFor(lv.level, minor).map((fn) => fn(meta, spec));
  }

  private checksFor(level: 'baseline' | 'restricted', minor: number): CheckPodFn[] {
    const key = `${level}:${minor}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const at = (c: Check): VersionedCheck | undefined => [...c.versions].reverse().find((v) => v.minimumMinor <= minor);
    const restricted = level === 'restricted' ? this.restricted.flatMap((c) => { const v = at(c); return v ? [v] : []; }) : [];
    const overridden = new Set(restricted.flatMap((v) => v.overrides ?? []));
    const baseline = this.baseline.filter((c) => !overridden.has(c.id)).flatMap((c) => { const v = at(c); return v ? [v] : []; });
    const fns = [...baseline, ...restricted].map((v) => v.check);
    this.cache.set(key, fns);
    return fns;
  }
}

/** Collects the forbidden results (upstream AggregateCheckResults). */
export function aggregate(results: CheckResult[]): AggregateResult {
  const reasons: string[] = [];
  const details: string[] = [];
  for (const r of results) {
    if (r.allowed) continue;
    reasons.push(r.reason || 'unknown forbidden reason');
    details.push(r.detail ?? '');
  }
  return { allowed: reasons.length === 0, reasons, details };
}

/** "host namespaces, privileged": what a namespace-wide check prints per pod. */
export function forbiddenReason(r: AggregateResult): string {
  return r.reasons.join(', ');
}

/** "hostPort (container "a" uses hostPort 80), privileged (...)": the per-object message. */
export function forbiddenDetail(r: AggregateResult): string {
  return r.reasons.map((reason, i) => (r.details[i] ? `${reason} (${r.details[i]})` : reason)).join(', ');
}
