import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { NodePorts } from './index.js';


test('NodePorts rejects a node whose host port is taken, and 0.0.0.0 conflicts with a specific IP', () => {
  const node = new NodeInfo(makeNode('n'), [makePod('old', { hostPort: 8080, nodeName: 'n' })]);
  const s = new NodePorts().filter(newPodInfo(makePod('p', { hostPort: 8080 })), node);
  assert.deepEqual(s?.reasons, ["node(s) didn't have free ports for the requested pod ports"]);
  assert.equal(new NodePorts().filter(newPodInfo(makePod('q', { hostPort: 9090 })), node), null);
  const specific = makePod('r');
  specific.spec!.containers[0]!.ports = [{ containerPort: 80, hostPort: 8080, hostIP: '10.0.0.1' }];
  assert.notEqual(new NodePorts().filter(newPodInfo(specific), node), null);
});
