/**
 * The scheduler package's entry points: the in-process Scheduler (no I/O), and startScheduler,
 * which runs it against the API server; plus the explanation resource served for `kubeling explain`.
 */
export { Scheduler, type Decision, type SchedulerOptions } from './scheduler.js';
export { SchedulerCache } from './cache.js';
export { SchedulingQueue } from './queue.js';
export { explain, fitErrorMessage, formatExplanation, type Explanation } from './explain.js';
export type { SchedulerConfiguration } from './profile.js';
export { startScheduler, type RunningScheduler, type SchedulerRunOptions } from './run/runner.js';
export { explanationResource, EXPLANATION_GROUP, EXPLANATION_RESOURCE, type ExplanationLookup } from './run/explain-resource.js';
