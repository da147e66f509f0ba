/**
 * Assembles a running API server from a store and TLS material: resource table (built-ins and
 * CRDs), admission chain, authentication, bootstrap objects. Used by `kubeling up`, `kubeling
 * server` and tests.
 */
import type { Store } from '../storage/store.js';
import { builtinResources } from '../api/registry/index.js';
import { loadDefinitions } from '../api/schema/definitions.js';
import { ResourceTable } from './resources.js';
import { ApiServer } from './server.js';
import type { ApiDeps } from './pipeline.js';
import { defaultAdmissionPlugins } from './admission/index.js';
import type { Authorizer } from './authz/types.js';
import { alwaysAllowAuthenticated } from './authz/types.js';
import type { AdmissionPlugin } from './admission/types.js';
import type { Authenticator } from './authn/types.js';
import { UnionAuthenticator } from './authn/types.js';
import { X509Authenticator } from './authn/x509.js';
import { CrdRegistry } from './crd-registry.js';
import { bootstrapCluster } from './bootstrap.js';
import { handleBinding } from './handlers/binding.js';
import { handleEviction } from './handlers/eviction.js';
import { logHandler } from './handlers/proxy-log.js';
import { execHandler } from './handlers/proxy-exec.js';
import { attachHandler } from './handlers/proxy-attach.js';
import { portForwardHandler } from './handlers/proxy-portforward.js';
import { UpgradeBridge } from './streaming/upgrade.js';

export interface StartOptions {
  store: Store;
  tls: { caPem: string; certPem: string; keyPem: string };
  port: number;
  host?: string;
  /** address other components use to reach this server (for the kubernetes Endpoints) */
  advertiseAddress?: string;
  authenticators?: Authenticator[];
  admission?: AdmissionPlugin[];
  /** default: RBAC (system:masters always allowed) */
  authorizer?: Authorizer;
  now?: () => Date;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** client certificate for the node agents' streaming servers (CN kube-apiserver-kubelet-client); without it logs/exec answer 503 */
  kubeletClient?: { certPem: string; keyPem: string };
}

export interface RunningApiServer {
  server: ApiServer;
  deps: ApiDeps;
  port: number;
  stop(): Promise<void>;
}

export async function startApiServer(opts: StartOptions): Promise<RunningApiServer> {
  const resources = new ResourceTable(builtinResources);
  const deps: ApiDeps = {
    store: opts.store,
    resources,
    defs: loadDefinitions(),
    admission: [],
    authorizer: opts.authorizer ?? alwaysAllowAuthenticated,
    now: opts.now ?? (() => new Date()),
  };
  deps.admission = opts.admission ?? defaultAdmissionPlugins(deps);
  const crds = new CrdRegistry(opts.store, resources, opts.log);
  await crds.start();
  const authenticator = new UnionAuthenticator([new X509Authenticator(opts.tls.caPem), ...(opts.authenticators ?? [])]);
  const server = new ApiServer({
    deps,
    tls: opts.tls,
    authenticator,
    extraSchemas: (g, v) => crds.schemasFor(g, v),
    log: opts.log,
  });
  server.registerSubresource('', 'pods', 'binding', handleBinding);
  server.registerSubresource('', 'pods', 'eviction', handleEviction);
  // Streaming (logs, exec, attach, port-forward) proxied to the node agents; upgrades go through the normal request path.
  const kubelet = opts.kubeletClient ? { ...opts.kubeletClient, caPem: opts.tls.caPem } : undefined;
  const upgrades = new UpgradeBridge();
  upgrades.install(server.server);
  server.registerSubresource('', 'pods', 'log', logHandler(kubelet));
  server.registerSubresource('', 'pods', 'exec', execHandler(kubelet, upgrades));
  server.registerSubresource('', 'pods', 'attach', attachHandler(kubelet, upgrades));
  server.registerSubresource('', 'pods', 'portforward', portForwardHandler(kubelet, upgrades));
  const port = await server.listen(opts.port, opts.host ?? '0.0.0.0');
  await bootstrapCluster(deps, { ip: opts.advertiseAddress ?? '127.0.0.1', port });
  server.setReady(true);
  return {
    server,
    deps,
    port,
    async stop() {
      crds.stop();
      await server.close();
    },
  };
}
