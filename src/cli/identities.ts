/**
 * The client identities of Kubeling's in-process components. As kubeadm gives kube-scheduler,
 * kube-controller-manager and each kubelet a certificate of their own (CN = user, O = groups),
 * `kubeling up` and `kubeling server` issue one per component from the cluster CA, in memory at
 * every start (like the API server's kubelet client certificate): RBAC then grants each only its
 * default role (src/apiserver/authz/bootstrap-policy-components.ts), never system:masters.
 */
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyPair } from '../pki/index.js';
import { createCertificate } from '../pki/cert.js';
import { RestClient, type RestClientOptions } from '../client/rest.js';
import { componentUsers, nodesGroup } from '../apiserver/authz/bootstrap-policy-components.js';

/** Which components to issue for: the control plane always; agents only when they run here. */
export interface IdentityRequest {
  /** the local node agent's node name (kubelet: system:node:<name>, lowercased as node names are) */
  nodeName?: string;
  /** the simulated agent */
  simulatedNodes?: boolean;
  /** the local node's local-path provisioner */
  localPathProvisioner?: boolean;
  now?: Date;
}

/** One certificate/key pair per component (absent when not requested). */
export interface ComponentIdentities {
  scheduler: KeyPair;
  controllerManager: KeyPair;
  localNode?: KeyPair;
  simulatedNodes?: KeyPair;
  localPathProvisioner?: KeyPair;
}

/** The user name a node's kubelet authenticates as (upstream's NodeRestriction reads it). */
export function nodeUserName(nodeName: string): string {
  return `system:node:${nodeName.toLowerCase()}`;
}

/** Same lifetime and clock-skew allowance as pki's issueClientCertificate. */
const VALIDITY_MS = 365 * 86_400_000;
const BACKDATE_MS = 5 * 60_000;

/**
 * Issues the component certificates (the same profile as pki's issueClientCertificate: ECDSA
 * P-256, clientAuth, one year). The CA key is parsed once for all of them: decoding a PKCS#8 key
 * costs OpenSSL 3 a few milliseconds, several times the key generation and signature.
 */
export async function issueComponentIdentities(ca: KeyPair, req: IdentityRequest = {}): Promise<ComponentIdentities> {
  await Promise.resolve(); // async by contract, as issueClientCertificate
  const signingKey = createPrivateKey(ca.keyPem);
  const issuerCertDer = new X509Certificate(ca.certPem).raw;
  const now = (req.now ?? new Date()).getTime();
  const issue = (commonName: string, organizations: string[] = []): KeyPair => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certPem = createCertificate({
      subject: { commonName, organizations },
      publicKey,
      signingKey,
      issuerCertDer,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(now + VALIDITY_MS),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extKeyUsage: ['clientAuth'],
    });
    return { certPem, keyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })) };
  };
  return {
    scheduler: issue(componentUsers.scheduler),
    controllerManager: issue(componentUsers.controllerManager),
    ...(req.nodeName ? { localNode: issue(nodeUserName(req.nodeName), [nodesGroup]) } : {}),
    ...(req.simulatedNodes ? { simulatedNodes: issue(componentUsers.simulatedNodes) } : {}),
    ...(req.localPathProvisioner ? { localPathProvisioner: issue(componentUsers.localPathProvisioner) } : {}),
  };
}

/** A REST client authenticating with one component's certificate. */
export function componentClient(server: string, caPem: string, pair: KeyPair, extra: Partial<Pick<RestClientOptions, 'timeoutMs'>> = {}): RestClient {
  return new RestClient({ server, caPem, certPem: pair.certPem, keyPem: pair.keyPem, ...extra });
}
