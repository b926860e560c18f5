// The starter guides and FAQs shipped in guides/*.md (a small front matter, then Markdown), created at
// start when never created before: an administrator's edit or deletion of one is kept, and a guide added
// by a later version of the plugin appears at its first start. Safe on several instances starting at once.
import fs from 'node:fs';
import path from 'node:path';
import type { PluginContext } from 'lectern';
import { ARTICLES, STARTERS } from './model';
import { helpChanged } from './page-index';
import { SLUG_PATTERN, type Kind } from './schemas';

export const GUIDES_DIR = path.join(__dirname, '..', 'guides');

export interface StarterGuide {
  slug: string; title: string; kind: Kind; category: string; tags: string[]; roles: string[]; pages: string[]; body: string;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((v) => v.trim()).filter(Boolean);

/** One guide file: `---`, `key: value` lines (lists comma-separated), `---`, then the Markdown body. */
export function parseGuide(file: string, text: string): StarterGuide {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(text.replace(/\r\n/g, '\n'));
  if (!match) throw new Error(`${file}: a starter guide starts with a front matter between --- lines`);
  const meta = new Map(match[1].split('\n').filter((l) => l.trim()).map((l) => {
    const at = l.indexOf(':');
    return [l.slice(0, at).trim(), l.slice(at + 1).trim()] as const;
  }));
  const kind = meta.get('kind');
  const guide = {
    slug: meta.get('slug') ?? '', title: meta.get('title') ?? '', kind: kind === 'faq' ? 'faq' as const : 'guide' as const,
    category: meta.get('category') ?? '', tags: list(meta.get('tags')), roles: list(meta.get('roles')), pages: list(meta.get('pages')), body: match[2].trim(),
  };
  if (!new RegExp(SLUG_PATTERN).test(guide.slug) || !guide.title || !guide.body || (kind !== 'faq' && kind !== 'guide')) {
    throw new Error(`${file}: a starter guide needs a slug, a title, a kind (guide or faq) and a body`);
  }
  return guide;
}

export function starterGuides(dir = GUIDES_DIR): StarterGuide[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => parseGuide(f, fs.readFileSync(path.join(dir, f), 'utf8')));
}

/** Creates the starter guides never created before; returns how many it created. */
export async function createStarterGuides(ctx: PluginContext): Promise<number> {
  const guides = starterGuides();
  return ctx.transaction(async (tx) => {
    const done = new Set<string>(await tx.db(STARTERS).pluck('slug'));
    const missing = guides.filter((g) => !done.has(g.slug));
    if (!missing.length) return 0;
    const now = ctx.now();
    const claimed: { slug: string }[] = await tx.db(STARTERS).insert(missing.map((g) => ({ slug: g.slug, created_at: now })))
      .onConflict('slug').ignore().returning('slug');
    const mine = new Set(claimed.map((c) => c.slug));
    const rows = missing.filter((g) => mine.has(g.slug)).map((g) => ({
      kind: g.kind, slug: g.slug, title: g.title, body: g.body, category: g.category, tags: JSON.stringify(g.tags),
      roles: JSON.stringify(g.roles), pages: JSON.stringify(g.pages), published: true, author_id: null, created_at: now, updated_at: now,
    }));
    // An article an administrator already wrote under the same slug is kept.
    if (rows.length) await tx.db(ARTICLES).insert(rows).onConflict('slug').ignore();
    await helpChanged(tx);
    return rows.length;
  });
}
