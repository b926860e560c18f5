// Typed, after-the-fact notifications. Subscribers run after the emitting transaction commits; a
// failing subscriber is logged and never fails the emitter. Durable reactions should enqueue a job.
import type { Logger } from 'pino';
import type { EventRef, PluginContext, Subscription } from './plugin';

interface Handler { plugin: string; handler: Subscription['handler'] }

export class EventBus {
  private readonly handlers = new Map<string, Handler[]>();

  constructor(
    private readonly log: Logger,
    private readonly contextOf: (plugin: string) => PluginContext,
    private readonly isEnabled: (plugin: string) => boolean,
  ) {}

  subscribe(plugin: string, sub: Subscription): void {
    this.handlers.set(sub.event.name, [...(this.handlers.get(sub.event.name) ?? []), { plugin, handler: sub.handler }]);
  }

  async emit<P>(event: EventRef<P>, payload: P): Promise<void> {
    for (const { plugin, handler } of this.handlers.get(event.name) ?? []) {
      if (!this.isEnabled(plugin)) continue;
      try {
        await handler(payload, this.contextOf(plugin));
      } catch (err) {
        this.log.error({ err, event: event.name, plugin }, 'event subscriber failed');
      }
    }
  }
}
