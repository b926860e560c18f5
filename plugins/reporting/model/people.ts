// Names and emails for report rows, from the auth plugin's directory, one lookup per page of rows.
import type { RouteRequest } from 'lectern';
import { AuthDirectory, type DirectoryUser } from 'lectern/auth';

export type WithPerson<T> = T & { person?: DirectoryUser };

export async function withPeople<T extends { user_id: string | number }>(req: Pick<RouteRequest, 'resolve'>, rows: T[]): Promise<WithPerson<T>[]> {
  const people = await req.resolve(AuthDirectory).usersById([...new Set(rows.map((r) => String(r.user_id)))]);
  return rows.map((r) => ({ ...r, person: people.get(String(r.user_id)) }));
}

export const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
