/** metrics.k8s.io (what metrics-server serves, for `kubectl top` and the HPA). */
export * from './source.js';
export * from './quantity.js';
export * from './resources.js';
export * from './agent.js';
export * from './fake.js';
