// Typed, after-the-fact notifications, with two kinds of subscriber. In-process subscribers run in the
// emitting process after the commit; a failure is logged and never fails the emitter, and they may be
// lost (a crash, a disabled plugin): for dropping caches. Durable subscribers get a delivery written in
// the emitter's transaction, run as a job of the subscribing plugin: at least once, retried, held while
// that plugin is disabled.
import type { Logger } from 'pino';
import { Type } from '@sinclair/typebox';
import { defineJob, type EventRef, type JobRef, type PluginContext, type Subscription } from './plugin';

interface InProcess { plugin: string; handler: Subscription['handler'] }

export class EventBus {
  private readonly inProcess = new Map<string, InProcess[]>();
  private readonly durable = new Map<string, JobRef[]>();

  constructor(
    private readonly log: Logger,
    private readonly contextOf: (plugin: string) => PluginContext,
    private readonly isEnabled: (plugin: string) => boolean,
  ) {}

  /** Adds a subscriber; a durable one returns the job that delivers to it (register it with the plugin's jobs). */
  subscribe(plugin: string, sub: Subscription): JobRef | undefined {
    const name = sub.event.name;
    if (!sub.durable) {
      this.inProcess.set(name, [...(this.inProcess.get(name) ?? []), { plugin, handler: sub.handler }]);
      return undefined;
    }
    const same = (this.durable.get(name) ?? []).filter((job) => job.name.startsWith(`${plugin}.on.${name}`)).length;
    const job = defineJob({
      name: `${plugin}.on.${name}${same ? `#${same + 1}` : ''}`,
      payload: Type.Unknown(),
      attempts: sub.durable.attempts,
      backoffMs: sub.durable.backoffMs,
      handler: async (payload, ctx) => { await sub.handler(payload, ctx); },
    }) as unknown as JobRef;
    this.durable.set(name, [...(this.durable.get(name) ?? []), job]);
    return job;
  }

  /** The delivery jobs to write for these events, one per durable subscriber each. */
  deliveries(events: readonly (readonly [EventRef<unknown>, unknown])[]): { ref: JobRef; payload: unknown }[] {
    return events.flatMap(([event, payload]) => (this.durable.get(event.name) ?? []).map((ref) => ({ ref, payload })));
  }

  /** Runs the enabled plugins' in-process subscribers of an event that has happened. */
  async notify(event: EventRef<unknown>, payload: unknown): Promise<void> {
    for (const { plugin, handler } of this.inProcess.get(event.name) ?? []) {
      if (!this.isEnabled(plugin)) continue;
      try {
        await handler(payload, this.contextOf(plugin));
      } catch (err) {
        this.log.error({ err, event: event.name, plugin }, 'event subscriber failed');
      }
    }
  }
}
