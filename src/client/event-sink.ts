/**
 * The EventSink of the event recorder over the REST client: core/v1 Events are created, and
 * repeats are merge-patched (count, lastTimestamp, message), as client-go's EventSinkImpl does.
 */
import type { KubeObject } from '../api/object.js';
import type { EventSink } from './events.js';
import type { RestClient } from './rest.js';

/** Writes recorder output to /api/v1/namespaces/<ns>/events. */
export class RestEventSink implements EventSink {
  constructor(private readonly client: RestClient) {}

  async create(namespace: string, event: KubeObject): Promise<void> {
    await this.client.create({ group: '', version: 'v1', resource: 'events', namespace }, event);
  }

  async patch(namespace: string, name: string, patch: { count: number; lastTimestamp: string; message: string }): Promise<void> {
    await this.client.patch({ group: '', version: 'v1', resource: 'events', namespace, name }, 'merge', patch);
  }
}
