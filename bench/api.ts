/**
 * API server benchmark (issue "Foundation"):
 *  - creates/s and p50/p99 with 50 concurrent HTTPS clients, against raw libsql inserts with the
 *    same durability (WAL, synchronous=FULL, one transaction per row);
 *  - GET p99 at a steady 200 req/s, against a bare Node HTTPS server answering the same bytes;
 *  - time from spawning `kubeling up` to the first answered `kubectl get ns`;
 *  - idle RSS of the server process.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import Database from 'libsql';
import { parse as parseYaml } from 'yaml';
import { mainJs, KUBECTL } from '../test/e2e/harness.js';

interface Creds {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

function credsFrom(kubeconfig: string): Creds {
  const doc = parseYaml(readFileSync(kubeconfig, 'utf8')) as {
    clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
    users: { user: { 'client-certificate-data': string; 'client-key-data': string } }[];
  };
  const b = (s: string) => Buffer.from(s, 'base64').toString();
  return {
    server: doc.clusters[0]!.cluster.server,
    ca: b(doc.clusters[0]!.cluster['certificate-authority-data']),
    cert: b(doc.users[0]!.user['client-certificate-data']),
    key: b(doc.users[0]!.user['client-key-data']),
  };
}

function request(agent: https.Agent, url: string, method: string, body?: string): Promise<{ status: number; ms: number }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

async function startUp(dataDir: string, home: string): Promise<{ proc: ReturnType<typeof spawn>; port: number; startMs: number }> {
  const t0 = process.hrtime.bigint();
  const proc = spawn(process.execPath, [mainJs, 'up', '--data-dir', dataDir, '--port', '0', '--no-kubeconfig', '--bind-address', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, HOME: home } });
  let out = '';
  const port = await new Promise<number>((resolve) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m && /Kubeling is up/.test(out)) resolve(Number(m[1]));
    });
  });
  const kc = join(dataDir, 'admin.kubeconfig');
  execFileSync(KUBECTL.latest, ['get', 'ns'], { env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: kc }, stdio: 'ignore' });
  return { proc, port, startMs: Number(process.hrtime.bigint() - t0) / 1e6 };
}

export async function runApiBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kubeling-bench-'));
  const home = mkdtempSync(join(tmpdir(), 'kubeling-bench-home-'));
  const { proc, startMs } = await startUp(dataDir, home);
  const c = credsFrom(join(dataDir, 'admin.kubeconfig'));
  const agent = new https.Agent({ keepAlive: true, maxSockets: 50, ca: c.ca, cert: c.cert, key: c.key });
  try {
    // Idle RSS first, before load inflates the heap.
    await new Promise((r) => setTimeout(r, 2000));
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0);

    // 1. creates/s with 50 concurrent clients
    const total = 5000;
    const conc = 50;
    let next = 0;
    const lat: number[] = [];
    const url = `${c.server}/api/v1/namespaces/default/configmaps`;
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: conc }, async () => {
        while (next < total) {
          const i = next++;
          const r = await request(agent, url, 'POST', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `bench-${i}` }, data: { i: String(i) } }));
          if (r.status !== 201) throw new Error(`create ${i}: HTTP ${r.status}`);
          lat.push(r.ms);
        }
      }),
    );
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const createsPerSec = total / secs;

    // Baseline: raw libsql inserts with the same durability, one transaction per row.
    const db = new Database(join(dataDir, 'baseline.db'));
    db.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, value BLOB)');
    const ins = db.prepare('INSERT INTO t (name, value) VALUES (?, ?)');
    const payload = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { i: '1' } });
    const b0 = process.hrtime.bigint();
    for (let i = 0; i < total; i++) ins.run(`/core/configmaps/default/bench-${i}`, payload);
    const rawPerSec = total / (Number(process.hrtime.bigint() - b0) / 1e9);
    db.close();

    // 2. GET p99 at 200 req/s for 10 s, against a bare HTTPS server answering the same bytes.
    const getUrl = `${c.server}/api/v1/namespaces/default/configmaps/bench-1`;
    const paced = async (target: string, ag: https.Agent) => {
      const ls: number[] = [];
      const pending: Promise<void>[] = [];
      const start = Date.now();
      for (let i = 0; i < 2000; i++) {
        const due = start + i * 5;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        pending.push(request(ag, target, 'GET').then((r) => void ls.push(r.ms)));
      }
      await Promise.all(pending);
      return ls;
    };
    const getLat = await paced(getUrl, agent);
    const body = execFileSync(KUBECTL.latest, ['get', '--raw', '/api/v1/namespaces/default/configmaps/bench-1'], { env: { PATH: process.env.PATH, HOME: home, KUBECONFIG: join(dataDir, 'admin.kubeconfig') } });
    const pki = join(dataDir, 'pki');
    const bare = https.createServer({ cert: readFileSync(join(pki, 'apiserver.crt')), key: readFileSync(join(pki, 'apiserver.key')) }, (_q, s) => {
      s.writeHead(200, { 'content-type': 'application/json' });
      s.end(body);
    });
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    const bareAgent = new https.Agent({ keepAlive: true, maxSockets: 50, ca: c.ca });
    const bareLat = await paced(`https://127.0.0.1:${(bare.address() as AddressInfo).port}/`, bareAgent);
    bare.close();
    bareAgent.destroy();

    const p99 = pct(getLat, 99);
    const bareP99 = pct(bareLat, 99);
    const lines = [
      `creates: ${createsPerSec.toFixed(0)}/s with ${conc} concurrent HTTPS clients (${total} ConfigMaps), p50 ${pct(lat, 50).toFixed(2)} ms, p99 ${pct(lat, 99).toFixed(2)} ms  [target >= 2000/s]`,
      `  baseline raw libsql inserts (WAL, synchronous=FULL, 1 row/txn): ${rawPerSec.toFixed(0)}/s  ratio kubeling/raw = ${(createsPerSec / rawPerSec).toFixed(2)}`,
      `GET at 200 req/s: p50 ${pct(getLat, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms  [target p99 <= 5 ms]`,
      `  baseline bare Node HTTPS server: p99 ${bareP99.toFixed(2)} ms  ratio = ${(p99 / bareP99).toFixed(2)}`,
      `start: ${startMs.toFixed(0)} ms from spawning kubeling up to the first answered kubectl get ns (includes kubectl's own ~startup)  [target <= 1000 ms]`,
      `idle RSS: ${(rssKb / 1024).toFixed(1)} MB  [target <= 100 MB]`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    agent.destroy();
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
