// Does a file's content match the media type it was uploaded as? The first bytes of most binary formats
// are fixed ("magic numbers"); a file declared as one type must start with its signature, and a file
// declared as text must not start with any known binary signature nor hold a NUL byte. A type without
// a known signature and not text is accepted on its declaration alone (only types the settings allow
// are ever accepted at all).

/** Bytes at an offset; `null` matches any byte. */
type Signature = { offset?: number; bytes: (number | null)[] };
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const ZIP: Signature[] = [{ bytes: [0x50, 0x4b, 0x03, 0x04] }, { bytes: [0x50, 0x4b, 0x05, 0x06] }];
const SIGNATURES: Record<string, Signature[]> = {
  'application/pdf': [{ bytes: ascii('%PDF-') }],
  'image/png': [{ bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }],
  'image/jpeg': [{ bytes: [0xff, 0xd8, 0xff] }],
  'image/gif': [{ bytes: ascii('GIF87a') }, { bytes: ascii('GIF89a') }],
  'image/webp': [{ bytes: [...ascii('RIFF'), null, null, null, null, ...ascii('WEBP')] }],
  'video/mp4': [{ offset: 4, bytes: ascii('ftyp') }],
  'video/webm': [{ bytes: [0x1a, 0x45, 0xdf, 0xa3] }],
  'audio/mpeg': [{ bytes: ascii('ID3') }, { bytes: [0xff, 0xfb] }, { bytes: [0xff, 0xf3] }, { bytes: [0xff, 0xf2] }],
  'audio/ogg': [{ bytes: ascii('OggS') }],
  'application/zip': ZIP,
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ZIP,
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ZIP,
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ZIP,
};
const ALL_SIGNATURES = Object.values(SIGNATURES).flat();

/** How many leading bytes `matchesType` needs to see. */
export const SNIFF_BYTES = 4096;

const matches = (head: Buffer, s: Signature) =>
  head.length >= (s.offset ?? 0) + s.bytes.length && s.bytes.every((b, i) => b === null || head[(s.offset ?? 0) + i] === b);

/** Whether the first bytes of a file fit its declared media type (see the header). */
export function matchesType(mediaType: string, head: Buffer): boolean {
  const known = SIGNATURES[mediaType];
  if (known) return known.some((s) => matches(head, s));
  if (mediaType.startsWith('text/')) return !head.includes(0) && !ALL_SIGNATURES.some((s) => matches(head, s));
  return true;
}

/** Types a browser may show in place; every other file is sent as an attachment. */
export const isInline = (mediaType: string) => /^(video|audio)\//.test(mediaType) || /^image\/(png|jpeg|gif|webp)$/.test(mediaType) || mediaType === 'application/pdf';
