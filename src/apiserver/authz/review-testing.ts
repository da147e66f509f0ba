/**
 * TEST-ONLY support for the review API tests: an in-process API server with a recording fake
 * authorizer (and optional extra authenticators), and raw HTTP/2 calls as the admin or as any
 * user holding a client certificate from the cluster CA (so bodies can be protobuf too).
 */
import { connect } from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../storage/memory/index.js';
import { startApiServer, type RunningApiServer } from '../index.js';
import { ensurePki, issueClientCertificate, type KeyPair } from '../../pki/index.js';
import type { Authenticator } from '../authn/types.js';
import type { AuthorizationAttributes, Authorizer, Decision, RulesReview } from './types.js';

/** An authorizer that records every question and answers with `decide` (system:masters: always yes). */
export class RecordingAuthorizer implements Authorizer {
  readonly asked: AuthorizationAttributes[] = [];
  decide: (a: AuthorizationAttributes) => Decision | Promise<Decision> = () => ({ allowed: false });
  rules: ((user: AuthorizationAttributes['user'], ns: string) => Promise<RulesReview>) | undefined;

  async authorize(a: AuthorizationAttributes): Promise<Decision> {
    if (a.user.groups.includes('system:masters')) return { allowed: true };
    this.asked.push(a);
    return this.decide(a);
  }

  /** The questions asked about anything but the review resources themselves (i.e. the reviews' own questions). */
  reviewQuestions(): AuthorizationAttributes[] {
    return this.asked.filter((a) => !/reviews$/.test(a.resource));
  }
}

/** The server, the authorizer it uses and request helpers. */
export interface ReviewTestServer {
  api: RunningApiServer;
  authz: RecordingAuthorizer;
  admin: KeyPair;
  /** a client certificate for a user (CN) with groups (O) */
  userCert(name: string, groups: string[]): Promise<KeyPair>;
  /** one request; body: an object (JSON) or raw bytes with their content type */
  request(method: string, path: string, o?: { body?: unknown; raw?: Buffer; contentType?: string; as?: KeyPair; headers?: Record<string, string> }): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** Starts an API server on 127.0.0.1 with the recording authorizer and the given extra authenticators. */
export async function startReviewTestServer(authenticators: Authenticator[] = []): Promise<ReviewTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-reviews-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  const store = new MemoryStore();
  const authz = new RecordingAuthorizer();
  const authorizer: Authorizer = {
    authorize: (a) => authz.authorize(a),
    rulesFor: (u, ns) => (authz.rules ? authz.rules(u, ns) : Promise.reject(new Error('no rules'))),
  };
  const api = await startApiServer({
    store,
    tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem },
    port: 0,
    host: '127.0.0.1',
    authorizer,
    authenticators,
  });
  const request: ReviewTestServer['request'] = (method, path, o = {}) =>
    new Promise((resolve, reject) => {
      const id = o.as ?? pki.admin;
      const session = connect(`https://127.0.0.1:${api.port}`, { ca: pki.ca.certPem, cert: id.certPem || undefined, key: id.keyPem || undefined });
      session.on('error', reject);
      const body = o.raw ?? (o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body)));
      const headers: Record<string, string> = { ':method': method, ':path': path, accept: 'application/json', ...(o.headers ?? {}) };
      if (body) headers['content-type'] = o.contentType ?? 'application/json';
      const req = session.request(headers);
      let status = 0;
      let resHeaders: Record<string, unknown> = {};
      const chunks: Buffer[] = [];
      req.on('response', (h) => {
        status = Number(h[':status']);
        resHeaders = h;
      });
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', reject);
      req.on('end', () => {
        session.close();
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status, headers: resHeaders, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        } catch {
          resolve({ status, headers: resHeaders, body: { text } });
        }
      });
      req.end(body);
    });
  return {
    api,
    authz,
    admin: pki.admin,
    userCert: (name, groups) => issueClientCertificate(pki.ca, { commonName: name, organizations: groups }),
    request,
    async stop() {
      await api.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
