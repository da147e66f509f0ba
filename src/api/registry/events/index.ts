/** The events.k8s.io group: Event, stored as core/v1 Events. */
import type { ResourceDef } from '../../resource.js';
import { eventsEventResource } from './event.js';

export { eventsEventResource };
export { coreToEvents, eventsToCore } from './conversion.js';
export const eventsResources: ResourceDef[] = [eventsEventResource];
