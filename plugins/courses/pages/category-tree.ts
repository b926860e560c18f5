// The category tree as the category pages show it: nested nodes for the list, and the same order
// flattened, with each name indented by its depth, for the parent choosers. Categories are few, so the
// tree is read whole (up to a cap, said on the page when reached). A category's own parent chooser
// leaves out the category and everything under it: none of them can become its parent.
import type { Knex } from 'lectern';

export const TREE_LIMIT = 1000;

export interface CategoryNode { id: string; name: string; children: CategoryNode[] }
export interface CategoryOption { id: string; label: string }

/** `movable`: the category being moved, left out of the options with its whole subtree. */
export async function categoryTree(db: Knex, movable?: string): Promise<{ roots: CategoryNode[]; options: CategoryOption[]; truncated: boolean }> {
  const rows: { id: number; name: string; parent_id: number | null }[] = await db('courses_categories')
    .orderByRaw('lower(name), id').limit(TREE_LIMIT + 1).select('id', 'name', 'parent_id');
  const shown = rows.slice(0, TREE_LIMIT);
  const nodes = new Map(shown.map((r) => [String(r.id), { id: String(r.id), name: r.name, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  for (const r of shown) {
    const node = nodes.get(String(r.id)) as CategoryNode;
    const parent = r.parent_id === null ? undefined : nodes.get(String(r.parent_id));
    (parent ? parent.children : roots).push(node);
  }
  const options: CategoryOption[] = [];
  const walk = (list: CategoryNode[], depth: number) => {
    for (const n of list) {
      if (n.id === movable) continue;
      options.push({ id: n.id, label: `${'— '.repeat(depth)}${n.name}` });
      walk(n.children, depth + 1);
    }
  };
  walk(roots, 0);
  return { roots, options, truncated: rows.length > TREE_LIMIT };
}
