/**
 * TEST-ONLY: an in-process API server (MemoryStore, fresh PKI) that also serves metrics.k8s.io
 * from a given MetricsSource, the way `kubeling up` wires it, plus admin clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../storage/memory/index.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { ensurePki } from '../pki/index.js';
import { RestClient } from '../client/rest.js';
import type { MetricsSource } from './source.js';
import { metricsResources } from './resources.js';

/** A running server with the metrics resources registered. */
export interface MetricsTestApiServer {
  api: RunningApiServer;
  store: MemoryStore;
  client: RestClient;
  newClient(): RestClient;
  stop(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (random port) with `source` behind metrics.k8s.io. */
export async function startMetricsTestApiServer(source: MetricsSource, opts: { now?: () => number } = {}): Promise<MetricsTestApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeling-metrics-test-'));
  const pki = await ensurePki(dir, { hostname: 'localhost', ips: ['127.0.0.1'] });
  const store = new MemoryStore();
  const api = await startApiServer({ store, tls: { caPem: pki.ca.certPem, certPem: pki.server.certPem, keyPem: pki.server.keyPem }, port: 0, host: '127.0.0.1' });
  api.deps.resources.set('metrics', metricsResources(source, opts));
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
