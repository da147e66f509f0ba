/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher): every
 * namespace holds the ConfigMap `kube-root-ca.crt` whose `ca.crt` is the cluster CA, so pods can
 * verify the API server at kubernetes.default.svc. Namespace adds and updates (of Active
 * namespaces) enqueue the namespace; an edited or deleted ConfigMap of that name enqueues its
 * namespace and is put back.
 */
import type { KubeObject } from '../../api/object.js';
import { deepEqual } from '../../api/object.js';
import type { Informer } from '../../client/informer.js';
import { isStatus } from '../../client/rest.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerConstructor, ControllerContext } from '../common/controller.js';
import { runWorkers } from '../common/worker.js';

const NAMESPACES = { group: '', version: 'v1', resource: 'namespaces' };
const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps' };

/** RootCACertConfigMapName */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** DescriptionAnnotation */
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
/** Description, word for word as upstream writes it. */
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. ' +
  'No other usage is guaranteed across distributions of Kubernetes clusters.';

/**
 * What to write for a namespace (syncNamespace's decision): a new ConfigMap when none exists,
 * the existing one with data and description restored when either drifted, or nothing.
 */
export function desiredRootCAConfigMap(current: KubeObject | undefined, caPem: string): { op: 'create' | 'update'; body: KubeObject } | undefined {
  const data = { 'ca.crt': caPem };
  if (!current) {
    return { op: 'create', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data } };
  }
  if (deepEqual(current.data ?? {}, data) && current.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return undefined;
  return { op: 'update', body: { ...current, metadata: { ...current.metadata, annotations: { ...(current.metadata.annotations ?? {}), [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data } };
}

/** Options: the CA bundle to publish (default: the CA the controller's client trusts). */
export interface RootCACertPublisherOptions {
  caPem?: string;
  workers?: number;
}

/** The running publisher. */
export class RootCACertPublisher implements Controller {
  readonly name = 'root-ca-cert-publisher';
  readonly queue: WorkQueue;
  private readonly configMaps: Informer;
  private readonly caPem: string;
  private workers: Promise<void> | undefined;

  constructor(private readonly ctx: ControllerContext, private readonly opts: RootCACertPublisherOptions = {}) {
    // The controller client trusts the cluster CA, which is what pods need to verify the API server.
    this.caPem = opts.caPem ?? ctx.client.opts.caPem;
    this.queue = new WorkQueue({ clock: ctx.clock });
    const namespaces = ctx.informers.informerFor(NAMESPACES);
    this.configMaps = ctx.informers.informerFor(CONFIGMAPS);
    namespaces.addHandlers({
      onAdd: (ns) => this.queue.add(ns.metadata.name ?? ''),
      onUpdate: (_o, ns) => {
        if (((ns.status as { phase?: string } | undefined)?.phase ?? 'Active') === 'Active') this.queue.add(ns.metadata.name ?? '');
      },
    });
    const cmChanged = (cm: KubeObject): void => {
      if (cm.metadata.name === ROOT_CA_CONFIGMAP && cm.metadata.namespace) this.queue.add(cm.metadata.namespace);
    };
    this.configMaps.addHandlers({ onUpdate: (_o, cm) => cmChanged(cm), onDelete: cmChanged });
  }

  /** Starts the workers. */
  start(): void {
    this.workers = runWorkers(this.queue, (k) => this.reconcile(k), { workers: this.opts.workers ?? 1, name: this.name, log: this.ctx.log });
  }

  /** Stops the workers. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  /** syncNamespace(ns): create or restore the namespace's kube-root-ca.crt. */
  async reconcile(ns: string): Promise<void> {
    if (!ns) return;
    const want = desiredRootCAConfigMap(this.configMaps.get(`${ns}/${ROOT_CA_CONFIGMAP}`), this.caPem);
    if (!want) return;
    try {
      if (want.op === 'create') await this.ctx.client.create({ ...CONFIGMAPS, namespace: ns }, want.body);
      else await this.ctx.client.update({ ...CONFIGMAPS, namespace: ns, name: ROOT_CA_CONFIGMAP }, want.body);
    } catch (e) {
      // Don't retry a create into a namespace that is gone or terminating (NamespaceTerminatingCause).
      if (want.op === 'create' && (isStatus(e, 404) || isStatus(e, 403))) return;
      throw e;
    }
  }
}

/** Builds the publisher with options (e.g. an explicit CA bundle). */
export function rootCACertPublisherWith(opts: RootCACertPublisherOptions): ControllerConstructor {
  return (ctx) => new RootCACertPublisher(ctx, opts);
}
