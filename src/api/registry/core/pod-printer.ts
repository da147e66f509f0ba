/**
 * The Pod table, as printPod in pkg/printers/internalversion/printers.go: READY counts ready
 * containers (plus started sidecars), STATUS walks init containers then containers to find the
 * reason kubectl shows (ContainerCreating, CrashLoopBackOff, Init:0/1, Completed, Terminating...),
 * RESTARTS shows "N (5m ago)" when a last termination time is known.
 */
import type { KubeObject } from '../../object.js';
import type { TableColumn } from '../../resource.js';
import { age } from '../printers.js';
import { ageColumn, col, docs, list, nameColumn, str, view } from './helpers.js';

export const podColumns: TableColumn[] = [
  nameColumn,
  col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
  col('Status', 'string', 'The aggregate status of the containers in this pod.'),
  col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  col('IP', 'string', docs['PodStatus.podIP'], 1),
  col('Node', 'string', docs['PodSpec.nodeName'], 1),
  col('Nominated Node', 'string', docs['PodStatus.nominatedNodeName'], 1),
  col('Readiness Gates', 'string', docs['PodSpec.readinessGates'], 1),
];

type Obj = Record<string, unknown>;

/** A sidecar: an init container with restartPolicy Always (KEP-753). */
function isRestartable(c: Obj | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function terminatedAt(cs: Obj): number | undefined {
  const t = view(view(cs.lastState).terminated).finishedAt;
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The row cells (all columns; kubectl hides the wide ones unless -o wide). */
export function podRow(pod: KubeObject, now: number = Date.now()): unknown[] {
  const spec = view(pod.spec);
  const status = view(pod.status);
  const initSpecs = new Map(list(spec.initContainers).map(view).map((c) => [str(c.name), c]));
  const conditions = list(status.conditions).map(view);
  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = list(spec.containers).length;
  let readyContainers = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;
  const phase = str(status.phase);
  let reason = str(status.reason) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  for (const c of initSpecs.values()) if (isRestartable(c)) totalContainers++;

  let initializing = false;
  const initStatuses = list(status.initContainerStatuses).map(view);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i] ?? {};
    const cspec = initSpecs.get(str(cs.name));
    restarts += Number(cs.restartCount ?? 0);
    const t = terminatedAt(cs);
    if (t !== undefined && t > lastRestart) lastRestart = t;
    if (isRestartable(cspec)) {
      sidecarRestarts += Number(cs.restartCount ?? 0);
      if (t !== undefined && t > lastSidecarRestart) lastSidecarRestart = t;
    }
    const state = view(cs.state);
    const term = state.terminated === undefined ? undefined : view(state.terminated);
    const waiting = state.waiting === undefined ? undefined : view(state.waiting);
    if (term && Number(term.exitCode ?? 0) === 0) continue;
    if (isRestartable(cspec) && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (term) {
      if (!term.reason) reason = term.signal ? `Init:Signal:${Number(term.signal)}` : `Init:ExitCode:${Number(term.exitCode ?? 0)}`;
      else reason = `Init:${str(term.reason)}`;
    } else if (waiting && waiting.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  const initializedTrue = conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initializedTrue) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(status.containerStatuses).map(view);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i] ?? {};
      restarts += Number(cs.restartCount ?? 0);
      const t = terminatedAt(cs);
      if (t !== undefined && t > lastRestart) lastRestart = t;
      const state = view(cs.state);
      const term = state.terminated === undefined ? undefined : view(state.terminated);
      const waiting = state.waiting === undefined ? undefined : view(state.waiting);
      if (waiting && waiting.reason) reason = str(waiting.reason);
      else if (term && term.reason) reason = str(term.reason);
      else if (term) reason = term.signal ? `Signal:${Number(term.signal)}` : `ExitCode:${Number(term.exitCode ?? 0)}`;
      else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose last container completed but another still runs is Running (or NotReady).
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsStr = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsStr = `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;

  const podIPs = list(status.podIPs).map(view);
  const podIP = str(podIPs[0]?.ip) || str(status.podIP) || '<none>'; // v1 podIP converts into podIPs[0]
  const gates = list(spec.readinessGates).map(view);
  let readinessGates = '<none>';
  if (gates.length > 0) {
    let trueCount = 0;
    for (const g of gates) {
      const c = conditions.find((x) => x.type === g.conditionType);
      if (c?.status === 'True') trueCount++;
    }
    readinessGates = `${trueCount}/${gates.length}`;
  }
  return [
    pod.metadata.name ?? '',
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsStr,
    age(pod.metadata.creationTimestamp, now),
    podIP,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    readinessGates,
  ];
}
