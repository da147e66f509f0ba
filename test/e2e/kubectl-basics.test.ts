/**
 * The everyday kubectl 1.33 commands against a real `kubeling up`: discovery, the typed create
 * generators (protobuf bodies), output formats, label/annotate/scale/patch/set/edit and delete.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, waitFor, type Cluster } from './harness.js';

describe('kubectl 1.33 basics', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster();
  });
  after(async () => {
    await c?.stop();
  });

  it('prints client and server versions', async () => {
    const out = await c.k(['version']);
    assert.match(out, /Client Version: v1\.33/);
    assert.match(out, /Server Version: v1\.32\.\d+/);
  });

  it('lists every kind with short names in api-resources', async () => {
    const out = await c.k(['api-resources']);
    for (const re of [
      /^pods\s+po\s+v1\s+true\s+Pod$/m,
      /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m,
      /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m,
      /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m,
      /^cronjobs\s+cj\s+batch\/v1\s+true\s+CronJob$/m,
      /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m,
    ]) {
      assert.match(out, re);
    }
  });

  it('shows the built-in namespaces', async () => {
    const out = await c.k(['get', 'ns']);
    assert.match(out, /^NAME\s+STATUS\s+AGE$/m);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active\\s+\\d+s$`, 'm'));
  });

  it('creates objects with the typed generators', async () => {
    assert.equal((await c.k(['create', 'namespace', 'team-a'])).trim(), 'namespace/team-a created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'deployment', 'web', '--image=nginx:1.27', '--replicas=2', '--port=80'])).trim(), 'deployment.apps/web created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'configmap', 'cfg', '--from-literal=a=b', '--from-literal=c=d'])).trim(), 'configmap/cfg created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'secret', 'generic', 'pw', '--from-literal=password=s3cret'])).trim(), 'secret/pw created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'service', 'clusterip', 'web', '--tcp=80:8080'])).trim(), 'service/web created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'job', 'once', '--image=busybox', '--', 'echo', 'hi'])).trim(), 'job.batch/once created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'cronjob', 'tick', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'])).trim(), 'cronjob.batch/tick created');
    assert.equal((await c.k(['-n', 'team-a', 'create', 'serviceaccount', 'robot'])).trim(), 'serviceaccount/robot created');

    const dep = JSON.parse(await c.k(['-n', 'team-a', 'get', 'deployment', 'web', '-o', 'json']));
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.equal(dep.spec.template.spec.containers[0].ports[0].containerPort, 80);
    assert.equal(dep.spec.strategy.type, 'RollingUpdate');
    assert.equal(dep.spec.template.spec.restartPolicy, 'Always');
    assert.equal(dep.metadata.generation, 1);
    const cm = JSON.parse(await c.k(['-n', 'team-a', 'get', 'cm', 'cfg', '-o', 'json']));
    assert.deepEqual(cm.data, { a: 'b', c: 'd' });
    const secret = JSON.parse(await c.k(['-n', 'team-a', 'get', 'secret', 'pw', '-o', 'json']));
    assert.equal(Buffer.from(secret.data.password, 'base64').toString(), 's3cret');
    assert.equal(secret.type, 'Opaque');
    const svc = JSON.parse(await c.k(['-n', 'team-a', 'get', 'svc', 'web', '-o', 'json']));
    assert.match(svc.spec.clusterIP, /^10\.(9[6-9]|1[01]\d)\.\d+\.\d+$/);
    assert.equal(svc.spec.ports[0].targetPort, 8080);
    const job = JSON.parse(await c.k(['-n', 'team-a', 'get', 'job', 'once', '-o', 'json']));
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.ok(job.spec.selector.matchLabels['batch.kubernetes.io/controller-uid']);
  });

  it('prints tables, wide, yaml, jsonpath and custom columns', async () => {
    // The deployment controller brings both replicas up to date; with no node they stay unready.
    await waitFor(async () => /^web\s+0\/2\s+2\s+0\s+\d+s$/m.test(await c.k(['-n', 'team-a', 'get', 'deploy'])), 10_000, 'two up-to-date replicas');
    const table = await c.k(['-n', 'team-a', 'get', 'deploy']);
    assert.match(table, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    const wide = await c.k(['-n', 'team-a', 'get', 'deploy', '-o', 'wide']);
    assert.match(wide, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR$/m);
    assert.match(wide, /nginx\s+nginx:1\.27\s+app=web/);
    const yaml = await c.k(['-n', 'team-a', 'get', 'cm', 'cfg', '-o', 'yaml']);
    assert.match(yaml, /^kind: ConfigMap$/m);
    assert.match(yaml, /^ {2}a: b$/m);
    assert.equal(await c.k(['-n', 'team-a', 'get', 'svc', 'web', '-o', 'jsonpath={.spec.ports[0].port}']), '80');
    const cc = await c.k(['-n', 'team-a', 'get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image']);
    assert.match(cc, /^NAME\s+IMAGE\nweb\s+nginx:1\.27\n$/);
    const svc = await c.k(['-n', 'team-a', 'get', 'svc']);
    assert.match(svc, /^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/m);
    assert.match(svc, /^web\s+ClusterIP\s+10\.\S+\s+<none>\s+80\/TCP\s+\d+s$/m);
  });

  it('get all shows the "all" category', async () => {
    const out = await c.k(['-n', 'team-a', 'get', 'all']);
    assert.match(out, /service\/web/);
    assert.match(out, /deployment\.apps\/web/);
    assert.match(out, /job\.batch\/once/);
    assert.match(out, /cronjob\.batch\/tick/);
  });

  it('labels, annotates, scales, patches and sets images', async () => {
    assert.equal((await c.k(['-n', 'team-a', 'label', 'deploy', 'web', 'tier=frontend'])).trim(), 'deployment.apps/web labeled');
    assert.equal((await c.k(['-n', 'team-a', 'annotate', 'deploy', 'web', 'owner=alice'])).trim(), 'deployment.apps/web annotated');
    assert.equal((await c.k(['-n', 'team-a', 'scale', 'deploy', 'web', '--replicas=4'])).trim(), 'deployment.apps/web scaled');
    assert.equal((await c.k(['-n', 'team-a', 'patch', 'deploy', 'web', '--type=merge', '-p', '{"spec":{"minReadySeconds":5}}'])).trim(), 'deployment.apps/web patched');
    assert.equal((await c.k(['-n', 'team-a', 'patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/revisionHistoryLimit","value":3}]'])).trim(), 'deployment.apps/web patched');
    assert.equal((await c.k(['-n', 'team-a', 'patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}'])).trim(), 'deployment.apps/web patched');
    assert.equal((await c.k(['-n', 'team-a', 'set', 'image', 'deploy/web', 'nginx=nginx:1.28'])).trim(), 'deployment.apps/web image updated');
    const dep = JSON.parse(await c.k(['-n', 'team-a', 'get', 'deploy', 'web', '-o', 'json']));
    // A strategic merge patch without $setElementOrder puts new list elements first, as upstream does.
    assert.equal(dep.metadata.labels.tier, 'frontend');
    assert.equal(dep.metadata.annotations.owner, 'alice');
    assert.equal(dep.spec.replicas, 4);
    assert.equal(dep.spec.minReadySeconds, 5);
    assert.equal(dep.spec.revisionHistoryLimit, 3);
    assert.deepEqual(dep.spec.template.spec.containers.map((x: { name: string; image: string }) => `${x.name}=${x.image}`), ['sidecar=busybox', 'nginx=nginx:1.28']);
    assert.ok(dep.metadata.generation >= 4, `generation ${dep.metadata.generation} bumped by spec changes`);
    const gen = dep.metadata.generation;
    await c.k(['-n', 'team-a', 'label', 'deploy', 'web', 'extra=1']);
    const after1 = JSON.parse(await c.k(['-n', 'team-a', 'get', 'deploy', 'web', '-o', 'json', '--show-managed-fields']));
    assert.equal(after1.metadata.generation, gen, 'metadata-only changes do not bump generation');
    const managers = after1.metadata.managedFields.map((m: { manager: string }) => m.manager);
    for (const m of ['kubectl-create', 'kubectl-label', 'kubectl-patch', 'kubectl-set']) assert.ok(managers.includes(m), `managedFields has ${m}: ${managers}`);
  });

  it('binds a pod to a node through pods/binding, once', async () => {
    await c.k(['-n', 'team-a', 'run', 'solo', '--image=busybox', '--restart=Never', '--', 'sleep', '1']);
    const binding = join(c.home, 'binding.json');
    writeFileSync(binding, JSON.stringify({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'solo' }, target: { kind: 'Node', name: 'node-a' } }));
    await c.k(['create', '--raw', '/api/v1/namespaces/team-a/pods/solo/binding', '-f', binding]);
    const pod = JSON.parse(await c.k(['-n', 'team-a', 'get', 'pod', 'solo', '-o', 'json']));
    assert.equal(pod.spec.nodeName, 'node-a');
    assert.equal(pod.status.conditions.find((x: { type: string }) => x.type === 'PodScheduled')?.status, 'True');
    const again = await c.kubectl(['create', '--raw', '/api/v1/namespaces/team-a/pods/solo/binding', '-f', binding]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(Conflict\).*pod solo is already assigned to node "node-a"/);
  });

  it('edits with a scripted EDITOR', async () => {
    const editor = join(c.home, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/^  a: b$/  a: edited/" "$1"\n');
    chmodSync(editor, 0o755);
    const out = await c.k(['-n', 'team-a', 'edit', 'cm', 'cfg'], { env: { EDITOR: editor } });
    assert.equal(out.trim(), 'configmap/cfg edited');
    assert.equal(await c.k(['-n', 'team-a', 'get', 'cm', 'cfg', '-o', 'jsonpath={.data.a}']), 'edited');
  });

  it('foreground and orphan deletes are finished by the garbage collector, other finalizers are kept', async () => {
    // A finalizer of our own holds both objects, so what the collector leaves behind can be read back.
    for (const n of ['fg', 'orph']) await c.k(['-n', 'team-a', 'create', 'configmap', n]);
    for (const n of ['fg', 'orph']) await c.k(['-n', 'team-a', 'patch', 'cm', n, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold"]}}']);
    const fg = await c.kubectl(['-n', 'team-a', 'delete', 'cm', 'fg', '--cascade=foreground', '--wait=false']);
    assert.equal(fg.code, 0, fg.stderr);
    assert.match(fg.stdout, /configmap "fg" deleted/);
    const or = await c.kubectl(['-n', 'team-a', 'delete', 'cm', 'orph', '--cascade=orphan', '--wait=false']);
    assert.equal(or.code, 0, or.stderr);
    for (const n of ['fg', 'orph']) {
      // Neither has dependents: the collector drops foregroundDeletion/orphan at once, ours stays.
      await waitFor(async () => {
        const o = JSON.parse(await c.k(['-n', 'team-a', 'get', 'cm', n, '-o', 'json']));
        return Boolean(o.metadata.deletionTimestamp) && JSON.stringify(o.metadata.finalizers) === '["example.com/hold"]';
      }, 10_000, `${n} to keep only its own finalizer`);
      await c.k(['-n', 'team-a', 'patch', 'cm', n, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
      const gone = await c.kubectl(['-n', 'team-a', 'get', 'cm', n]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, new RegExp(`Error from server \\(NotFound\\): configmaps "${n}" not found`));
    }
  });


});
