// (placeholder) The bulk user import: filled in by the import work.
import type { CommandDef, JobRef, RouteRef } from 'lectern';

export const importRoutes: RouteRef[] = [];
export const importJobs: JobRef[] = [];
export const importCommands: CommandDef[] = [];
