/**
 * Pod status as kubelet computes it (pkg/kubelet/kubelet_pods.go generateAPIPodStatus/getPhase and
 * pkg/kubelet/status/generate.go), as a pure function of the pod and what the runtime reports.
 */
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../api/validation/quantity.js';
import type { ContainerInfo } from './runtime.js';

/** What the agent observed of one spec container. */
export interface ObservedContainer {
  name: string;
  image: string;
  /** the current instance, if one was created */
  current?: ContainerInfo;
  /** the previous instance that terminated (becomes lastState) */
  previous?: ContainerInfo;
  restartCount: number;
  /** a waiting reason the agent imposes (CrashLoopBackOff, ContainerCreating, ErrImagePull...) */
  waiting?: { reason: string; message?: string };
  /** the agent's readiness verdict (probes); absent = the runtime's `ready` */
  ready?: boolean;
  /** false while a startup probe has not succeeded; absent = started once running */
  started?: boolean;
}

/** Inputs of the status computation. */
export interface StatusInput {
  pod: Pod;
  now: number;
  hostIP: string;
  podIP?: string;
  /** when the agent first acknowledged the pod */
  startTime?: number;
  sandboxReady: boolean;
  containers: ObservedContainer[];
  /** the init containers, in spec order */
  initContainers?: ObservedContainer[];
  /** the pod is being deleted and its containers were stopped: the phase becomes terminal */
  terminating?: boolean;
  /**
   * The conditions this agent last wrote. They decide lastTransitionTime before the pod's own
   * (kubelet's status manager keeps its cache for this): the pod comes from an informer that may
   * not show the last write yet, and judging by it would move the times back and forth.
   */
  lastWrittenConditions?: PodCondition[];
}

/** metav1.Time: RFC 3339 in UTC with whole seconds. */
export function k8sTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with 6 fractional digits. */
export function k8sMicroTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The pod's QoS class (pkg/apis/core/helper/qos): Guaranteed, Burstable or BestEffort. */
export function podQOSClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const cs: Container[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  const tracked = ['cpu', 'memory'];
  const lim = { cpu: false, memory: false } as Record<string, boolean>;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const k of tracked) {
      const r = req[k];
      const l = limits[k];
      if (r !== undefined && String(r) !== '0') any = true;
      if (l !== undefined && String(l) !== '0') {
        any = true;
        lim[k] = true;
      }
      // Requests default to limits, so a container is Guaranteed-shaped when each limit is set and any request equals it.
      if (l === undefined || (r !== undefined && parseQuantity(r) !== parseQuantity(l))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed && lim.cpu && lim.memory ? 'Guaranteed' : 'Burstable';
}

function containerStatus(o: ObservedContainer, podPhaseTerminal: boolean, init = false): ContainerStatus {
  const cur = o.current;
  const terminated = (c: ContainerInfo): ContainerStatus['state'] => ({
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? (c.exitCode ? 'Error' : 'Completed'),
      ...(c.message ? { message: c.message } : {}),
      ...(c.startedAt !== undefined ? { startedAt: k8sTime(c.startedAt) } : {}),
      finishedAt: k8sTime(c.finishedAt ?? c.createdAt),
      containerID: c.id,
    },
  });
  let state: ContainerStatus['state'];
  let lastState: ContainerStatus['lastState'] = {};
  if (o.waiting && !podPhaseTerminal) {
    state = { waiting: { reason: o.waiting.reason, ...(o.waiting.message ? { message: o.waiting.message } : {}) } };
    // While waiting to restart, the instance that just ended is the last state.
    const last = cur?.state === 'exited' ? cur : o.previous;
    if (last) lastState = terminated(last);
  } else if (!cur || cur.state === 'created') {
    // A container the runtime could not create carries its reason (ErrImagePull...) and message.
    state = { waiting: { reason: cur?.reason ?? 'ContainerCreating', ...(cur?.message ? { message: cur.message } : {}) } };
    if (o.previous) lastState = terminated(o.previous);
  } else if (cur.state === 'running') {
    state = { running: { startedAt: k8sTime(cur.startedAt ?? cur.createdAt) } };
    if (o.previous) lastState = terminated(o.previous);
  } else {
    state = terminated(cur);
    if (o.previous) lastState = terminated(o.previous);
  }
  const running = cur?.state === 'running' && !o.waiting;
  // A completed init container counts as ready (kubelet's convertToAPIContainerStatuses).
  const initDone = init && state?.terminated?.exitCode === 0;
  return {
    name: o.name,
    state,
    lastState,
    // A regular init container is ready only once it completed, whatever probes say.
    ready: init ? initDone : running && (o.ready ?? cur.ready),
    started: running && (o.started ?? true),
    restartCount: o.restartCount,
    image: o.image,
    imageID: cur?.imageID ?? '',
    ...(cur ? { containerID: cur.id } : {}),
  };
}

