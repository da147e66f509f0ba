import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../object.js';
import { formatFieldError } from '../../field.js';
import type { ResourceDef } from '../../resource.js';
import { ingressResource } from './ingress.js';
import { ingressClassResource } from './ingressclass.js';
import { networkPolicyResource } from './networkpolicy.js';

function make(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject {
  return { metadata: { name: 'x', namespace: 'default', creationTimestamp: new Date().toISOString() }, spec, ...extra };
}
const msgs = (def: ResourceDef, o: KubeObject): string[] => (def.strategy.validate?.(o) ?? []).map((e) => formatFieldError(e));
const backend = { service: { name: 'web', port: { number: 80 } } };

test('policyTypes default to Ingress, plus Egress when egress rules exist, and ports to TCP', () => {
  const a = make({ podSelector: {} });
  networkPolicyResource.strategy.default?.(a);
  assert.deepEqual((a.spec as { policyTypes: string[] }).policyTypes, ['Ingress']);
  const b = make({ podSelector: {}, egress: [{ ports: [{ port: 53 }] }] });
  networkPolicyResource.strategy.default?.(b);
  assert.deepEqual(b.spec, { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
});

test('an ipBlock except must be a strict subset of its cidr', () => {
  const o = make({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.1.0/24'] } }] }], policyTypes: ['Ingress'] });
  assert.deepEqual(msgs(networkPolicyResource, o), ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`']);
});

test('a peer must name something and ipBlock stands alone', () => {
  const o = make({ podSelector: {}, ingress: [{ from: [{}, { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }], policyTypes: ['Ingress'] });
  assert.deepEqual(msgs(networkPolicyResource, o), [
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
  ]);
});

test('the network policy table shows its pod selector', () => {
  const o = make({ podSelector: { matchLabels: { app: 'web' } } });
  assert.deepEqual(networkPolicyResource.strategy.row?.(o).slice(0, 2), ['x', 'app=web']);
  assert.deepEqual(networkPolicyResource.shortNames, ['netpol']);
});

test('an ingress path needs a pathType', () => {
  const o = make({ rules: [{ host: 'a.example.com', http: { paths: [{ path: '/', backend }] } }] });
  assert.deepEqual(msgs(ingressResource, o), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']);
});

test('Prefix paths must be absolute and normalised', () => {
  const o = make({ rules: [{ http: { paths: [{ path: 'api//v1', pathType: 'Prefix', backend }] } }] });
  assert.deepEqual(msgs(ingressResource, o), [
    'spec.rules[0].http.paths[0].path: Invalid value: "api//v1": must be an absolute path',
    "spec.rules[0].http.paths[0].path: Invalid value: \"api//v1\": must not contain '//'",
  ]);
});

test('an ingress needs rules or a default backend, and hosts may not be IPs', () => {
  assert.deepEqual(msgs(ingressResource, make({})), ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']);
  const o = make({ rules: [{ host: '10.0.0.1' }] });
  assert.deepEqual(msgs(ingressResource, o), ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']);
});

test('a service backend needs a port name or number', () => {
  const o = make({ defaultBackend: { service: { name: 'web', port: {} } } });
  assert.deepEqual(msgs(ingressResource, o), ['spec.defaultBackend: Required value: port name or number is required']);
});

test('the ingress table shows class, hosts, address and ports', () => {
  const o = make({ ingressClassName: 'nginx', rules: [{ host: 'a.example.com' }, { host: 'b.example.com' }], tls: [{ hosts: ['a.example.com'] }] }, { status: { loadBalancer: { ingress: [{ ip: '10.0.0.9' }] } } });
  assert.deepEqual(ingressResource.strategy.row?.(o).slice(0, 5), ['x', 'nginx', 'a.example.com,b.example.com', '10.0.0.9', '80, 443']);
  const bare = make({ defaultBackend: backend });
  assert.deepEqual(ingressResource.strategy.row?.(bare).slice(0, 5), ['x', '<none>', '*', '', '80']);
});

test('an IngressClass controller is a domain-prefixed path and parameters scope defaults to Cluster', () => {
  assert.deepEqual(msgs(ingressClassResource, make({ controller: 'nginx' })), ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']);
  const o = make({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } });
  ingressClassResource.strategy.default?.(o);
  assert.equal((o.spec as { parameters: { scope: string } }).parameters.scope, 'Cluster');
  assert.deepEqual(msgs(ingressClassResource, o), []);
  assert.deepEqual(ingressClassResource.strategy.row?.(o).slice(0, 3), ['x', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p']);
});

test('the IngressClass controller is immutable', () => {
  const errs = ingressClassResource.strategy.validateUpdate?.(make({ controller: 'a.io/b' }), make({ controller: 'a.io/c' })) ?? [];
  assert.deepEqual(errs.map((e) => formatFieldError(e)), ['spec.controller: Invalid value: "a.io/b": field is immutable']);
});
