/** The networking.k8s.io group: NetworkPolicy, Ingress, IngressClass. */
import type { ResourceDef } from '../../resource.js';
import { ingressResource } from './ingress.js';
import { ingressClassResource } from './ingressclass.js';
import { networkPolicyResource } from './networkpolicy.js';

export { ingressClassResource, ingressResource, networkPolicyResource };
export const networkingResources: ResourceDef[] = [networkPolicyResource, ingressResource, ingressClassResource];
