// Markdown to HTML that is safe to show anyone: marked renders it (raw HTML included, as authors
// expect), then sanitize-html keeps only a fixed set of tags, attributes and URL schemes. Scripts,
// event handlers, styles, iframes and javascript:/data: URLs never survive; links open safely.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const marked = new Marked({ gfm: true, async: false });

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's', 'sup', 'sub',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption', 'figure', 'figcaption',
    'abbr', 'kbd', 'mark', 'details', 'summary', 'input',
  ],
  allowedAttributes: {
    a: ['href', 'title'], img: ['src', 'alt', 'title', 'width', 'height'], th: ['align', 'scope'], td: ['align'],
    ol: ['start'], abbr: ['title'], code: ['class'], input: ['type', 'checked', 'disabled'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  allowedClasses: { code: [/^language-[a-z0-9-]+$/] },
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
    // Only GFM's task list boxes, never a live form control.
    input: (_tag, attribs) => (attribs.type === 'checkbox'
      ? { tagName: 'input', attribs: { type: 'checkbox', disabled: '', ...(attribs.checked !== undefined ? { checked: '' } : {}) } }
      : { tagName: 'span', attribs: {} }),
  },
  disallowedTagsMode: 'discard',
};
SANITIZE.allowedAttributes = { ...SANITIZE.allowedAttributes, a: ['href', 'title', 'rel'] };

export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string, SANITIZE);
}
