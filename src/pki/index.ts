/**
 * The cluster PKI, laid out as kubeadm does under <dataDir>/pki: a self-signed CA (ca.crt/ca.key),
 * the API server's serving certificate (apiserver.crt/.key) and the cluster-admin client
 * certificate (admin.crt/.key, CN=kubernetes-admin, O=system:masters). Keys are ECDSA P-256
 * (fast to generate: first start stays in milliseconds). A restart loads everything; the CA is
 * never regenerated, and leaf certificates are re-issued when they stop fitting.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { hostname as osHostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import { createCertificate, type Subject } from './cert.js';
import { readIfExists, writeFileAtomic } from './files.js';

/** The names this machine is reached by: the serving certificate covers all of them. */
export interface HostIdentity {
  hostname: string;
  /** non-loopback IPv4 first, then non-loopback, non-link-local IPv6 */
  ips: string[];
}

/** A PEM certificate and its PEM (PKCS#8) private key. */
export interface KeyPair {
  certPem: string;
  keyPem: string;
}

/** What ensurePki hands back; `created` is true when this call created the CA. */
export interface Pki {
  created: boolean;
  ca: KeyPair;
  server: KeyPair;
  admin: KeyPair;
  dir: string;
}

/** Injectable clock for tests. */
export interface PkiOptions {
  now?: () => Date;
}

const DAY_MS = 86_400_000;
/** Leaves are re-issued when they expire within this window (kubeadm warns at 30 days as well). */
const RENEW_BEFORE_MS = 30 * DAY_MS;
/** Tolerates clocks of other machines (agents) running a little behind. */
const BACKDATE_MS = 5 * 60_000;
/** The ClusterIP of the `kubernetes` Service: in-cluster clients dial it and verify it against the SANs. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';
const SERVICE_DNS_NAMES = ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];

/** This machine's hostname and addresses. The sources are injectable for tests. */
export function hostIdentity(src: { hostname?: () => string; interfaces?: () => NodeJS.Dict<NetworkInterfaceInfo[]> } = {}): HostIdentity {
  const ifaces = Object.values((src.interfaces ?? networkInterfaces)()).flatMap((l) => l ?? []);
  const usable = ifaces.filter((i) => !i.internal && !(i.family === 'IPv6' && /^fe80:/i.test(i.address)));
  const v4 = usable.filter((i) => i.family === 'IPv4').map((i) => i.address);
  const v6 = usable.filter((i) => i.family === 'IPv6').map((i) => i.address);
  return { hostname: (src.hostname ?? osHostname)().toLowerCase(), ips: [...new Set([...v4, ...v6])] };
}

function newKey(): { privateKey: KeyObject; publicKey: KeyObject; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, keyPem: String(privateKey.export({ type: 'pkcs8', format: 'pem' })) };
}

function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

/** A new self-signed CA: CN=kubeling-ca, 10 years, keyCertSign|cRLSign. */
export function createCa(now = new Date()): KeyPair {
  const k = newKey();
  const certPem = createCertificate({
    subject: { commonName: 'kubeling-ca' },
    publicKey: k.publicKey,
    signingKey: k.privateKey,
    ...validity(now, 3650),
    isCA: true,
    keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature'],
  });
  return { certPem, keyPem: k.keyPem };
}

/** The DNS names and IPs the API server's certificate must cover for this host. */
export function servingNames(id: HostIdentity): { dnsNames: string[]; ips: string[] } {
  // SAN dNSName is an IA5String: a hostname with other characters cannot be listed.
  const host = /^[\x21-\x7e]+$/.test(id.hostname) ? [id.hostname] : [];
  return {
    dnsNames: [...new Set(['localhost', ...SERVICE_DNS_NAMES, ...host])],
    ips: [...new Set(['127.0.0.1', '::1', KUBERNETES_SERVICE_IP, ...id.ips.map((ip) => ip.split('%')[0]!)])],
  };
}

/** The API server's serving certificate (CN=kube-apiserver, serverAuth, 1 year) signed by the CA. */
export function issueServingCertificate(ca: KeyPair, id: HostIdentity, opts: { now?: Date; days?: number } = {}): KeyPair {
  const k = newKey();
  const certPem = createCertificate({
    subject: { commonName: 'kube-apiserver' },
    publicKey: k.publicKey,
    signingKey: createPrivateKey(ca.keyPem),
    issuerCertDer: new X509Certificate(ca.certPem).raw,
    ...validity(opts.now ?? new Date(), opts.days ?? 365),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['serverAuth'],
    ...servingNames(id),
  });
  return { certPem, keyPem: k.keyPem };
}

/**
 * A client certificate signed by the CA: CN is the user name, each O a group (what the X.509
 * authenticator reads). With `publicKeyPem` (a CSR's key) the returned keyPem is empty: the
 * requester holds the private key.
 */
