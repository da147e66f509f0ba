import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidQuantity, parseQuantity } from './quantity.js';

test('decimal SI suffixes scale by powers of ten', () => {
  assert.equal(parseQuantity('100m'), 0.1);
  assert.equal(parseQuantity('1k'), 1000);
  assert.equal(parseQuantity('2M'), 2e6);
  assert.equal(parseQuantity('1G'), 1e9);
  assert.equal(parseQuantity('500u'), 0.0005);
});

test('binary SI suffixes scale by powers of two', () => {
  assert.equal(parseQuantity('1Ki'), 1024);
  assert.equal(parseQuantity('128Mi'), 128 * 1024 * 1024);
  assert.equal(parseQuantity('1Gi'), 1073741824);
});

test('exponents, fractions, signs and plain numbers parse', () => {
  assert.equal(parseQuantity('1e3'), 1000);
  assert.equal(parseQuantity('1E-3'), 0.001);
  assert.equal(parseQuantity('0.5'), 0.5);
  assert.equal(parseQuantity('.5'), 0.5);
  assert.equal(parseQuantity('-1'), -1);
  assert.equal(parseQuantity(2), 2);
});

test('malformed quantities are rejected', () => {
  for (const s of ['', 'abc', '1 Gi', '1gi', '1KiB', '1.2.3', ' 1']) {
    assert.equal(parseQuantity(s), undefined, s);
    assert.equal(isValidQuantity(s), false, s);
  }
  assert.equal(isValidQuantity('250m'), true);
});
