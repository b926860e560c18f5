// Published versions never change, so their rendered HTML is kept in memory (by their Markdown) and
// learners opening the same page do not run Markdown and the sanitizer every time.
import { renderMarkdown } from './markdown';
import type { VersionRow } from './rows';

const MAX_ENTRIES = 2_000;
const cache = new Map<string, string>();

export function renderedHtml(v: VersionRow): string {
  const key = v.body ?? '';
  let html = cache.get(key);
  if (html === undefined) {
    html = renderMarkdown(key);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(key, html);
  }
  return html;
}
