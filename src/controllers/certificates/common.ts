/** What the certificate controllers share: the resource references and the CA material. */

/** certificates.k8s.io/v1 certificatesigningrequests. */
export const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };

/** authorization.k8s.io/v1 subjectaccessreviews. */
export const SUBJECT_ACCESS_REVIEWS = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews' };

/** The cluster CA (PEM certificate and PKCS#8 key) the signer issues with. */
export interface CaKeyPair {
  certPem: string;
  keyPem: string;
}

/** RFC 3339 with seconds, as metav1.Time serialises. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
