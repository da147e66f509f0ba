import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addQ, formatQ, parseQ, subtractNonNegative, parseList, listToJson, sameList } from './quantity.js';

const fmt = (s: string): string => formatQ(parseQ(s)!);
const sum = (a: string, b: string): string => formatQ(addQ(parseQ(a)!, parseQ(b)!));

test('decimal quantities print in canonical form with the largest whole suffix', () => {
  assert.equal(fmt('1000m'), '1');
  assert.equal(fmt('1.5'), '1500m');
  assert.equal(fmt('2000'), '2k');
  assert.equal(fmt('1500'), '1500');
  assert.equal(fmt('0.1'), '100m');
  assert.equal(fmt('0'), '0');
  assert.equal(fmt('1G'), '1G');
});

test('binary quantities keep powers of 1024 and fall back to decimal below 1Ki', () => {
  assert.equal(fmt('1024Mi'), '1Gi');
  assert.equal(fmt('1.5Gi'), '1536Mi');
  assert.equal(fmt('0.5Ki'), '512');
  assert.equal(fmt('1Ki'), '1Ki');
});

test('sums take the format of the first non-zero operand, as Quantity.Add does', () => {
  assert.equal(sum('500m', '500m'), '1');
  assert.equal(sum('64Mi', '64Mi'), '128Mi');
  assert.equal(sum('0', '64Mi'), '64Mi');
  assert.equal(sum('1', '250m'), '1250m');
});

test('malformed quantities do not parse', () => {
  assert.equal(parseQ('1.2.3'), undefined);
  assert.equal(parseQ('abc'), undefined);
  assert.equal(parseQ(''), undefined);
  assert.equal(parseQ(' 1'), undefined);
});

test('exponent quantities parse exactly', () => {
  assert.equal(parseQ('1e3')!.nano, 1000n * 1_000_000_000n);
  assert.equal(parseQ('12E-3')!.nano, 12_000_000n);
});

test('non-negative subtraction clamps at zero and keeps only the first list keys', () => {
  const out = subtractNonNegative(parseList({ cpu: '1', memory: '1Gi' }), parseList({ cpu: '2', pods: '1' }));
  assert.deepEqual(listToJson(out), { cpu: '0', memory: '1Gi' });
});

test('lists compare by value, not by spelling', () => {
  assert.ok(sameList({ cpu: '1000m' }, { cpu: '1' }));
  assert.ok(!sameList({ cpu: '1' }, { cpu: '1', pods: '0' }));
});
