/**
 * GET pods/<name>/log (upstream LogREST): validates the PodLogOptions and the container, then
 * proxies to the node agent's `/containerLogs/<ns>/<pod>/<container>` and streams its
 * text/plain body to the client; with follow=true the response stays open until the agent ends
 * it (the container exits) or the client goes away. Agent errors become Status errors.
 */
import { request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { errors } from '../../api/errors.js';
import type { SubresourceHandler } from '../server.js';
import type { RequestCtx } from './context.js';
import { agentError, endpointUrl, loadPod, nodeEndpoint, podNode, requireKubeletClient, resolveContainer, type KubeletClientConfig } from './proxy-common.js';

/** PodLogOptions forwarded to the agent, as kubelet's /containerLogs understands them. */
const forwarded = ['follow', 'tailLines', 'timestamps', 'sinceSeconds', 'sinceTime', 'previous', 'limitBytes'];

/** Validates the numeric/boolean options as upstream's PodLogOptions validation does. */
export function validateLogQuery(q: URLSearchParams): void {
  const int = (k: string, min: number, msg: string): void => {
    const v = q.get(k);
    if (v === null) return;
    const n = Number(v);
    if (v === '' || !Number.isInteger(n)) throw errors.badRequest(`${k}: Invalid value: "${v}": must be an integer`);
    if (n < min) throw errors.badRequest(`PodLogOptions "" is invalid: ${k}: Invalid value: ${n}: ${msg}`);
  };
  int('tailLines', 0, 'must be greater than or equal to 0');
  int('limitBytes', 1, 'must be greater than 0');
  int('sinceSeconds', 1, 'must be greater than 0');
  if (q.has('sinceSeconds') && q.has('sinceTime')) throw errors.badRequest('PodLogOptions "" is invalid: : Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified');
  const st = q.get('sinceTime');
  if (st !== null && !Number.isFinite(Date.parse(st))) throw errors.badRequest(`sinceTime: Invalid value: "${st}": must be RFC3339`);
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString()));
    res.on('error', () => resolve(Buffer.concat(chunks).toString()));
  });
}

/** The pods/log handler; `kubelet` is the client certificate for the agents. */
export function logHandler(kubelet: KubeletClientConfig | undefined): SubresourceHandler {
  return async (rc: RequestCtx): Promise<void> => {
    const method = (rc.req.method ?? 'GET').toUpperCase();
    if (method !== 'GET') throw errors.methodNotAllowed('the server does not allow this method on the requested resource');
    validateLogQuery(rc.query);
    const pod = await loadPod(rc);
    const container = resolveContainer(pod, rc.query.get('container'));
    const nodeName = podNode(pod);
    const creds = requireKubeletClient(kubelet);
    const ep = await nodeEndpoint(rc, nodeName);
    const q = new URLSearchParams();
    for (const k of forwarded) {
      const v = rc.query.get(k);
      if (v !== null) q.set(k, v);
    }
    const ns = encodeURIComponent(rc.info.namespace);
    const url = `${endpointUrl(ep, 'https')}/containerLogs/${ns}/${encodeURIComponent(pod.metadata.name ?? '')}/${encodeURIComponent(container)}${q.size ? `?${q.toString()}` : ''}`;
    const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
      const r = request(url, { method: 'GET', cert: creds.certPem, key: creds.keyPem, ca: creds.caPem, checkServerIdentity: () => undefined }, resolve);
      r.on('error', (e) => reject(errors.internal(`error dialing backend: ${e.message}`)));
      // The client going away ends the agent request (and so its follow loop).
      rc.res.on('close', () => r.destroy());
      r.end();
    });
    if ((upstream.statusCode ?? 500) !== 200) throw agentError(upstream.statusCode ?? 500, await readAll(upstream));
    const res = rc.res as import('node:http').ServerResponse;
    res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache, private', 'x-content-type-options': 'nosniff' });
    await new Promise<void>((resolve) => {
      upstream.on('data', (c: Buffer) => {
        if (!res.write(c)) {
          upstream.pause();
          res.once('drain', () => upstream.resume());
        }
      });
      upstream.on('end', () => {
        res.end();
        resolve();
      });
      upstream.on('error', () => {
        res.end();
        resolve();
      });
      res.on('close', () => {
        upstream.destroy();
        resolve();
      });
    });
  };
}
