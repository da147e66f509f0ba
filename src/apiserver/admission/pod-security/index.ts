/** PodSecurity admission: the plugin, its evaluator and the namespace-label policy parser. */
export { podSecurityAdmission, isSignificantPodUpdate } from './plugin.js';
export type { PodSecurityOptions, AuditAnnotationSink } from './plugin.js';
export { Evaluator, aggregate, forbiddenDetail, forbiddenReason } from './evaluator.js';
export type { AggregateResult } from './evaluator.js';
export { policyToEvaluate, levelVersionString } from './api.js';
export type { Level, LevelVersion, Policy, Version } from './api.js';
