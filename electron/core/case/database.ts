// Opens a case database with the settings every case uses and brings its schema up to
// date. This is the only place that constructs a better-sqlite3 connection.
import Database from 'better-sqlite3'
import { migrations } from './migrations'

export type Db = Database.Database

export class SchemaTooNewError extends Error {}

/**
 * In Electron the Node-ABI build of better-sqlite3 does not load; the launcher builds an
 * Electron-ABI copy and names it through IWB_SQLITE_BINDING (a packaged app is rebuilt
 * in place by electron-builder and needs nothing).
 */
function nativeBindingOption(): { nativeBinding?: string } {
  const binding = process.env.IWB_SQLITE_BINDING
  return binding ? { nativeBinding: binding } : {}
}

export function openDatabase(file: string, options: { readonly?: boolean; create?: boolean } = {}): Db {
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: !(options.create ?? false),
    ...nativeBindingOption()
  })
  if (!options.readonly) {
    db.pragma('journal_mode = WAL')
    // Switching to WAL does not lower synchronous on this connection; NORMAL is safe with WAL.
    db.pragma('synchronous = NORMAL')
  }
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  if (!options.readonly) migrate(db)
  return db
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }))
}

export function latestSchemaVersion(): number {
  return migrations[migrations.length - 1]?.version ?? 0
}

function migrate(db: Db): void {
  const current = schemaVersion(db)
  if (current > latestSchemaVersion()) {
    throw new SchemaTooNewError(
      `This case was written by a newer Incident Workbench (schema ${current}; this version knows up to ${latestSchemaVersion()}). Update the app to open it.`
    )
  }
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
}

/** The SQLite library version linked into better-sqlite3 (for the About screen). */
export function sqliteVersion(): string {
  const db = new Database(':memory:', nativeBindingOption())
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  } finally {
    db.close()
  }
}
