/**
 * `kubeling explain pod NAME [-n NS] [-o json] [--kubeconfig PATH]`: why a pod is where it is, or
 * why it is Pending. Reads the scheduler's last account of the pod from the Kubeling API group
 * (podschedulingexplanations.scheduling.kubeling.dev/v1, see src/scheduler/README.md) and prints
 * every node's filter verdict (the rejecting plugin and its reasons) and the score breakdown of
 * the chosen node and the runners-up — or the raw JSON.
 */
import type { OptionSpec, ParsedOptions } from './options.js';
import { UsageError } from './options.js';
import { defaultKubeconfigPath } from './kubeconfig.js';
import { RestClient, isStatus, ApiStatusError } from '../client/rest.js';
import { EXPLANATION_GROUP, EXPLANATION_RESOURCE } from '../scheduler/run/explain-resource.js';
import type { Explanation } from '../scheduler/explain.js';

export const explainOptions: OptionSpec[] = [
  { name: 'namespace', type: 'string', default: '', help: 'namespace of the pod (also -n; default "default")' },
  { name: 'output', type: 'string', default: '', help: 'json for the raw account (also -o); default: tables' },
  { name: 'kubeconfig', type: 'string', default: '', help: 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' },
  { name: 'help', type: 'boolean', default: false, help: 'show this help' },
];

/** Splits kubectl-style short flags (-n NS, -o json, -n=NS) out of the positional arguments. */
export function shortFlags(args: string[]): { namespace?: string; output?: string; rest: string[] } {
  const out: { namespace?: string; output?: string; rest: string[] } = { rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^-([no])(?:=(.*))?$/.exec(a);
    if (!m) {
      out.rest.push(a);
      continue;
    }
    const v = m[2] ?? args[++i];
    if (v === undefined) throw new UsageError(`flag needs an argument: -${m[1]}`);
    if (m[1] === 'n') out.namespace = v;
    else out.output = v;
  }
  return out;
}

/** The fields of an account the printer reads (an Explanation, or the "Unknown" stand-in). */
type Account = Partial<Explanation> & { result: string; pod?: string };

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('').trimEnd()).join('\n');
}

/** Renders an account as kubectl-describe-like text with a node table and a score table. */
export function renderExplanation(e: Account): string {
  const out: string[] = [];
  const kv = (k: string, v: string) => out.push(`${`${k}:`.padEnd(12)}${v}`);
  kv('Pod', `${e.pod ?? ''}${e.uid ? ` (${e.uid})` : ''}`);
  if (e.schedulerName) kv('Scheduler', e.schedulerName);
  if (e.time) kv('Decided', e.time);
  kv('Result', `${e.result}${e.nodeName ? ` on ${e.nodeName}` : ''}`);
  if (e.message) kv('Message', e.message);
  if (e.numAllNodes !== undefined) kv('Nodes', `${e.numAllNodes} total, ${e.evaluatedNodes ?? 0} evaluated, ${e.feasibleNodes ?? 0} feasible`);
  if (e.preFilter) kv('PreFilter', `${e.preFilter.plugin}: ${e.preFilter.reasons.join(', ')}`);
  if (e.nodes?.length) {
    out.push('', 'Filter verdicts:');
    const rows = [['NODE', 'VERDICT', 'PLUGIN', 'REASONS']];
    for (const n of e.nodes) rows.push([n.node, n.verdict, n.plugin ?? '-', (n.reasons ?? []).join('; ') || '-']);
    out.push(table(rows).replace(/^/gm, '  '));
  }
  if (e.scores?.length) {
    // One column per plugin: normalised score × weight; the chosen node is the first row.
    const plugins = e.scores[0]!.plugins.map((p) => p.plugin);
    out.push('', 'Scores (chosen node first, then runners-up; normalised score × weight):');
    const rows = [['NODE', 'TOTAL', ...plugins]];
    e.scores.forEach((s, i) => rows.push([`${s.node}${i === 0 && e.nodeName === s.node ? ' *' : ''}`, String(s.total), ...s.plugins.map((p) => `${p.score}×${p.weight}`)]));
    out.push(table(rows).replace(/^/gm, '  '));
  }
  if (e.preemption) {
    const p = e.preemption;
    out.push('', 'Preemption:');
    if (p.nominatedNodeName) out.push(`  nominated node ${p.nominatedNodeName}; victims: ${p.victims.join(', ') || 'none'}`);
    if (p.message) out.push(`  ${p.message}`);
  }
  return out.join('\n');
}

/** Runs `kubeling explain`. */
export async function explainCommand(o: ParsedOptions, args: string[]): Promise<void> {
  const f = shortFlags(args);
  const [kind0, name0, ...extra] = f.rest;
  let kind = kind0 ?? '';
  let name = name0;
  if (kind.includes('/')) [kind, name] = [kind.slice(0, kind.indexOf('/')), kind.slice(kind.indexOf('/') + 1)];
  if (!['pod', 'pods', 'po'].includes(kind) || !name || extra.length) throw new UsageError('usage: kubeling explain pod NAME [-n NAMESPACE] [-o json] [--kubeconfig PATH]');
  const namespace = f.namespace ?? (String(o.namespace ?? '') || 'default');
  const output = f.output ?? String(o.output ?? '');
  if (output !== '' && output !== 'json') throw new UsageError(`unable to match a printer suitable for the output format "${output}", allowed formats are: json`);
  const client = RestClient.fromKubeconfig(String(o.kubeconfig ?? '') || defaultKubeconfigPath());
  try {
    let obj;
    try {
      obj = await client.get({ group: EXPLANATION_GROUP, version: 'v1', resource: EXPLANATION_RESOURCE, namespace, name });
    } catch (e) {
      if (isStatus(e, 404)) {
        const what = (e as ApiStatusError).message.includes('could not find the requested resource') ? 'the server does not serve scheduling explanations (is the scheduler running in it?)' : `pods "${name}" not found`;
        throw new Error(`Error from server (NotFound): ${what}`);
      }
      throw e;
    }
    const account = (obj.status ?? { result: 'Unknown' }) as Account;
    process.stdout.write(output === 'json' ? `${JSON.stringify(account, null, 2)}\n` : `${renderExplanation(account)}\n`);
  } finally {
    await client.close();
  }
}
