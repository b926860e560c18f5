// What the database schema Lectern uses holds, read from the catalog for the current schema (the
// search_path's first, `public` by default): its tables and their columns, its sequences and the
// columns that own them, its foreign keys. The same queries run on PostgreSQL and PGlite.
import type { Knex } from 'lectern';
import type { SequenceInfo, TableInfo } from './format';

const rowsOf = <T>(result: { rows: T[] }) => result.rows;

/** Every ordinary table of the current schema, by name, with its columns in order (generated ones left out: they are computed). */
export async function tables(db: Knex): Promise<TableInfo[]> {
  const cols = rowsOf<{ table_name: string; column_name: string; data_type: string }>(await db.raw(`
    select c.table_name, c.column_name, c.data_type
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
     where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.is_generated = 'NEVER'
     order by c.table_name, c.ordinal_position`));
  const byTable = new Map<string, TableInfo>();
  for (const c of cols) {
    const table = byTable.get(c.table_name) ?? { name: c.table_name, columns: [] };
    table.columns.push({ name: c.column_name, type: c.data_type });
    byTable.set(c.table_name, table);
  }
  return [...byTable.values()];
}

/** Tables of the current schema that have an identity column (inserting ids into them needs OVERRIDING SYSTEM VALUE). */
export async function identityTables(db: Knex): Promise<Set<string>> {
  const rows = rowsOf<{ table_name: string }>(await db.raw(`
    select distinct table_name from information_schema.columns where table_schema = current_schema() and is_identity = 'YES'`));
  return new Set(rows.map((r) => r.table_name));
}

/** Every sequence of the current schema, with the column that owns it (if any) and its current value. */
export async function sequences(db: Knex): Promise<SequenceInfo[]> {
  const owned = rowsOf<{ name: string; table: string | null; column: string | null }>(await db.raw(`
    select s.relname as name, t.relname as "table", a.attname as "column"
      from pg_class s
      left join pg_depend d on d.classid = 'pg_class'::regclass and d.objid = s.oid and d.deptype in ('a', 'i')
      left join pg_class t on t.oid = d.refobjid
      left join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
     where s.relkind = 'S' and s.relnamespace = (select oid from pg_namespace where nspname = current_schema())
     order by s.relname`));
  const out: SequenceInfo[] = [];
  for (const s of owned) {
    const [{ last_value: value, is_called: called }] = rowsOf<{ last_value: number | string; is_called: boolean }>(
      await db.raw('select last_value, is_called from ??', [s.name]));
    out.push({ ...s, value: called ? Number(value) : Number(value) - 1 });
  }
  return out;
}

export interface ForeignKey { table: string; name: string; definition: string }

/** Every foreign key of the current schema's tables, as `pg_get_constraintdef` writes it (to drop and add back). */
export async function foreignKeys(db: Knex): Promise<ForeignKey[]> {
  return rowsOf<ForeignKey>(await db.raw(`
    select c.relname as "table", k.conname as name, pg_get_constraintdef(k.oid) as definition
      from pg_constraint k join pg_class c on c.oid = k.conrelid
     where k.contype = 'f' and c.relnamespace = (select oid from pg_namespace where nspname = current_schema())
     order by c.relname, k.conname`));
}
