/**
 * The batch/v1 resources, each declared in its own strategy file as upstream's
 * pkg/registry/batch/<resource>, in kube-apiserver's discovery order.
 */
import type { ResourceDef } from '../../resource.js';
import { cronJobResource } from './cronjob.js';
import { jobResource } from './job.js';

/** Every batch/v1 ResourceDef. */
export const batchResources: ResourceDef[] = [cronJobResource, jobResource];

export { jobLabels, generateSelector, jobStatusCell } from './job.js';
export { parseCronSchedule, nextActivation, scheduleError, loadLocationError, CronParseError } from './cron.js';
export type { CronSchedule } from './cron.js';
