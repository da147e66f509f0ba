/**
 * TLS bootstrap of a joining node, as kubelet's --bootstrap-kubeconfig flow
 * (pkg/kubelet/certificate/bootstrap): with a bootstrap token, create a CertificateSigningRequest
 * for `CN=system:node:<name>, O=system:nodes` (signer kube-apiserver-client-kubelet, usages
 * digital signature + client auth, named after a digest of key and subject so retries reuse it),
 * wait until the approver and signer have issued it, and write `<data-dir>/kubelet.kubeconfig`
 * with the new key and certificate. Later starts reuse that kubeconfig while its certificate is
 * valid. With the node's own credentials it then asks for a kubelet-serving certificate for its
 * streaming server (DNS SAN = node name, IP SANs = its addresses), which Kubeling's approver
 * grants to a node for its own name.
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { KubeObject } from '../api/object.js';
import { parseKubeconfig } from '../client/kubeconfig.js';
import { RestClient, isStatus } from '../client/rest.js';
import { encodeName, ipBytes, toPem } from '../pki/cert.js';
import * as der from '../pki/der.js';
import { writeFileAtomic } from '../pki/files.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';

const CSR_PATH = '/apis/certificates.k8s.io/v1/certificatesigningrequests';
const CSRS = { group: 'certificates.k8s.io', version: 'v1', resource: 'certificatesigningrequests' };

/** A PKCS#10 request: CN and O, optional DNS/IP SANs, signed with the (EC or RSA) key. */
export function createCsr(o: { commonName: string; organizations: string[]; dnsNames?: string[]; ips?: string[]; keyPem: string }): string {
  const key = createPrivateKey(o.keyPem);
  const spki = Buffer.from(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const sans = [...(o.dnsNames ?? []).map((d) => der.implicit(2, Buffer.from(d, 'ascii'))), ...(o.ips ?? []).map((ip) => der.implicit(7, ipBytes(ip)))];
  // extensionRequest (PKCS#9) carrying subjectAltName, as Go's x509.CreateCertificateRequest writes it.
  const attrs = sans.length ? [der.seq(der.oid('1.2.840.113549.1.9.14'), der.set(der.seq(der.seq(der.oid('2.5.29.17'), der.octets(der.seq(...sans))))))] : [];
  const info = der.seq(der.smallInt(0), encodeName({ commonName: o.commonName, organizations: o.organizations }), spki, der.explicit(0, Buffer.concat(attrs)));
  const rsa = key.asymmetricKeyType === 'rsa';
  const alg = rsa ? der.seq(der.oid('1.2.840.113549.1.1.11'), der.tlv(der.Tag.NULL, Buffer.alloc(0))) : der.seq(der.oid('1.2.840.10045.4.3.2'));
  const signature = sign('sha256', info, key);
  return toPem('CERTIFICATE REQUEST', der.seq(info, alg, der.bitString(signature)));
}

/** A fresh ECDSA P-256 key (PKCS#8 PEM), what kubelet generates too. */
export function newKeyPem(): string {
  return String(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
}

/** kubelet's digestedName: the same key, subject and usages always give the same CSR name. */
export function csrName(prefix: string, keyPem: string, subject: string, usages: string[]): string {
  const pub = createPublicKey(keyPem).export({ type: 'spki', format: 'der' });
  const h = createHash('sha256').update(pub).update('\0').update(subject).update('\0').update(usages.join(',')).digest('hex');
  return `${prefix}${h.slice(0, 40)}`;
}

/** The CertificateSigningRequest object for a PEM request. */
export function csrObject(name: string, pem: string, signerName: string, usages: string[]): KubeObject {
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(pem).toString('base64'), signerName, usages } };
}

