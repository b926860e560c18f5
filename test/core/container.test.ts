// Isolation by construction: a plugin resolves core services, its own, and what a plugin it
// depends on exports — nothing else. Extension points collect contributions, read-only after start.
import { expect } from 'chai';
import {
  CoreServices, contribute, createTestApp, defineExtensionPoint, definePlugin, defineService, type PluginContext,
} from 'lectern';

interface Catalog { titles(): string[] }
const CatalogService = defineService<Catalog>('catalog.service');
const Internal = defineService<{ secret: string }>('catalog.internal');
const itemTypes = defineExtensionPoint<{ type: string; label: string }>('catalog.itemTypes');

let seen: { types: readonly { type: string }[]; frozen: boolean } | undefined;
const catalog = definePlugin({
  name: 'catalog', version: '1.0.0', core: '^1.0.0',
  extensionPoints: [itemTypes],
  exports: [CatalogService],
  register(c) {
    c.bind(Internal, () => ({ secret: 'only mine' }));
    c.bind(CatalogService, (ctx) => ({ titles: () => [`from ${ctx.plugin}`, ctx.resolve(Internal).secret] }));
  },
  async start(ctx) {
    const types = ctx.extensions(itemTypes);
    seen = { types, frozen: Object.isFrozen(types) };
  },
});
let fromDependent: PluginContext | undefined;
const reader = definePlugin({
  name: 'reader', version: '1.0.0', core: '^1.0.0', dependsOn: ['catalog'],
  contributes: [contribute(itemTypes, { type: 'quiz', label: 'Quiz' })],
  async start(ctx) { fromDependent = ctx; },
});
let fromStranger: PluginContext | undefined;
const stranger = definePlugin({
  name: 'stranger', version: '1.0.0', core: '^1.0.0',
  async start(ctx) { fromStranger = ctx; },
});

describe('dependency injection and extension points', () => {
  it('resolves exported services only for dependents, and core services for everyone', async () => {
    const t = await createTestApp({ plugins: [catalog, reader, stranger] });
    try {
      const dependent = fromDependent as PluginContext;
      const outsider = fromStranger as PluginContext;
      expect(dependent.resolve(CatalogService).titles()).to.deep.equal(['from catalog', 'only mine']);
      expect(dependent.resolve(CatalogService)).to.equal(dependent.resolve(CatalogService));
      expect(() => dependent.resolve(Internal)).to.throw('plugin "reader" cannot use service "catalog.internal": it is not a core service, not its own, and not exported by a plugin it dependsOn');
      expect(() => outsider.resolve(CatalogService)).to.throw('plugin "stranger" cannot use service "catalog.service"');
      expect(outsider.resolve(CoreServices.permissions)).to.equal(t.app.permissions);
      expect(seen).to.deep.equal({ types: [{ type: 'quiz', label: 'Quiz' }], frozen: true });
    } finally {
      await t.close();
    }
  });
});
