import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentOptions, agentStartOptions, credentialMode, JOIN_ONE_NODE_MESSAGE, parseNodeLabels, parseTaints } from './agent.js';
import { parseOptions, UsageError } from './options.js';
import { RestClient } from '../client/rest.js';

const client = new RestClient({ server: 'https://127.0.0.1:1', caPem: '', certPem: '', keyPem: '' });
const start = (argv: string[]) => agentStartOptions(parseOptions(agentOptions, argv).options, client, 'CA');

describe('kubeling agent flags', () => {
  it('parses --node-labels as comma-separated key=value pairs, values may contain =', () => {
    assert.deepEqual(parseNodeLabels('team=blue, example.com/x=a=b,'), { team: 'blue', 'example.com/x': 'a=b' });
    assert.deepEqual(parseNodeLabels(''), {});
    assert.throws(() => parseNodeLabels('novalue'), UsageError);
  });

  it('parses --register-with-taints as key=value:Effect or key:Effect like kubelet', () => {
    assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,example.com/maint:NoExecute'), [
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
      { key: 'example.com/maint', effect: 'NoExecute' },
    ]);
    assert.throws(() => parseTaints('a=b:Sometimes'), /effect must be one of/);
    assert.throws(() => parseTaints('a=b'), UsageError);
    assert.throws(() => parseTaints('=b:NoSchedule'), /empty key/);
  });

  it('--simulated --nodes N asks for N prefixed simulated nodes at a disjoint index range', () => {
    const o = start(['--simulated', '--nodes', '3', '--node-name', 'box', '--data-dir', '/tmp/x']);
    assert.equal(o.runtime, 'simulated');
    assert.equal(o.simulatedNodes, 3);
    assert.equal(o.simulatedNamePrefix, 'box-sim');
    assert.equal(o.simulatedIndexOffset, 1000);
    assert.equal(o.logDir, '/tmp/x/pods');
    assert.equal(o.streaming, undefined, 'no serving certificate: no streaming server');
  });

  it('the process runtime gets one node with its pod CIDR, node IP and state under --data-dir', () => {
    const o = start(['--node-name', 'worker-1', '--data-dir', '/tmp/w', '--pod-cidr', '10.250.0.0/24', '--node-ip', '192.0.2.7', '--register-with-taints', 'a=b:NoSchedule']);
    assert.equal(o.runtime, 'process');
    assert.equal(o.nodeName, 'worker-1');
    assert.equal(o.podCIDR, '10.250.0.0/24');
    assert.equal(o.nodeIP, '192.0.2.7');
    assert.deepEqual(o.process, { stateDir: '/tmp/w/state', logDir: '/tmp/w/pods', bridge: 'kubeling0' });
    assert.deepEqual(o.taints, [{ key: 'a', value: 'b', effect: 'NoSchedule' }]);
    assert.equal(o.simulatedNodes, undefined);
  });

  it('rejects --nodes without the simulated runtime, an unknown runtime and a certificate without its key', () => {
    assert.throws(() => start(['--nodes', '2']), /simulated runtime/);
    assert.throws(() => start(['--runtime', 'cri']), /unknown --runtime/);
    assert.throws(() => start(['--tls-cert-file', '/nonexistent']), /go together/);
  });

  it('refuses several simulated nodes joining with a token, pointing to --kubeconfig and the simulated-nodes identity', () => {
    const mode = (argv: string[]) => credentialMode(parseOptions(agentOptions, argv).options);
    const join = ['--server', 'https://cp:6443', '--token', 'abcdef.0123456789abcdef', '--ca-cert', '/ca.crt'];
    for (const sim of [['--simulated'], ['--runtime', 'simulated']]) {
      assert.throws(() => mode([...join, ...sim, '--nodes', '3']), (e) => e instanceof UsageError && e.message === JOIN_ONE_NODE_MESSAGE);
    }
    assert.match(JOIN_ONE_NODE_MESSAGE, /--kubeconfig/);
    assert.match(JOIN_ONE_NODE_MESSAGE, /system:kubeling:simulated-nodes/);
    assert.equal(mode([...join, '--simulated']), 'join');
    assert.equal(mode(['--kubeconfig', '/k', '--simulated', '--nodes', '3']), 'kubeconfig');
    assert.throws(() => mode([]), /--kubeconfig .* or --server, --token and --ca-cert/);
  });

  it('documents the one-node limit of a token join in the --nodes help', () => {
    const help = agentOptions.find((x) => x.name === 'nodes')?.help ?? '';
    assert.match(help, /--kubeconfig/);
    assert.match(help, /system:kubeling:simulated-nodes/);
  });
});
