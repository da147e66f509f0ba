/**
 * Running one probe or lifecycle-hook handler as kubelet's probers do (pkg/probe/{exec,http,tcp,grpc}):
 * exec through the runtime's exec and exit code 0 = success; httpGet against the pod IP (or
 * `host`) with status 200–399 = success, no certificate checks for HTTPS, `User-Agent:
 * kube-probe/<version>`; tcpSocket = the connection opens; grpc = grpc.health.v1 Check says SERVING.
 * Messages follow upstream's wording, since they end up in `Unhealthy` events.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, ExecAction, HTTPGetAction, TCPSocketAction } from 'kubernetes-types/core/v1.js';
import type { ExecSession, Runtime } from '../runtime.js';
import { grpcHealthCheck } from './grpc.js';

/** What a handler runs against. */
export interface ActionTarget {
  runtime: Runtime;
  containerId: string;
  container: Container;
  podIP: string;
  timeoutMs: number;
}

/** The outcome of one attempt. */
export interface ActionResult {
  ok: boolean;
  /** output or error text (upstream's message), '' when there is nothing to say */
  message: string;
}

/** A probe or hook handler (core/v1 Probe's handler fields, LifecycleHandler adds sleep). */
export interface Handler {
  exec?: ExecAction;
  httpGet?: HTTPGetAction;
  tcpSocket?: TCPSocketAction;
  grpc?: { port: number; service?: string };
  sleep?: { seconds: number };
}

const maxOutput = 10 * 1024; // kubelet keeps at most 10 KiB of probe output

/** Resolves a port given by number or by a container port's name (a bad name is an error). */
export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = (container.ports ?? []).find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  return found.containerPort;
}

/** Runs one handler; never throws (an error is a failed attempt). */
export async function runHandler(h: Handler, t: ActionTarget): Promise<ActionResult> {
  try {
    if (h.exec) return await runExec(h.exec.command ?? [], t);
    if (h.httpGet) return await runHttpGet(h.httpGet, t);
    if (h.tcpSocket) return await runTcp(h.tcpSocket, t);
    if (h.grpc) return await grpcHealthCheck(t.podIP, h.grpc.port, h.grpc.service ?? '', t.timeoutMs);
    if (h.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(h.sleep?.seconds ?? 0, t.timeoutMs / 1000) * 1000));
      return { ok: true, message: '' };
    }
    return { ok: false, message: 'missing probe handler' };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

async function runExec(command: string[], t: ActionTarget): Promise<ActionResult> {
  if (!t.runtime.exec) return { ok: false, message: `the ${t.runtime.name} runtime cannot exec` };
  const s = await execWhenUp(t, command);
  let out = '';
  const take = (d: Buffer): void => {
    if (out.length < maxOutput) out += d.toString('utf8').slice(0, maxOutput - out.length);
  };
  s.stdout.on('data', take);
  s.stderr?.on('data', take);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), t.timeoutMs)));
  const code = await Promise.race([s.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    s.kill();
    return { ok: false, message: `command ${JSON.stringify(command.join(' '))} timed out` };
  }
  // Let the pipes drain so the output of a quick command is complete.
  await Promise.all([ended(s.stdout), s.stderr ? ended(s.stderr) : Promise.resolve()]);
  return { ok: code === 0, message: code === 0 ? out : out || `command '${command.join(' ')}' exited with ${code}` };
}

/**
 * Starts the exec, retrying briefly while the container is running but its process is not up
 * yet (a postStart hook runs right after the start; CRI runtimes only return once it exists).
 */
async function execWhenUp(t: ActionTarget, command: string[]): Promise<ExecSession> {
  const exec = t.runtime.exec?.bind(t.runtime);
  if (!exec) throw new Error(`the ${t.runtime.name} runtime cannot exec`);
  const deadline = Date.now() + Math.min(t.timeoutMs, 2000);
  for (;;) {
    try {
      return await exec(t.containerId, { command, stdin: false, tty: false });
    } catch (e) {
      if (Date.now() >= deadline || t.runtime.containerStatus(t.containerId)?.state !== 'running') throw e;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

function ended(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    if ((stream as { readableEnded?: boolean }).readableEnded) return resolve();
    const t = setTimeout(resolve, 200);
    const done = (): void => {
      clearTimeout(t);
      resolve();
    };
    stream.once('end', done);
    stream.once('close', done);
    stream.once('error', done);
  });
}

function runHttpGet(g: HTTPGetAction, t: ActionTarget): Promise<ActionResult> {
  const scheme = (g.scheme ?? 'HTTP').toLowerCase();
  const host = g.host || t.podIP;
  const port = resolvePort(g.port, t.container);
  let path = g.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const hostPart = net.isIPv6(host) ? `[${host}]` : host;
  const url = `${scheme}://${hostPart}:${port}${path}`;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.33', Accept: '*/*' };
  for (const h of g.httpHeaders ?? []) {
    // A Host header sets the request's virtual host, as Go's client does.
    headers[h.name.toLowerCase() === 'host' ? 'Host' : h.name] = h.value;
  }
  const mod = scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const req = mod.request(url, { method: 'GET', headers, timeout: t.timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        if (body.length < maxOutput) body += d.toString('utf8');
      });
      const finish = (): void => {
        const code = res.statusCode ?? 0;
        if (code >= 200 && code < 400) resolve({ ok: true, message: body.slice(0, maxOutput) });
        else resolve({ ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      };
      res.once('end', finish);
      res.once('error', finish);
    });
    req.once('timeout', () => {
      req.destroy();
      resolve({ ok: false, message: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.once('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `Get "${url}": ${dialError(e, host, port)}` }));
    req.end();
  });
}

function runTcp(s: TCPSocketAction, t: ActionTarget): Promise<ActionResult> {
  const host = s.host || t.podIP;
  const port = resolvePort(s.port, t.container);
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ok: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    }, t.timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok: true, message: '' });
    });
    sock.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ok: false, message: dialError(e, host, port) });
    });
  });
}

/** Go's dial error wording for the common errno values. */
function dialError(e: NodeJS.ErrnoException, host: string, port: number): string {
  const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.code === 'EHOSTUNREACH' ? 'connect: no route to host' : e.code === 'ETIMEDOUT' ? 'i/o timeout' : e.message;
  return `dial tcp ${host}:${port}: ${why}`;
}
