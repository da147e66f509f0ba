/**
 * The ClusterRole aggregation controller (pkg/controller/clusterroleaggregation, controller name
 * "clusterrole-aggregation"): a ClusterRole with `aggregationRule.clusterRoleSelectors` gets as
 * rules the union of the rules of every other ClusterRole its selectors match (selector by
 * selector, roles in name order, duplicates dropped), written by server-side apply with the
 * controller's field manager. Any ClusterRole change re-queues every aggregated ClusterRole.
 */
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import { matchLabelSelector } from '../../api/validation/selector.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import type { ControllerContext } from '../common/controller.js';
import { QueueController } from '../common/queue-controller.js';

/** The ClusterRoles resource. */
export const CLUSTERROLES = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles' };
/** The field manager of the controller's writes (upstream's). */
export const FIELD_MANAGER = 'clusterrole-aggregation-controller';

type LabelSelector = Parameters<typeof matchLabelSelector>[0];

function selectorsOf(role: KubeObject): LabelSelector[] | undefined {
  const agg = role.aggregationRule as { clusterRoleSelectors?: LabelSelector[] } | undefined | null;
  if (!agg) return undefined;
  return agg.clusterRoleSelectors ?? [];
}

/**
 * The rules an aggregated ClusterRole should hold, from the ClusterRoles known (its own rules are
 * never fed back into it); undefined when the role has no aggregationRule.
 */
export function aggregatedRules(role: KubeObject, all: readonly KubeObject[]): unknown[] | undefined {
  const selectors = selectorsOf(role);
  if (!selectors) return undefined;
  const byName = [...all].sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0));
  const rules: unknown[] = [];
  for (const sel of selectors) {
    for (const other of byName) {
      if (other.metadata.name === role.metadata.name) continue;
      if (!matchLabelSelector(sel, other.metadata.labels)) continue;
      for (const r of Array.isArray(other.rules) ? other.rules : []) {
        if (!rules.some((x) => deepEqual(x, r))) rules.push(r);
      }
    }
  }
  return rules;
}

/** The running controller. */
export class ClusterRoleAggregationController extends QueueController {
  readonly name = 'clusterrole-aggregation';
  private readonly roles: Informer;

  constructor(ctx: ControllerContext) {
    super(ctx, 1);
    this.roles = ctx.informers.informerFor(CLUSTERROLES);
    const enqueueAll = (): void => {
      for (const r of this.roles.list()) if (selectorsOf(r)) this.queue.add(r.metadata.name ?? '');
    };
    this.roles.addHandlers({ onAdd: enqueueAll, onUpdate: enqueueAll, onDelete: enqueueAll });
  }

  /** syncClusterRole: apply the union of the selected roles' rules when it differs. */
  async reconcile(name: string): Promise<void> {
    const role = this.roles.get(name);
    if (!role) return;
    const want = aggregatedRules(role, this.roles.list());
    if (!want) return;
    const have = Array.isArray(role.rules) ? role.rules : [];
    if (deepEqual(want, have)) return;
    try {
      await this.ctx.client.patch({ ...CLUSTERROLES, name }, 'apply', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules: want }, { fieldManager: FIELD_MANAGER, force: true });
    } catch (e) {
      if (isStatus(e, 404)) return;
      throw e;
    }
  }
}