/**
 * kubelet's getPhase: a pod with a failed init container and restartPolicy Never failed; one
 * with init containers still to complete is Pending; otherwise the app containers decide.
 * `terminal` (the pod was deleted and its containers stopped) makes stopped containers final.
 */
export function podPhase(restartPolicy: string, statuses: ContainerStatus[], initStatuses: ContainerStatus[] = [], terminal = false): PodStatus['phase'] {
  let pendingInit = 0;
  let failedInit = 0;
  for (const s of initStatuses) {
    if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting && s.lastState?.terminated) {
      if (s.lastState.terminated.exitCode !== 0) failedInit++;
    } else pendingInit++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || failedInit > 0) return 'Pending';
  return appPhase(terminal ? 'Never' : restartPolicy, statuses);
}

function appPhase(restartPolicy: string, statuses: ContainerStatus[]): PodStatus['phase'] {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (restartPolicy === 'Always') return 'Running';
  if (restartPolicy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
  return succeeded === stopped ? 'Succeeded' : 'Failed';
}

/** Computes the full pod status the agent writes through the status subresource. */
export function computePodStatus(input: StatusInput): PodStatus {
  const { pod, now } = input;
  const prevPhase = pod.status?.phase;
  const wasTerminal = prevPhase === 'Succeeded' || prevPhase === 'Failed';
  const byName = new Map([...(input.initContainers ?? []), ...input.containers].map((o) => [o.name, o]));
  const observe = (n: string, image: string | undefined): ObservedContainer => byName.get(n) ?? { name: n, image: image ?? '', restartCount: 0 };
  const initStatuses = (pod.spec?.initContainers ?? []).map((c) => containerStatus(observe(c.name, c.image), wasTerminal, true));
  const incomplete = initStatuses.filter((s) => !s.ready).map((s) => s.name);
  const statuses = (pod.spec?.containers ?? []).map((c) => {
    const o = observe(c.name, c.image);
    // App containers wait in PodInitializing until every init container completed.
    if (incomplete.length > 0 && !o.current && !o.waiting) return containerStatus({ ...o, waiting: { reason: 'PodInitializing' } }, wasTerminal);
    return containerStatus(o, wasTerminal);
  });
  // A terminal phase is final (kubelet never moves a pod out of Succeeded/Failed).
  const phase = wasTerminal ? prevPhase : podPhase(pod.spec?.restartPolicy ?? 'Always', statuses, initStatuses, input.terminating === true && !statuses.some((s) => s.state?.running));
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const prevConds = pod.status?.conditions ?? [];
  const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
    const status = ok ? 'True' : 'False';
    const old = input.lastWrittenConditions?.find((c) => c.type === type) ?? prevConds.find((c) => c.type === type);
    // lastTransitionTime moves only when the condition's status changes.
    const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : k8sTime(now);
    return { type, status, lastProbeTime: null as unknown as string, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  };
  const notReady = terminal ? { reason: 'PodCompleted' } : { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` };
  const allReady = unready.length === 0 && statuses.length > 0 && !terminal;
  const conditions: PodCondition[] = [
    cond('PodReadyToStartContainers', input.sandboxReady && !terminal),
    // Incomplete init containers keep Initialized False even in a terminal phase (generate.go).
    incomplete.length > 0
      ? cond('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`)
      : cond('Initialized', true, terminal ? 'PodCompleted' : undefined),
    allReady ? cond('Ready', true) : cond('Ready', false, notReady.reason, notReady.message),
    allReady ? cond('ContainersReady', true) : cond('ContainersReady', false, notReady.reason, notReady.message),
    cond('PodScheduled', true),
  ];
  const status: PodStatus = {
    phase,
    conditions,
    hostIP: input.hostIP,
    hostIPs: [{ ip: input.hostIP }],
    ...(input.podIP ? { podIP: input.podIP, podIPs: [{ ip: input.podIP }] } : {}),
    ...(pod.status?.startTime ? { startTime: pod.status.startTime } : input.startTime !== undefined ? { startTime: k8sTime(input.startTime) } : {}),
    ...(initStatuses.length ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
    qosClass: podQOSClass(pod),
  };
  return status;
}
