import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Container } from 'kubernetes-types/core/v1.js';
import { fixturePod, until } from '../conformance.js';
import { ProcessRuntime } from './index.js';
import { isRoot, makeTestProcessRuntime, type TestProcessRuntime } from './testing.js';

describe('process runtime (root)', { skip: !isRoot && 'needs root (namespaces, cgroups, netns)' }, () => {
  let t: TestProcessRuntime;
  let ipSeq = 20;
  before(() => {
    t = makeTestProcessRuntime();
  });
  after(async () => {
    await t.cleanup();
  });
  const run = async (podName: string, c: Partial<Container>, rt: ProcessRuntime = t.runtime) => {
    const { pod, container } = fixturePod(podName, c);
    const sb = await rt.createSandbox(pod, t.ip(ipSeq++));
    const info = await rt.createContainer(sb.id, pod, container);
    await rt.startContainer(info.id);
    return { pod, container, sb, info };
  };
  const log = (rt: ProcessRuntime, id: string): string => {
    const p = rt.logPath(id);
    try {
      return p ? readFileSync(p, 'utf8') : '';
    } catch {
      return '';
    }
  };
  const exited = (rt: ProcessRuntime, id: string) => until(() => rt.containerStatus(id)?.state === 'exited', `${id} exited`);

  test('the hostname inside a container is the pod name and the pod IP is on eth0', async () => {
    const { info, sb } = await run('host-name-pod', { command: ['sh', '-c', 'hostname; ip -4 -o addr show dev eth0; echo pid=$$'] });
    await exited(t.runtime, info.id);
    const out = log(t.runtime, info.id);
    assert.match(out, /stdout F host-name-pod$/m);
    assert.ok(out.includes(`inet ${sb.podIP}/24`), out);
    assert.match(out, /stdout F pid=1$/m, 'the workload is PID 1 of its own PID namespace');
  });

  test('a pod reaches another pod by its pod IP', async () => {
    // socketserver, not http.server: HTTPServer.server_bind calls getfqdn, which waits 10 s on DNS here.
    const server = "import socketserver\nclass H(socketserver.BaseRequestHandler):\n  def handle(self): self.request.sendall(b'pong')\nsocketserver.TCPServer.allow_reuse_address=True\ns=socketserver.TCPServer(('0.0.0.0',9000),H)\nprint('listening',flush=True)\ns.serve_forever()";
    const srv = await run('server', { command: ['/usr/bin/python3', '-c', server] });
    await until(() => log(t.runtime, srv.info.id).includes('listening'), 'server listening');
    const client = `import socket\ns=socket.create_connection(('${srv.sb.podIP}',9000),timeout=5)\nprint('got',s.recv(10).decode(),flush=True)`;
    const cli = await run('client', { command: ['/usr/bin/python3', '-c', client] });
    await exited(t.runtime, cli.info.id);
    assert.match(log(t.runtime, cli.info.id), /stdout F got pong$/m);
    assert.equal(t.runtime.containerStatus(cli.info.id)?.exitCode, 0);
    await t.runtime.removeSandbox(srv.sb.id);
  });

  test('a container over its memory limit ends OOMKilled with exit code 137', async () => {
    const { info } = await run('oom', { command: ['/usr/bin/python3', '-c', 'a=bytearray(200*1024*1024)'], resources: { limits: { memory: '32Mi' } } });
    await exited(t.runtime, info.id);
    const s = t.runtime.containerStatus(info.id);
    assert.equal(s?.reason, 'OOMKilled');
    assert.equal(s?.exitCode, 137);
  });

  test('a container that ignores SIGTERM is killed after the grace period with 137', async () => {
    const { info } = await run('stubborn', { command: ['sh', '-c', 'echo up; while true; do sleep 0.05; done'] });
    await until(() => log(t.runtime, info.id).includes('up'), 'started');
    const t0 = Date.now();
    await t.runtime.stopContainer(info.id, 1);
    assert.ok(Date.now() - t0 >= 900, 'waited for the grace period');
    assert.equal(t.runtime.containerStatus(info.id)?.exitCode, 137);
  });

  test('a running container survives a new runtime instance, which adopts it', async () => {
    const { pod, container, sb, info } = await run('survivor', { command: ['sh', '-c', 'trap "exit 0" TERM; echo alive; while true; do sleep 0.05; done'] });
    await until(() => log(t.runtime, info.id).includes('alive'), 'started');
    const pids = t.runtime.pids(info.id);
    assert.ok(pids.length > 0);
    const second = new ProcessRuntime(t.opts);
    try {
      assert.equal(second.containerStatus(info.id)?.state, 'running');
      assert.deepEqual(second.pids(info.id), pids, 'the same processes still run');
      // A restarted agent asks for the pod's sandbox and container again and gets the running ones.
      const sb2 = await second.createSandbox(pod, t.ip(250));
      assert.equal(sb2.id, sb.id);
      assert.equal(sb2.podIP, sb.podIP);
      const again = await second.createContainer(sb2.id, pod, container);
      assert.equal(again.id, info.id);
      await second.startContainer(again.id);
      await second.stopContainer(info.id, 5);
      assert.equal(second.containerStatus(info.id)?.exitCode, 0);
      await second.removeSandbox(sb.id);
    } finally {
      await second.close();
    }
  });

  test('an image with no command that is not known fails with ErrImagePull', async () => {
    const { info } = await run('unknown-image', { image: 'example.com/team/app:1.2' });
    const s = t.runtime.containerStatus(info.id);
    assert.equal(s?.state, 'created');
    assert.equal(s?.reason, 'ErrImagePull');
    assert.match(s?.message ?? '', /image "example.com\/team\/app:1.2" has no command and is not a known image: set command, or use the cri runtime/);
  });

  test('a missing executable is a StartError with exit code 128', async () => {
    const { info } = await run('no-exe', { command: ['definitely-not-a-program'] });
    const s = t.runtime.containerStatus(info.id);
    assert.equal(s?.reason, 'StartError');
    assert.equal(s?.exitCode, 128);
  });

  test('an emptyDir volume is shared by two containers of a pod at their mount paths', async () => {
    const { pod } = fixturePod('vols', {});
    pod.spec = {
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [
        { name: 'writer', image: 'busybox', command: ['sh', '-c', 'echo shared > /mnt/kl-vol-a/f'], volumeMounts: [{ name: 'data', mountPath: '/mnt/kl-vol-a' }] },
        { name: 'reader', image: 'busybox', command: ['sh', '-c', 'while [ ! -f /mnt/kl-vol-b/f ]; do sleep 0.05; done; cat /mnt/kl-vol-b/f'], volumeMounts: [{ name: 'data', mountPath: '/mnt/kl-vol-b', readOnly: true }] },
      ],
    };
    const sb = await t.runtime.createSandbox(pod, t.ip(ipSeq++));
    const [w, r] = pod.spec.containers;
    assert.ok(w && r);
    const reader = await t.runtime.createContainer(sb.id, pod, r);
    await t.runtime.startContainer(reader.id);
    const writer = await t.runtime.createContainer(sb.id, pod, w);
    await t.runtime.startContainer(writer.id);
    await exited(t.runtime, reader.id);
    assert.match(log(t.runtime, reader.id), /stdout F shared$/m);
    await t.runtime.removeSandbox(sb.id);
  });

  test('stats report CPU and memory of a busy container from its cgroup', async () => {
    const { info } = await run('busy', { command: ['sh', '-c', 'while :; do :; done'], resources: { limits: { cpu: '500m' } } });
    await until(() => (t.runtime.stats(info.id)?.cpuNanoCores ?? 0) > 50_000_000, 'cpu usage');
    const s = t.runtime.stats(info.id);
    assert.ok((s?.memoryWorkingSetBytes ?? 0) > 0);
    await t.runtime.stopContainer(info.id, 0);
  });

  test('exec runs a command inside the container namespaces', async () => {
    const { info } = await run('exec-pod', { command: ['sh', '-c', 'trap "exit 0" TERM; echo up; while true; do sleep 0.05; done'] });
    await until(() => log(t.runtime, info.id).includes('up'), 'started');
    const s = await t.runtime.exec(info.id, { command: ['sh', '-c', 'hostname; exit 4'], stdin: false, tty: false });
    let out = '';
    s.stdout.on('data', (d: Buffer) => (out += d.toString()));
    assert.equal(await s.exited, 4);
    assert.equal(out.trim(), 'exec-pod');
    // With a TTY the command goes through util-linux script: its words arrive intact and unexpanded.
    const tty = await t.runtime.exec(info.id, { command: ['sh', '-c', 'test -t 0 && echo "tty:$0:$1"; exit 3', 'a b', '$(hostname)'], stdin: false, tty: true });
    let ttyOut = '';
    tty.stdout.on('data', (d: Buffer) => (ttyOut += d.toString()));
    assert.equal(await tty.exited, 3);
    assert.match(ttyOut, /tty:a b:\$\(hostname\)/);
    await t.runtime.stopContainer(info.id, 5);
  });
});

test('without root the runtime runs plain child processes and says so', async () => {
  const t = makeTestProcessRuntime({ forceUnprivileged: true });
  try {
    assert.equal(t.runtime.capabilities().isolation, false);
    assert.match(t.runtime.capabilities().message ?? '', /plain child processes/);
    const { pod, container } = fixturePod('plain', { command: ['sh', '-c', 'echo plain; exit 5'] });
    const sb = await t.runtime.createSandbox(pod, t.ip(9));
    const info = await t.runtime.createContainer(sb.id, pod, container);
    await t.runtime.startContainer(info.id);
    await until(() => t.runtime.containerStatus(info.id)?.state === 'exited', 'exited');
    assert.equal(t.runtime.containerStatus(info.id)?.exitCode, 5);
    assert.match(readFileSync(t.runtime.logPath(info.id) ?? '', 'utf8'), /stdout F plain$/m);
  } finally {
    await t.cleanup();
  }
});
