// A policy's Markdown as HTML that is safe to show anyone (as the content plugin renders pages): marked
// renders it, then sanitize-html keeps a fixed set of tags, attributes and URL schemes; links open safely.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'sup', 'sub',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption', 'abbr',
  ],
  allowedAttributes: { a: ['href', 'title', 'rel'], th: ['align', 'scope'], td: ['align'], ol: ['start'], abbr: ['title'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }) },
  disallowedTagsMode: 'discard',
};

export function renderPolicy(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, SANITIZE);
}
