// Items place content that another plugin owns. The content is found through the `contentSources`
// extension point by the type prefix of its id (`<type>:<id>`), so courses depend on no content plugin.
import { badRequest, type PluginContext } from 'lectern';
import { contentSources, type ContentInfo } from '../api';

export const CONTENT_ID_PATTERN = '^[a-z][a-z0-9-]{0,39}:[^\\s:][^\\s]{0,199}$';

/** The published content behind `contentId`; a 400 naming `field` when it is unknown or not published. */
export async function publishedContent(ctx: PluginContext, contentId: string, field: string): Promise<ContentInfo> {
  const at = contentId.indexOf(':');
  const type = contentId.slice(0, at);
  const id = contentId.slice(at + 1);
  const source = ctx.extensions(contentSources).find((s) => s.type === type);
  if (!source) throw badRequest(`no installed plugin provides content of type "${type}"`, [{ path: field, message: `has an unknown content type "${type}"` }]);
  const found = (await source.lookup([id], ctx)).get(id);
  if (!found) throw badRequest(`content ${contentId} does not exist`, [{ path: field, message: 'is not known content' }]);
  if (!found.published) throw badRequest(`content ${contentId} is not published`, [{ path: field, message: 'is not published' }]);
  return found;
}
