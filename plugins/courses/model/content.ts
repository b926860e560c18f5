// Items place content that another plugin owns. The content is found through the `contentSources`
// extension point by the type prefix of its id (`<type>:<id>`), so courses depend on no content plugin.
// A source may also say where learners open its items and offer its published content to editors.
import { badRequest, type PluginContext } from 'lectern';
import { contentSources, type ContentInfo, type ContentSource } from '../api';

export const CONTENT_ID_PATTERN = '^[a-z][a-z0-9-]{0,39}:[^\\s:][^\\s]{0,199}$';

/** The most content the section editor's chooser offers, from all sources together. */
const CHOICES = 200;

const typeOf = (contentId: string) => contentId.slice(0, contentId.indexOf(':'));
const sourceOf = (ctx: PluginContext, type: string): ContentSource | undefined => ctx.extensions(contentSources).find((s) => s.type === type);

/** The published content behind `contentId`; a 400 naming `field` when it is unknown or not published. */
export async function publishedContent(ctx: PluginContext, contentId: string, field: string): Promise<ContentInfo> {
  const type = typeOf(contentId);
  const id = contentId.slice(type.length + 1);
  const source = sourceOf(ctx, type);
  if (!source) throw badRequest(`no installed plugin provides content of type "${type}"`, [{ path: field, message: `has an unknown content type "${type}"` }]);
  const found = (await source.lookup([id], ctx)).get(id);
  if (!found) throw badRequest(`content ${contentId} does not exist`, [{ path: field, message: 'is not known content' }]);
  if (!found.published) throw badRequest(`content ${contentId} is not published`, [{ path: field, message: 'is not published' }]);
  return found;
}

/** Where a learner opens an item, when its content's source says; null when they mark it complete themselves. */
export function viewPath(ctx: PluginContext, item: { courseId: string; id: string; contentId: string }): string | null {
  return sourceOf(ctx, typeOf(item.contentId))?.viewPath?.(item.courseId, item.id) ?? null;
}

export interface ContentChoices { label: string | null; options: { value: string; label: string }[] }

/**
 * Published content an editor may place, for a select: a group per source that offers choices (labelled by
 * its type when there are several; empty groups left out), at most CHOICES options in all; null when no
 * source offers choices.
 */
export async function contentChoices(ctx: PluginContext): Promise<ContentChoices[] | null> {
  const sources = ctx.extensions(contentSources).filter((s) => s.published);
  if (!sources.length) return null;
  const limit = Math.floor(CHOICES / sources.length);
  const groups = await Promise.all(sources.map(async (s) => ({
    label: sources.length > 1 ? s.type : null,
    options: ((await s.published?.(ctx, { limit })) ?? []).slice(0, limit).map((c) => ({ value: `${s.type}:${c.id}`, label: c.title })),
  })));
  return groups.filter((g) => g.options.length);
}
