// Dependency injection with tsyringe, scoped by construction: a root container for core services,
// one child per plugin holding its own services plus delegates to exactly the services its
// dependencies export. Services are registered under their names (stable across separately built packages) with factories, never decorator metadata.
import 'reflect-metadata';
import { container as globalContainer, instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { PluginContext, ServiceRef } from './plugin';
import type { Plugin } from './manifest';

export class Containers {
  readonly root: DependencyContainer = globalContainer.createChildContainer();
  private readonly plugins = new Map<string, DependencyContainer>();
  private readonly perPlugin: { service: ServiceRef<unknown>; make: (plugin: string) => unknown }[] = [];

  provide<T>(service: ServiceRef<T>, value: T): void {
    this.root.registerInstance(service.name, value);
  }

  /** A core service each plugin gets its own instance of (storage under its own directory); before `create`. */
  providePerPlugin<T>(service: ServiceRef<T>, make: (plugin: string) => T): void {
    this.perPlugin.push({ service, make });
  }

  /** Creates the plugin's container, runs its `register` and links the services its dependencies export. */
  create(plugin: Plugin, ctx: PluginContext, byName: Map<string, Plugin>): void {
    const child = this.root.createChildContainer();
    for (const { service, make } of this.perPlugin) {
      child.register(service.name, { useFactory: instanceCachingFactory(() => make(plugin.name)) });
    }
    const own = new Set<string>();
    plugin.register?.({
      bind: (service, factory) => {
        own.add(service.name);
        child.register(service.name, { useFactory: instanceCachingFactory(() => factory(ctx)) });
      },
    });
    for (const exported of plugin.exports ?? []) {
      if (!own.has(exported.name)) throw new Error(`plugin "${plugin.name}" exports "${exported.name}" but does not bind it in register()`);
    }
    for (const dep of plugin.dependsOn ?? []) {
      const owner = this.plugins.get(dep) as DependencyContainer;
      for (const exported of byName.get(dep)?.exports ?? []) {
        child.register(exported.name, { useFactory: () => owner.resolve(exported.name) });
      }
    }
    this.plugins.set(plugin.name, child);
  }

  resolve<T>(plugin: string, service: ServiceRef<T>): T {
    const c = this.plugins.get(plugin) ?? this.root;
    if (!c.isRegistered(service.name, true)) {
      throw new Error(`plugin "${plugin}" cannot use service "${service.name}": it is not a core service, not its own, and not exported by a plugin it dependsOn`);
    }
    return c.resolve<T>(service.name);
  }
}
