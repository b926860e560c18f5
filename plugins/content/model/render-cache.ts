// Published versions never change, so their rendered HTML is kept in memory (by their Markdown) and
// learners opening the same page do not run Markdown and the sanitizer every time.
import { renderMarkdown } from './markdown';

const MAX_ENTRIES = 2_000;
const cache = new Map<string, string>();

export function renderedHtml(markdown: string): string {
  let html = cache.get(markdown);
  if (html === undefined) {
    html = renderMarkdown(markdown);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(markdown, html);
  }
  return html;
}
