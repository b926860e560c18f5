// The content plugin's public surface (`lectern/content`), for plugins that list 'content' in
// dependsOn: its permissions, the events when content is published or opened, and the library service.
import { defineEvent, defineService } from 'lectern';

export { contentPermissions } from './permissions';

export type ContentType = 'page' | 'file' | 'video' | 'link';
export type ContentStatus = 'draft' | 'in_review' | 'published';

/** A version was approved: learners see it from now on. */
export const contentPublished = defineEvent<{ contentId: string; version: number; approvedBy: string; publishedAt: string }>('content.published');
/** A learner opened a course item's content (once per item, learner and day). */
export const contentViewed = defineEvent<{
  contentId: string; version: number; courseId: string; itemId: string; userId: string; viewedAt: string;
}>('content.viewed');

export const contentEvents = [contentPublished, contentViewed];

/** Published content as other plugins see it. */
export interface PublishedContent { id: string; type: ContentType; title: string; version: number; publishedAt: string | null }

export interface ContentLibrary {
  /** The published version of each id; unknown or never published ids are absent. */
  published(ids: string[]): Promise<Map<string, PublishedContent>>;
}

/** Resolve with `ctx.resolve(ContentLibraryRef)` after listing 'content' in dependsOn. */
export const ContentLibraryRef = defineService<ContentLibrary>('content.library');
