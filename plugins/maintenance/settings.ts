// Settings of the maintenance plugin, editable by admins at /api/v1/settings/maintenance (and its page).
import { Type, type Static } from 'lectern';

export const maintenanceSettings = Type.Object({
  backupDirectory: Type.String({ maxLength: 1000, default: '', description: 'Where backups are written; empty for "backups" in the data directory.' }),
  backupsToKeep: Type.Integer({ minimum: 1, maximum: 1000, default: 7, description: 'Backups kept; the oldest beyond this number are deleted after each backup.' }),
  keepFinishedJobsDays: Type.Integer({ minimum: 1, maximum: 3_650, default: 30, description: 'Days completed and failed job records are kept.' }),
  retryAfterSeconds: Type.Integer({ minimum: 1, maximum: 86_400, default: 300, description: 'What a refused request is told to wait in maintenance mode without an end time (Retry-After).' }),
}, { additionalProperties: false });

export type MaintenanceSettings = Static<typeof maintenanceSettings>;