/** What a CSR's status says: the issued PEM, a refusal, or still pending. */
export function csrOutcome(csr: KubeObject): { certificatePem?: string; refused?: string } {
  const status = (csr.status ?? {}) as { certificate?: string; conditions?: { type?: string; status?: string; reason?: string; message?: string }[] };
  for (const c of status.conditions ?? []) {
    if ((c.type === 'Denied' || c.type === 'Failed') && c.status === 'True') return { refused: `${c.type}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` };
  }
  return status.certificate ? { certificatePem: Buffer.from(status.certificate, 'base64').toString('utf8') } : {};
}

/** Whether a PEM certificate is for `commonName`, chains to the CA and stays valid a while longer. */
export function usableCertificate(certPem: string, caPem: string, commonName: string, now: Date, marginMs = 60_000): boolean {
  try {
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(caPem);
    if (!cert.verify(ca.publicKey)) return false;
    if (!cert.subject.split('\n').includes(`CN=${commonName}`)) return false;
    return Date.parse(cert.validTo) - now.getTime() > marginMs;
  } catch {
    return false;
  }
}

interface BearerResponse {
  status: number;
  body: string;
}

/** One HTTPS request authenticated with a bearer token (the bootstrap credential). */
function bearerRequest(server: string, caPem: string, token: string, method: string, path: string, body?: unknown): Promise<BearerResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(new URL(path, server), { method, ca: caPem, headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': String(data.length) } : {}) }, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`request to ${server} timed out`)));
    req.on('error', reject);
    req.end(data);
  });
}

function statusMessage(r: BearerResponse): string {
  try {
    const s = JSON.parse(r.body) as { message?: string };
    if (s.message) return s.message;
  } catch {
    // not a Status
  }
  return r.body.slice(0, 300) || `HTTP ${r.status}`;
}

/** A join failure with what to do about it. */
export class JoinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JoinError';
  }
}

/** The requests the bootstrap makes: with the token, or with the node's own client. */
interface CsrApi {
  create(obj: KubeObject): Promise<void>;
  get(name: string): Promise<KubeObject>;
}

function tokenApi(server: string, caPem: string, token: string): CsrApi {
  const check = (r: BearerResponse, what: string): void => {
    if (r.status === 401) throw new JoinError(`the API server refused the bootstrap token (401 Unauthorized: ${statusMessage(r)}); it is unknown, expired or revoked: create one with "kubeling token create"`);
    if (r.status === 403) throw new JoinError(`the bootstrap token may not ${what} (403 Forbidden: ${statusMessage(r)}); its user needs the system:node-bootstrapper role`);
    if (r.status >= 300 && !(r.status === 409 && what === 'create certificatesigningrequests')) throw new JoinError(`${what} failed (${r.status}): ${statusMessage(r)}`);
  };
  return {
    async create(obj) {
      check(await bearerRequest(server, caPem, token, 'POST', CSR_PATH, obj), 'create certificatesigningrequests');
    },
    async get(name) {
      const r = await bearerRequest(server, caPem, token, 'GET', `${CSR_PATH}/${encodeURIComponent(name)}`);
      check(r, 'get certificatesigningrequests');
      return JSON.parse(r.body) as KubeObject;
    },
  };
}

function clientApi(client: RestClient): CsrApi {
  return {
    async create(obj) {
      try {
        await client.create(CSRS, obj);
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
      }
    },
    get: (name) => client.get({ ...CSRS, name }),
  };
}

