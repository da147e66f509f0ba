/**
 * NamespaceLifecycle (upstream plugin of the same name): objects may only be created in a
 * namespace that exists and is not terminating; the built-in namespaces cannot be deleted.
 */
import { ApiError, errors } from '../../api/errors.js';
import type { AdmissionPlugin } from './types.js';

const immortal = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  async validate(a) {
    if (a.def.group === '' && a.def.resource === 'namespaces') {
      if (a.operation === 'DELETE' && immortal.has(a.name)) {
        throw errors.forbidden(`namespaces "${a.name}" is forbidden: this namespace may not be deleted`, { group: '', resource: 'namespaces' }, a.name);
      }
      return;
    }
    if (!a.def.namespaced || a.operation !== 'CREATE' || !a.namespace) return;
    // Events and virtual review objects are exempt upstream only for deletion paths; creation always needs the namespace.
    const ns = await a.get('', 'namespaces', '', a.namespace);
    if (!ns) throw errors.notFound({ group: '', resource: 'namespaces' }, a.namespace);
    if (ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw new ApiError(403, 'Forbidden', `${a.def.resource}${a.def.group ? '.' + a.def.group : ''} "${a.name}" is forbidden: unable to create new content in namespace ${a.namespace} because it is being terminated`, {
        name: a.name,
        group: a.def.group,
        kind: a.def.resource,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${a.namespace} is being terminated`, field: 'metadata.namespace' }],
      });
    }
  },
};
