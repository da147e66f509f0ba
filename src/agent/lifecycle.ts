/**
 * Container lifecycle hooks as kubelet runs them (pkg/kubelet/lifecycle/handlers.go and
 * kuberuntime_container.go): postStart right after the container started — its failure kills the
 * container with a `FailedPostStartHook` event, and the restart policy takes over — and preStop
 * before the stop signal, counted inside the grace period: what the hook used is taken off the
 * time the container gets after SIGTERM, which is never less than kubelet's 2 s minimum.
 */
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { Runtime } from './runtime.js';
import { runHandler, type ActionResult } from './probes/actions.js';

/** kubelet's minimumGracePeriodInSeconds: what a container gets after its preStop hook at least. */
export const minimumGracePeriodSeconds = 2;

/** Where a hook runs. */
export interface HookTarget {
  runtime: Runtime;
  pod: Pod;
  container: Container;
  containerId: string;
  podIP: string;
}

/** The outcome of a hook: undefined when it succeeded (or there was none), else upstream's message. */
export type HookFailure = string | undefined;

/** `name_namespace(uid)`, kubelet's format.Pod. */
export function formatPod(pod: Pod): string {
  return `${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}(${pod.metadata?.uid ?? ''})`;
}

/** Runs one hook handler within `timeoutMs`; returns the failure message kubelet would log and put in the event. */
export async function runHook(h: LifecycleHandler, t: HookTarget, timeoutMs: number): Promise<HookFailure> {
  const r: ActionResult = await runHandler(h, { runtime: t.runtime, containerId: t.containerId, container: t.container, podIP: t.podIP, timeoutMs });
  if (r.ok) return undefined;
  const who = `for Container ${JSON.stringify(t.container.name)} in Pod ${JSON.stringify(formatPod(t.pod))}`;
  if (h.exec) {
    const cmd = `[${(h.exec.command ?? []).join(' ')}]`;
    return `Exec lifecycle hook (${cmd}) ${who} failed - error: command '${(h.exec.command ?? []).join(' ')}' exited with non-zero status, message: ${JSON.stringify(r.message)}`;
  }
  if (h.httpGet) return `HTTP lifecycle hook (${h.httpGet.path ?? '/'}) ${who} failed - error: ${r.message}`;
  return `lifecycle hook ${who} failed - error: ${r.message}`;
}

/** Runs the container's postStart hook, if any (no deadline of its own upstream; bounded here at 5 minutes). */
export async function runPostStart(t: HookTarget): Promise<HookFailure> {
  const h = t.container.lifecycle?.postStart;
  if (!h) return undefined;
  return runHook(h, t, 300_000);
}

/**
 * Runs the container's preStop hook within the grace period and returns the seconds left for
 * the stop itself (at least the 2 s minimum, as kubelet gives). The hook's failure is reported
 * through `onFailure` and does not stop the termination.
 */
export async function runPreStop(t: HookTarget, graceSeconds: number, now: () => number, onFailure: (message: string) => void): Promise<number> {
  const h = t.container.lifecycle?.preStop;
  if (!h || graceSeconds <= 0) return graceSeconds;
  const start = now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), graceSeconds * 1000)));
  const res = await Promise.race([runHook(h, t, graceSeconds * 1000), timedOut]);
  clearTimeout(timer);
  if (res === 'timeout') onFailure(`PreStopHook ${JSON.stringify(t.container.name)} did not complete within the grace period of ${graceSeconds}s`);
  else if (res !== undefined) onFailure(res);
  const used = Math.ceil((now() - start) / 1000);
  return Math.max(graceSeconds - used, minimumGracePeriodSeconds);
}

/** The grace period a pod's containers get: the delete's (deletionGracePeriodSeconds), else the spec's, else 30 s. */
export function podGracePeriodSeconds(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}

/** The grace period of a probe-triggered kill: the probe's own terminationGracePeriodSeconds, else the pod's. */
export function probeKillGraceSeconds(pod: Pod, probeGrace: number | undefined): number {
  return probeGrace ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
}
