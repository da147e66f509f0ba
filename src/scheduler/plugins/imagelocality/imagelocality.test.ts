import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newPodInfo } from '../../podinfo.js';
import { makeNode, makePod } from '../../testing.js';
import { ImageLocality } from './index.js';
import { SchedulerCache } from '../../cache.js';


test('ImageLocality scores a node holding a large image above one without it', () => {
  const cache = new SchedulerCache();
  const big = makeNode('with', { images: [{ names: ['app:v1'], sizeBytes: 500 * 1024 * 1024 }] });
  cache.upsertNode(big);
  cache.upsertNode(makeNode('without'));
  const il = new ImageLocality(cache);
  const p = newPodInfo(makePod('p', { image: 'app:v1' }));
  const withScore = il.score(p, cache.nodeInfo('with')!);
  assert.ok(withScore > 0 && withScore < 100, `score ${withScore}`);
  assert.equal(il.score(p, cache.nodeInfo('without')!), 0);
});

test('ImageLocality treats an untagged image as :latest', () => {
  const cache = new SchedulerCache();
  cache.upsertNode(makeNode('n', { images: [{ names: ['docker.io/app:latest'], sizeBytes: 900 * 1024 * 1024 }] }));
  const p = newPodInfo(makePod('p', { image: 'docker.io/app' }));
  assert.ok(new ImageLocality(cache).score(p, cache.nodeInfo('n')!) > 0);
});
