/**
 * pods/attach (upstream AttachREST): the same transports and validation as exec (WebSocket v5,
 * SPDY/3.1 v5/v4) without a command; the agent's `/attach/...` streams the running container's
 * output (and its stdin where the runtime supports it) until the container exits.
 */
import type { SubresourceHandler } from '../server.js';
import type { UpgradeBridge } from '../streaming/upgrade.js';
import { remoteCommandHandler } from './proxy-exec.js';
import type { KubeletClientConfig } from './proxy-common.js';

/** The pods/attach handler. */
export function attachHandler(kubelet: KubeletClientConfig | undefined, bridge: UpgradeBridge): SubresourceHandler {
  return remoteCommandHandler('attach', kubelet, bridge);
}
