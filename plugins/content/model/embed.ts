// Videos on the common hosts, shown in their privacy-friendly embedded players when the settings allow:
// YouTube (youtube-nocookie.com) and Vimeo. Any other URL stays a plain link.
const YOUTUBE = /^https:\/\/(?:www\.|m\.)?(?:youtube\.com\/watch\?(?:.*&)?v=|youtu\.be\/|youtube\.com\/embed\/)([A-Za-z0-9_-]{11})(?:[&?#].*)?$/;
const VIMEO = /^https:\/\/(?:www\.)?vimeo\.com\/([0-9]{1,12})(?:[?#].*)?$/;

/** The hosts whose players a page with an embed lets in (its Content-Security-Policy frame-src). */
export const EMBED_ORIGINS = ['https://www.youtube-nocookie.com', 'https://player.vimeo.com'];

export function embedUrl(url: string): string | null {
  const youtube = YOUTUBE.exec(url);
  if (youtube) return `https://www.youtube-nocookie.com/embed/${youtube[1]}`;
  const vimeo = VIMEO.exec(url);
  if (vimeo) return `https://player.vimeo.com/video/${vimeo[1]}`;
  return null;
}
