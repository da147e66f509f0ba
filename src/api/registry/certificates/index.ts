/** The certificates.k8s.io group: CertificateSigningRequest. */
import type { ResourceDef } from '../../resource.js';
import { certificateSigningRequestResource } from './certificatesigningrequest.js';

export { certificateSigningRequestResource };
export const certificatesResources: ResourceDef[] = [certificateSigningRequestResource];
