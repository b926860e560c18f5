// Settings of the content plugin, editable by admins at /api/v1/settings/content.
import { Type, type Static } from 'lectern';

export const contentSettings = Type.Object({
  maxUploadBytes: Type.Integer({ minimum: 1_024, maximum: 10_737_418_240, default: 209_715_200, description: 'Largest file accepted by an upload.' }),
  uploadIdleSeconds: Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'Seconds an upload may send nothing before it is refused (408).' }),
  allowedMediaTypes: Type.Array(Type.String({ pattern: '^[a-z0-9.+-]+/[a-z0-9.+-]+$' }), {
    maxItems: 100,
    default: [
      'application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/ogg',
      'text/plain', 'text/csv', 'application/zip',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    description: 'Media types an upload may have. Their bytes must match the type.',
  }),
  allowEmbeds: Type.Boolean({ default: false, description: 'Show videos from YouTube and Vimeo in an embedded player (else as a link).' }),
  allowSelfApproval: Type.Boolean({ default: false, description: 'Let an approver approve content they submitted themselves.' }),
  videoCompletionPercent: Type.Integer({ minimum: 1, maximum: 100, default: 90, description: 'Share of an uploaded video a learner must watch for it to count as complete, unless the item sets its own.' }),
}, { additionalProperties: false });

export type ContentSettings = Static<typeof contentSettings>;
