/**
 * TEST-ONLY: an in-process API server started with authentication options (token file, password
 * file, ServiceAccount key) and a raw HTTPS caller that sends exactly the credentials a test
 * gives it — no client certificate unless asked — so tests see what the server answers a
 * stranger. Imported only by *.test.ts files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../storage/memory/index.js';
import { ensurePki, type Pki } from '../../pki/index.js';
import { startApiServer, type RunningApiServer, type StartOptions } from '../index.js';

/** A response: status, headers and the parsed JSON body (or the text). */
export interface CallResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> & { message?: string; status?: Record<string, unknown> };
  text: string;
}

/** What `call` sends. */
export interface CallOptions {
  headers?: Record<string, string | string[]>;
  body?: unknown;
  /** present the cluster-admin client certificate */
  admin?: boolean;
}

/** The running server, its PKI and data dir. */
export interface AuthnTestServer {
  api: RunningApiServer;
  pki: Pki;
  dir: string;
  call(method: string, path: string, o?: CallOptions): Promise<CallResult>;
  stop(): Promise<void>;
}

/** Starts a server; `files` are written into a temp dir and passed as token / password files. */
export async function startAuthnTestServer(o: { tokenFile?: string; passwordFile?: string; extra?: Partial<StartOptions> } = {}): Promise<AuthnTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-authn-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  const store = new MemoryStore();
  let tokenAuthFile: string | undefined;
  let basicAuthFile: string | undefined;
  if (o.tokenFile !== undefined) writeFileSync((tokenAuthFile = join(dir, 'tokens.csv')), o.tokenFile);
  if (o.passwordFile !== undefined) writeFileSync((basicAuthFile = join(dir, 'passwords.csv')), o.passwordFile);
  const api = await startApiServer({
    store,
    tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem },
    port: 0,
    host: '127.0.0.1',
    tokenAuthFile,
    basicAuthFile,
    disableAdmissionPlugins: ['ServiceAccount'],
    ...o.extra,
  });
  const call = (method: string, path: string, c: CallOptions = {}): Promise<CallResult> =>
    new Promise((resolve, reject) => {
      const payload = c.body === undefined ? undefined : Buffer.from(typeof c.body === 'string' ? c.body : JSON.stringify(c.body));
      const req = request(
        {
          host: '127.0.0.1',
          port: api.port,
          method,
          path,
          ca: pki.ca.certPem,
          ...(c.admin ? { cert: pki.admin.certPem, key: pki.admin.keyPem } : {}),
          headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json' } : {}), ...c.headers },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: CallResult['body'] = {};
            try {
              body = JSON.parse(text) as CallResult['body'];
            } catch {
              /* plain text (health endpoints) */
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    api,
    pki,
    dir,
    call,
    async stop() {
      await api.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** `Authorization: Basic base64(user:password)`. */
export function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