export async function issueClientCertificate(
  ca: KeyPair,
  subject: { commonName: string; organizations: string[] },
  opts: { days?: number; publicKeyPem?: string; now?: Date } = {},
): Promise<KeyPair> {
  await Promise.resolve(); // async by contract: CSR signing may later consult storage
  const k = opts.publicKeyPem ? undefined : newKey();
  const certPem = createCertificate({
    subject: subject satisfies Subject,
    publicKey: k ? k.publicKey : createPublicKey(opts.publicKeyPem!),
    signingKey: createPrivateKey(ca.keyPem),
    issuerCertDer: new X509Certificate(ca.certPem).raw,
    ...validity(opts.now ?? new Date(), opts.days ?? 365),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth'],
  });
  return { certPem, keyPem: k?.keyPem ?? '' };
}

/** The parsed pair when it exists, was issued by the CA, matches its key and is not about to expire. */
function usableLeaf(pair: KeyPair | undefined, ca: X509Certificate, now: Date): X509Certificate | undefined {
  if (!pair) return undefined;
  try {
    const cert = new X509Certificate(pair.certPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return undefined;
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return undefined;
    if (new Date(cert.validTo).getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
    return cert;
  } catch {
    return undefined; // unreadable files are simply re-issued
  }
}

/** Whether a serving certificate still covers every name and address of the host. */
function coversHost(cert: X509Certificate, id: HostIdentity): boolean {
  const want = servingNames(id);
  return want.dnsNames.every((d) => cert.checkHost(d, { subject: 'never', wildcards: false }) !== undefined) && want.ips.every((ip) => cert.checkIP(ip) !== undefined);
}

function loadPair(dir: string, base: string): KeyPair | undefined {
  const cert = readIfExists(join(dir, `${base}.crt`));
  const key = readIfExists(join(dir, `${base}.key`));
  return cert && key ? { certPem: cert.toString('utf8'), keyPem: key.toString('utf8') } : undefined;
}

function savePair(dir: string, base: string, pair: KeyPair): void {
  writeFileAtomic(join(dir, `${base}.key`), pair.keyPem, 0o600);
  writeFileAtomic(join(dir, `${base}.crt`), pair.certPem, 0o644);
}

function loadCa(dir: string): KeyPair | undefined {
  const pair = loadPair(dir, 'ca');
  const hasCert = readIfExists(join(dir, 'ca.crt')) !== undefined;
  const hasKey = readIfExists(join(dir, 'ca.key')) !== undefined;
  if (!pair) {
    if (hasCert || hasKey) throw new Error(`PKI: ${join(dir, hasCert ? 'ca.key' : 'ca.crt')} is missing; restore it, or remove ${dir} to create a new CA (all issued credentials become invalid)`);
    return undefined;
  }
  let ok = false;
  try {
    ok = new X509Certificate(pair.certPem).checkPrivateKey(createPrivateKey(pair.keyPem));
  } catch (e) {
    throw new Error(`PKI: cannot read the CA in ${dir}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ok) throw new Error(`PKI: ${join(dir, 'ca.key')} does not match ${join(dir, 'ca.crt')}; restore the pair, or remove ${dir} to create a new CA`);
  return pair;
}

/**
 * Creates or loads the PKI in `<dataDir>/pki` (dir 0700, keys 0600). The CA is created only when
 * absent; the serving certificate is re-issued (same CA) when its SANs no longer cover `id` or it
 * expires within 30 days; the admin certificate likewise when it expires or no longer fits.
 */
export async function ensurePki(dataDir: string, id: HostIdentity, opts: PkiOptions = {}): Promise<Pki> {
  await Promise.resolve();
  const now = (opts.now ?? (() => new Date()))();
  const dir = join(dataDir, 'pki');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  let ca = loadCa(dir);
  const created = !ca;
  if (!ca) {
    ca = createCa(now);
    savePair(dir, 'ca', ca);
  }
  const caCert = new X509Certificate(ca.certPem);

  let server = loadPair(dir, 'apiserver');
  const serverCert = usableLeaf(server, caCert, now);
  if (!server || !serverCert || !coversHost(serverCert, id)) {
    server = issueServingCertificate(ca, id, { now });
    savePair(dir, 'apiserver', server);
  }

  let admin = loadPair(dir, 'admin');
  const adminCert = usableLeaf(admin, caCert, now);
  if (!admin || !adminCert || !/(^|\n)CN=kubernetes-admin(\n|$)/.test(adminCert.subject) || !/(^|\n)O=system:masters(\n|$)/.test(adminCert.subject)) {
    admin = await issueClientCertificate(ca, { commonName: 'kubernetes-admin', organizations: ['system:masters'] }, { now });
    savePair(dir, 'admin', admin);
  }
  return { created, ca, server, admin, dir };
}
