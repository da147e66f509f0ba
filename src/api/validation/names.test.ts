import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCIdentifier, isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIP, isValidLabelValue, isValidPortName } from './names.js';

test('a valid subdomain has no errors', () => {
  assert.deepEqual(isDNS1123Subdomain('example.com'), []);
});

test('an upper-case subdomain gets upstream\'s exact message', () => {
  assert.deepEqual(isDNS1123Subdomain('Foo'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
});

test('a 254-character subdomain is too long', () => {
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('a label keeps upstream\'s double space between examples', () => {
  assert.deepEqual(isDNS1123Label('my_name'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('a subdomain that is not a label fails only for its dots', () => {
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
});

test('a DNS-1035 label must start with a letter', () => {
  assert.equal(isDNS1035Label('1abc').length, 1);
  assert.match(isDNS1035Label('1abc')[0] ?? '', /^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
  assert.deepEqual(isDNS1035Label('abc-1'), []);
});

test('qualified names check the prefix and the name part separately', () => {
  assert.deepEqual(isQualifiedName('example.com/MyName'), []);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('x/'), [
    'name part must be non-empty',
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
  ]);
  assert.equal(isQualifiedName('a/b/c').length, 1);
  assert.match(isQualifiedName('a/b/c')[0] ?? '', /with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
});

test('label values may be empty but not end with a dash', () => {
  assert.deepEqual(isValidLabelValue(''), []);
  assert.equal(isValidLabelValue('bad-').length, 1);
  assert.deepEqual(isValidLabelValue('x'.repeat(64)).slice(0, 1), ['must be no more than 63 characters']);
});

test('port names follow IANA service-name rules', () => {
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(isValidPortName('-ab'), ['must not begin or end with a hyphen']);
  assert.deepEqual(isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']);
});

test('C identifiers, IPs and config keys', () => {
  assert.deepEqual(isCIdentifier('_ok1'), []);
  assert.equal(isCIdentifier('1no').length, 1);
  assert.deepEqual(isValidIP('10.0.0.1'), []);
  assert.deepEqual(isValidIP('2001:db8::1'), []);
  assert.deepEqual(isValidIP('10.0.0'), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
  assert.match(isConfigMapKey('a b')[0] ?? '', /^a valid config key must consist of alphanumeric characters, '-', '_' or '.'/);
});
