/**
 * port-forward for the process runtime: pods are reachable from the host (bridge layout), so
 * the agent dials `podIP:port` directly instead of entering the pod's network namespace as
 * kubelet's runtimes do. The one difference: a server listening only on the pod's 127.0.0.1 is
 * not reachable this way.
 */
import { connect, type Socket } from 'node:net';

/** Connects to the pod; rejects with a kubelet-like message when the connection fails. */
export function dialPod(podIP: string, port: number, who: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: podIP, port });
    const onError = (e: NodeJS.ErrnoException): void => {
      const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message;
      reject(new Error(`error forwarding port ${port} to pod ${who}: dial tcp4 ${podIP}:${port}: ${why}`));
    };
    s.once('error', onError);
    s.once('connect', () => {
      s.off('error', onError);
      resolve(s);
    });
  });
}