/** Submits a CSR (or finds it again by its digest name) and polls until it is issued or refused. */
async function requestCertificate(api: CsrApi, csr: KubeObject, timeoutMs: number): Promise<string> {
  await api.create(csr);
  const name = csr.metadata.name!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = csrOutcome(await api.get(name));
    if (got.refused) throw new JoinError(`certificate signing request ${name} was not granted: ${got.refused}`);
    if (got.certificatePem) return got.certificatePem;
    if (Date.now() > deadline) throw new JoinError(`certificate signing request ${name} was not approved within ${Math.round(timeoutMs / 1000)} s; approve it with "kubectl certificate approve ${name}"`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Options of the TLS bootstrap. */
export interface BootstrapOptions {
  server: string;
  token: string;
  caPem: string;
  nodeName: string;
  dataDir: string;
  /** how long to wait for approval and signing (default 60 s) */
  timeoutMs?: number;
  now?: () => Date;
}

/** The kubeconfig path and connection material the agent then runs with. */
export interface BootstrapResult {
  kubeconfig: string;
  creds: { server: string; caPem: string; certPem: string; keyPem: string };
  /** true when an existing kubelet.kubeconfig was reused */
  reused: boolean;
}

/**
 * Obtains the node's client credentials: reuses `<dataDir>/kubelet.kubeconfig` while its
 * certificate (CN system:node:<name>) is valid for this CA, else bootstraps with the token.
 */
export async function bootstrapClientCertificate(o: BootstrapOptions): Promise<BootstrapResult> {
  const now = (o.now ?? (() => new Date()))();
  const kubeconfig = join(o.dataDir, 'kubelet.kubeconfig');
  const cn = `system:node:${o.nodeName}`;
  if (existsSync(kubeconfig)) {
    try {
      const creds = parseKubeconfig(readFileSync(kubeconfig, 'utf8'), kubeconfig);
      if (creds.server === o.server && usableCertificate(creds.certPem, o.caPem, cn, now)) return { kubeconfig, creds: { ...creds, caPem: o.caPem }, reused: true };
    } catch {
      // unreadable: bootstrap again
    }
  }
  if (!o.token) throw new JoinError(`${kubeconfig} holds no usable credentials for ${o.server}: pass --token with a bootstrap token (kubeling token create) to join`);
  const keyPem = newKeyPem();
  const usages = ['digital signature', 'client auth'];
  const pem = createCsr({ commonName: cn, organizations: ['system:nodes'], keyPem });
  const name = csrName('node-csr-', keyPem, cn, usages);
  const certPem = await requestCertificate(tokenApi(o.server, o.caPem, o.token), csrObject(name, pem, 'kubernetes.io/kube-apiserver-client-kubelet', usages), o.timeoutMs ?? 60_000);
  const creds = { server: o.server, caPem: o.caPem, certPem, keyPem };
  writeKubeconfig(kubeconfig, buildKubeconfig({ name: 'kubeling', ...creds }));
  return { kubeconfig, creds, reused: false };
}

/**
 * The streaming server's certificate (kubelet's serving certificate rotation): reused from
 * `<dataDir>/kubelet-serving.{crt,key}` while valid, else requested through a kubelet-serving
 * CSR with the node's client credentials. Undefined when it is not granted in time.
 */
export async function bootstrapServingCertificate(client: RestClient, o: { caPem: string; nodeName: string; dataDir: string; addresses: string[]; timeoutMs?: number; now?: () => Date; log?: (msg: string) => void }): Promise<{ certPem: string; keyPem: string } | undefined> {
  const now = (o.now ?? (() => new Date()))();
  const cn = `system:node:${o.nodeName}`;
  const certFile = join(o.dataDir, 'kubelet-serving.crt');
  const keyFile = join(o.dataDir, 'kubelet-serving.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certPem = readFileSync(certFile, 'utf8');
    if (usableCertificate(certPem, o.caPem, cn, now)) return { certPem, keyPem: readFileSync(keyFile, 'utf8') };
  }
  const keyPem = newKeyPem();
  const usages = ['digital signature', 'server auth'];
  const ips = o.addresses.filter((a) => isIP(a) !== 0);
  const pem = createCsr({ commonName: cn, organizations: ['system:nodes'], dnsNames: [o.nodeName], ips, keyPem });
  try {
    const certPem = await requestCertificate(clientApi(client), csrObject(csrName('node-serving-csr-', keyPem, cn, usages), pem, 'kubernetes.io/kubelet-serving', usages), o.timeoutMs ?? 10_000);
    writeFileAtomic(keyFile, keyPem, 0o600);
    writeFileAtomic(certFile, certPem, 0o644);
    return { certPem, keyPem };
  } catch (e) {
    o.log?.(`no serving certificate: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
