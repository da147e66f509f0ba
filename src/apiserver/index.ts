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
import { RbacAuthorizer } from './authz/rbac.js';
import { NodeAuthorizer } from './authz/node.js';
import { AdmissionReads } from './admission/reads.js';
import type { AdmissionPlugin } from './admission/types.js';
import type { Authenticator } from './authn/types.js';
import { buildAuthentication } from './authn/chain.js';
import type { ServiceAccountTokenIssuer } from './authn/serviceaccount.js';
import type { ServiceAccountKey } from '../pki/sa-key.js';
import { tokenRequestHandler } from './handlers/token-request.js';
import { CrdRegistry } from './crd-registry.js';
import { bootstrapCluster } from './bootstrap.js';
import { handleBinding } from './handlers/binding.js';
import { handleEviction } from './handlers/eviction.js';
import { csrRequester, handleCsrApproval } from './handlers/csr-approval.js';
import { logHandler } from './handlers/proxy-log.js';
import { execHandler } from './handlers/proxy-exec.js';
import { attachHandler } from './handlers/proxy-attach.js';
import { portForwardHandler } from './handlers/proxy-portforward.js';
import { UpgradeBridge } from './streaming/upgrade.js';
import type { Auditor } from './audit/index.js';
import { accessReviewApis } from './authz/reviews.js';
import { authenticationReviewApis } from './authn/selfsubjectreview.js';

export interface StartOptions {
  store: Store;
  tls: { caPem: string; certPem: string; keyPem: string };
  port: number;
  host?: string;
  /** address other components use to reach this server (for the kubernetes Endpoints) */
  advertiseAddress?: string;
  authenticators?: Authenticator[];
  admission?: AdmissionPlugin[];
  /** admission plugins of the default chain to leave out, by name (kube-apiserver --disable-admission-plugins) */
  disableAdmissionPlugins?: string[];
  /** default: RBAC (system:masters always allowed) */
  authorizer?: Authorizer;
  now?: () => Date;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** client certificate for the node agents' streaming servers (CN kube-apiserver-kubelet-client); without it logs/exec answer 503 */
  kubeletClient?: { certPem: string; keyPem: string };
  /** --token-auth-file: static bearer tokens (CSV token,user,uid,"groups") */
  tokenAuthFile?: string;
  /** --basic-auth-file: the password file of the course notes (upstream removed it in 1.19); off unless given */
  basicAuthFile?: string;
  /** the ServiceAccount token signing key (pki/sa-key.ts); default: a fresh in-memory key */
  serviceAccountKey?: ServiceAccountKey;
  /** --service-account-issuer (default https://kubernetes.default.svc.cluster.local) */
  serviceAccountIssuer?: string;
  /** --api-audiences (default: the issuer) */
  apiAudiences?: string[];
  /** the audit log (audit/index.ts auditorFromFlags); flushed and closed by stop() */
  audit?: Auditor;
}

export interface RunningApiServer {
  server: ApiServer;
  deps: ApiDeps;
  port: number;
  /** signs ServiceAccount tokens with the server's key (the legacy tokens controller uses it) */
  serviceAccountTokens: ServiceAccountTokenIssuer;
  stop(): Promise<void>;
}

export async function startApiServer(opts: StartOptions): Promise<RunningApiServer> {
  const resources = new ResourceTable(builtinResources);
  // RBAC (system:masters always allowed) unless the caller brings its own authorizer; its cache is loaded before serving.
  const rbac = opts.authorizer ? undefined : new RbacAuthorizer({ store: opts.store, log: opts.log });
  await rbac?.start();
  const deps: ApiDeps = {
    store: opts.store,
    resources,
    defs: loadDefinitions(),
    admission: [],
    // The Node authorizer's narrowing of node reads in front of RBAC (authz/node.ts).
    authorizer: opts.authorizer ?? new NodeAuthorizer(rbac!, opts.store, resources),
    now: opts.now ?? (() => new Date()),
  };
  deps.reads = new AdmissionReads(opts.store, resources, opts.log);
  await deps.reads.start();
  deps.admission = opts.admission ?? defaultAdmissionPlugins(deps).filter((p) => !(opts.disableAdmissionPlugins ?? []).includes(p.name));
  // CSR creation records the requester (upstream does it in the CSR strategy), whatever the chain.
  deps.admission = [csrRequester, ...deps.admission];
  const crds = new CrdRegistry(opts.store, resources, opts.log);
  await crds.start();
  const authn = buildAuthentication(
    { caPem: opts.tls.caPem, tokenAuthFile: opts.tokenAuthFile, basicAuthFile: opts.basicAuthFile, serviceAccountKey: opts.serviceAccountKey, serviceAccountIssuer: opts.serviceAccountIssuer, apiAudiences: opts.apiAudiences, extra: opts.authenticators, log: opts.log },
    deps,
  );
  const authenticator = authn.authenticator;
  const server = new ApiServer({
    deps,
    tls: opts.tls,
    authenticator,
    extraSchemas: (g, v) => crds.schemasFor(g, v),
    log: opts.log,
    audit: opts.audit,
  });
  server.registerSubresource('', 'pods', 'binding', handleBinding);
  server.registerSubresource('', 'pods', 'eviction', handleEviction);
  server.registerSubresource('', 'serviceaccounts', 'token', tokenRequestHandler({ issuer: authn.tokenIssuer, audiences: authn.audiences }));
  server.registerSubresource('certificates.k8s.io', 'certificatesigningrequests', 'approval', handleCsrApproval);
  // Streaming (logs, exec, attach, port-forward) proxied to the node agents; upgrades go through the normal request path.
  const kubelet = opts.kubeletClient ? { ...opts.kubeletClient, caPem: opts.tls.caPem } : undefined;
  const upgrades = new UpgradeBridge();
  upgrades.install(server.server);
  server.registerSubresource('', 'pods', 'log', logHandler(kubelet));
  server.registerSubresource('', 'pods', 'exec', execHandler(kubelet, upgrades));
  server.registerSubresource('', 'pods', 'attach', attachHandler(kubelet, upgrades));
  server.registerSubresource('', 'pods', 'portforward', portForwardHandler(kubelet, upgrades));
  // Create-only, never-stored review APIs (auth can-i, auth whoami, TokenReview), answered by this server's authorizer and authenticator.
  const reviews = [...accessReviewApis(), ...authenticationReviewApis(authenticator, { apiAudiences: authn.audiences })];
  resources.set('reviews', reviews.map((r) => r.def));
  for (const r of reviews) server.registerCreate(r.def.group, r.def.resource, r.handler);
  const port = await server.listen(opts.port, opts.host ?? '0.0.0.0');
  await bootstrapCluster(deps, { ip: opts.advertiseAddress ?? '127.0.0.1', port });
  server.setReady(true);
  return {
    server,
    deps,
    port,
    serviceAccountTokens: authn.tokenIssuer,
    async stop() {
      crds.stop();
      rbac?.stop();
      deps.reads?.stop();
      await server.close();
      await opts.audit?.close();
    },
  };
}
