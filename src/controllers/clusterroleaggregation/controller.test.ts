import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/object.js';
import { eventually } from '../../client/test-apiserver.js';
import { startTestControllers, type TestControllers } from '../common/testing.js';
import { aggregatedRules, clusterRoleAggregationController, CLUSTERROLES, FIELD_MANAGER } from './index.js';

let tc: TestControllers;
before(async () => {
  tc = await startTestControllers([clusterRoleAggregationController]);
});
after(async () => {
  await tc.stop();
});

const get = (name: string): Promise<KubeObject> => tc.srv.client.get({ ...CLUSTERROLES, name });
const rules = async (name: string): Promise<{ resources?: string[]; verbs: string[] }[]> => ((await get(name)).rules as { resources?: string[]; verbs: string[] }[] | undefined) ?? [];

test('aggregatedRules unions the selected roles in name order without duplicates or itself', () => {
  const mk = (name: string, labels: Record<string, string>, r: unknown[]): KubeObject => ({ metadata: { name, labels }, rules: r });
  const agg: KubeObject = { metadata: { name: 'agg', labels: { pick: 'yes' } }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { pick: 'yes' } }] }, rules: [{ verbs: ['x'] }] };
  const all = [agg, mk('b', { pick: 'yes' }, [{ verbs: ['get'] }, { verbs: ['list'] }]), mk('a', { pick: 'yes' }, [{ verbs: ['list'] }]), mk('c', { pick: 'no' }, [{ verbs: ['delete'] }])];
  assert.deepEqual(aggregatedRules(agg, all), [{ verbs: ['list'] }, { verbs: ['get'] }]);
  assert.equal(aggregatedRules(mk('plain', {}, []), all), undefined);
});

test('the default view, edit and admin roles get the aggregated rules, each including the smaller ones', async () => {
  await eventually(async () => (await rules('admin')).length > 0 && (await rules('edit')).length > 0 && (await rules('view')).length > 0, 'aggregated defaults');
  const view = await rules('view');
  assert.ok(view.some((r) => r.resources?.includes('pods') && r.verbs.includes('list')));
  const edit = await rules('edit');
  assert.ok(edit.some((r) => r.resources?.includes('secrets') && r.verbs.includes('create')));
  assert.ok(edit.some((r) => r.resources?.includes('pods') && r.verbs.includes('watch')), 'edit includes view');
  const admin = await rules('admin');
  assert.ok(admin.some((r) => r.resources?.includes('rolebindings')));
  assert.ok(admin.length >= edit.length);
  const managers = (await get('view')).metadata.managedFields?.map((m) => m.manager) ?? [];
  assert.ok(managers.includes(FIELD_MANAGER), managers.join(','));
});

test('a new ClusterRole labelled aggregate-to-view adds its rules to view, edit and admin; deleting it removes them', async () => {
  await tc.srv.client.create(CLUSTERROLES, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'widgets-view', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
    rules: [{ apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get'] }],
  });
  const hasWidgets = async (n: string): Promise<boolean> => (await rules(n)).some((r) => r.resources?.includes('widgets'));
  await eventually(async () => (await hasWidgets('view')) && (await hasWidgets('edit')) && (await hasWidgets('admin')), 'widgets aggregated');
  await tc.srv.client.delete({ ...CLUSTERROLES, name: 'widgets-view' });
  await eventually(async () => !(await hasWidgets('view')) && !(await hasWidgets('admin')), 'widgets removed');
});

test('a custom aggregated ClusterRole gathers the roles its selector picks', async () => {
  await tc.srv.client.create(CLUSTERROLES, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'monitoring' }, aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: 'team', operator: 'In', values: ['obs'] }] }] } });
  await tc.srv.client.create(CLUSTERROLES, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'obs-pods', labels: { team: 'obs' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }] });
  await eventually(async () => (await rules('monitoring')).length === 1, 'custom aggregation');
  assert.deepEqual(await rules('monitoring'), [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
});
