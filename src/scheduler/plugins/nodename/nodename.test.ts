import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NodeInfo } from '../../nodeinfo.js';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { NodeName } from './index.js';

const ni = (...a: Parameters<typeof makeNode>) => new NodeInfo(makeNode(...a));

test('NodeName rejects every node but the named one', () => {
  const p = newPodInfo(makePod('p', { nodeName: 'a' }));
  assert.equal(new NodeName().filter(p, ni('a')), null);
  assert.deepEqual(new NodeName().filter(p, ni('b'))?.reasons, ["node(s) didn't match the requested node name"]);
});
