/**
 * TEST-ONLY: an in-process API server (MemoryStore, fresh PKI) that also serves metrics.k8s.io
 * from a given MetricsSource, the way `kubeling up` wires it, plus admin clients.
 */
import { startTestApiServer, type TestApiServer } from '../client/test-apiserver.js';
import type { MetricsSource } from './source.js';
import { metricsResources } from './resources.js';

/** A running server with the metrics resources registered. */
export type MetricsTestApiServer = TestApiServer;

/** Starts the server on 127.0.0.1 (random port) with `source` behind metrics.k8s.io. */
export async function startMetricsTestApiServer(source: MetricsSource, opts: { now?: () => number } = {}): Promise<MetricsTestApiServer> {
  const srv = await startTestApiServer();
  srv.api.deps.resources.set('metrics', metricsResources(source, opts));
  return srv;
}
