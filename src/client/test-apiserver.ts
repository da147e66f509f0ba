/**
 * TEST-ONLY support: an in-process API server over a MemoryStore with fresh PKI, and a
 * RestClient with the admin certificate. Imported only by *.test.ts files (the import rules let
 * tests reach the server directly; production client code never imports this file).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../storage/memory/index.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { ensurePki } from '../pki/index.js';
import { RestClient } from './rest.js';

/** A running in-process server, its store and an admin client. */
export interface TestApiServer {
  /** the server itself (tests may add resources, e.g. metrics.k8s.io) */
  api: RunningApiServer;
  store: MemoryStore;
  client: RestClient;
  /** a fresh admin client (e.g. for a second component) */
  newClient(): RestClient;
  stop(): Promise<void>;
}

/** Starts the API server on 127.0.0.1 with a random port. */
export async function startTestApiServer(): Promise<TestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-client-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  const store = new MemoryStore();
  const api = await startApiServer({
    store,
    tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem },
    port: 0,
    host: '127.0.0.1',
    // No serviceaccount controller runs here to create "default": as upstream's integration servers, skip the plugin.
    disableAdmissionPlugins: ['ServiceAccount'],
  });
  const clients: RestClient[] = [];
  const newClient = (): RestClient => {
    const c = new RestClient({ server: `https://127.0.0.1:${api.port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    api,
    store,
    client,
    newClient,
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await api.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `pred` holds (deadline, no fixed sleeps in the assertions). */
export async function eventually(pred: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}
