/**
 * The few places where SQLite and PostgreSQL differ, as small named functions.
 * Everything else in storage/sql is dialect-neutral Kysely.
 */
import type { ColumnDataType, CreateTableBuilder } from 'kysely';

export type SqlDialectName = 'sqlite' | 'postgres';

/** 64-bit integer for money and epoch milliseconds: BIGINT on PostgreSQL, INTEGER on SQLite. */
export function int64Type(dialect: SqlDialectName): ColumnDataType {
  return dialect === 'postgres' ? 'bigint' : 'integer';
}

/** Floating-point column (weights, quality scores — never money). */
export function floatType(dialect: SqlDialectName): ColumnDataType {
  return dialect === 'postgres' ? 'double precision' : 'real';
}

/** An auto-incrementing integer primary key named `id`. */
export function addAutoIdColumn<T extends string>(
  dialect: SqlDialectName,
  table: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> {
  if (dialect === 'postgres') {
    return table.addColumn('id', 'bigserial', (col) => col.primaryKey());
  }
  return table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement());
}

/** Booleans are stored as 0/1 integers on both backends (better-sqlite3 rejects JS booleans). */
export function boolToDb(value: boolean): number {
  return value ? 1 : 0;
}

export function boolFromDb(value: number | boolean | null | undefined): boolean {
  return value === 1 || value === true;
}
