// The database floor of an import, run in its own process by importBench.ts: the rows an
// `iwb import` wrote, copied into a fresh case of the same schema by SQLite alone (no
// parsing, no JavaScript per row) — insert, rebuild the event indexes, fill the full-text
// index, commit — through better-sqlite3, so the SQLite build is the app's own. Prints one
// JSON line: wall and CPU milliseconds per step. Whatever an importer does on top of this
// (reading, parsing, time decisions) only adds to it; on a two-core machine no importer
// can finish faster than this CPU time split perfectly across both cores.
//
// Usage: node --import tsx importFloorChild.ts <empty case.db> <stage.db holding table t = the event rows>
import Database from 'better-sqlite3'

const [target, stage] = process.argv.slice(2)
if (!target || !stage) throw new Error('usage: importFloorChild.ts <case.db> <stage.db>')

const db = new Database(target)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.pragma('foreign_keys = ON')
db.prepare('ATTACH ? AS s').run(stage)

const steps: Record<string, { wallMs: number; cpuMs: number }> = {}
const step = (name: string, work: () => void): void => {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  work()
  const c = process.cpuUsage(c0)
  steps[name] = { wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }
}

// As the importer does (BulkLoadIndexes): a partial index none of these rows would enter is
// left in place, not rebuilt (a rebuild reads the whole table even when it stays empty).
const indexes = (db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL").all() as { name: string; sql: string }[]).filter((i) => {
  const where = /\bWHERE\s+(.+?);?\s*$/is.exec(i.sql)?.[1]
  return !where || (db.prepare(`SELECT EXISTS (SELECT 1 FROM s.t WHERE ${where}) AS hit`).get() as { hit: number }).hit === 1
})
const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').all('event') as { name: string }[]).map((c) => `"${c.name}"`).join(', ')
// The app registers the source before its events (event.source_id references it).
db.exec('INSERT INTO main.source SELECT * FROM s.source')
db.exec('BEGIN')
step('drop indexes', () => {
  for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`)
})
step('insert rows', () => db.exec(`INSERT INTO main.event (${columns}) SELECT ${columns} FROM s.t ORDER BY id`))
step('build indexes', () => {
  for (const i of indexes) db.exec(i.sql)
})
step('fill full-text index', () => db.exec('INSERT INTO event_fts (rowid, message, actor, host, location, action) SELECT id, message, actor, host, location, action FROM main.event'))
step('commit', () => db.exec('COMMIT'))
const events = (db.prepare('SELECT COUNT(*) AS n FROM main.event').get() as { n: number }).n
const sqliteVersion = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
db.close()
process.stdout.write(`${JSON.stringify({ events, sqliteVersion, indexes: indexes.length, steps })}\n`)
