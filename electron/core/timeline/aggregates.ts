// Pre-aggregated event counts for the timeline (schema: migration 3). A cell is one
// (source, category) pair, or one (source, category, location) triple for the events that
// name a place; each level table counts a cell's events per bucket b = floor(ts / width).
// Lanes by source or category sum the first kind of cell, lanes by door/location the
// second. A source's cells and buckets are rebuilt whenever its event times change.
import type { Db } from '../case/database'

export interface Level {
  /** Table suffix: event_bucket_<name>. */
  name: string
  us: number
}

const S = 1_000_000

/**
 * Each width divides the next, so a range splits exactly into whole buckets of one level
 * and edge pieces of the finer ones. The fine levels cost about one row per event each and
 * are kept few; the coarse ones cost little (90 days are 2,160 hourly rows per cell) and are
 * spaced closely so that a screen bucket re-bins at most a few stored rows.
 */
export const LEVELS: readonly Level[] = [
  { name: '1s', us: S },
  { name: '10s', us: 10 * S },
  { name: '1m', us: 60 * S },
  { name: '5m', us: 300 * S },
  { name: '15m', us: 900 * S },
  { name: '1h', us: 3600 * S },
  { name: '3h', us: 3 * 3600 * S },
  { name: '12h', us: 12 * 3600 * S },
  { name: '1d', us: 24 * 3600 * S }
]

export function levelTable(level: Level): string {
  return `event_bucket_${level.name}`
}

/** floor(x / d) in SQL for any sign of x (SQLite's `/` truncates toward zero). */
export function sqlFloorDiv(x: string, d: number): string {
  return `((${x}) - (((${x}) % ${d}) + ${d}) % ${d}) / ${d}`
}

export type BuildStrategy = 'cascade' | 'events'

export interface BuildStats {
  cells: number
  rows: Record<string, number>
  ms: number
}

/** One pass over the source's events gives both kinds of cell. */
const CELL_GROUPS = `
  SELECT category, location, COUNT(*) AS n, SUM(outcome = 'failure') AS f, MIN(ts) AS first, MAX(ts) AS last
    FROM event WHERE source_id = ? GROUP BY category, location`
const INSERT_CELL = 'INSERT INTO timeline_cell (source_id, category, location, events, failures, first_us, last_us) VALUES (?, ?, ?, ?, ?, ?, ?)'

interface CellGroup {
  category: string
  location: string | null
  n: number
  f: number
  first: number
  last: number
}

function fromEvents(level: Level, placed: boolean): string {
  const join = placed ? 'c.location = e.location' : 'c.location IS NULL'
  return `
    INSERT INTO ${levelTable(level)} (cell, b, n, failures)
    SELECT c.id, ${sqlFloorDiv('e.ts', level.us)} AS bucket, COUNT(*), SUM(e.outcome = 'failure')
      FROM event e JOIN timeline_cell c ON c.source_id = e.source_id AND c.category = e.category AND ${join}
     WHERE e.source_id = ?${placed ? ' AND e.location IS NOT NULL' : ''}
     GROUP BY c.id, bucket`
}

function fromFiner(level: Level, finer: Level): string {
  return `
    INSERT INTO ${levelTable(level)} (cell, b, n, failures)
    SELECT cell, ${sqlFloorDiv('b', level.us / finer.us)} AS bucket, SUM(n), SUM(failures)
      FROM ${levelTable(finer)}
     WHERE cell IN (SELECT id FROM timeline_cell WHERE source_id = ?)
     GROUP BY cell, bucket`
}

/**
 * Builds a source's cells and bucket rows from its events (dropping any it had). The
 * 'cascade' strategy reads the events once for the 1 s level and derives each coarser
 * level from the one below; 'events' reads the events for every level (kept to compare).
 * Runs in the caller's transaction when there is one.
 */
export function buildAggregatesForSource(db: Db, sourceId: number, strategy: BuildStrategy = 'cascade'): BuildStats {
  const started = performance.now()
  const rows: Record<string, number> = {}
  let cells = 0
  db.transaction(() => {
    dropAggregatesForSource(db, sourceId)
    const groups = db.prepare(CELL_GROUPS).all(sourceId) as CellGroup[]
    const whole = new Map<string, CellGroup>()
    for (const g of groups) {
      const w = whole.get(g.category)
      whole.set(g.category, w ? { ...w, n: w.n + g.n, f: w.f + g.f, first: Math.min(w.first, g.first), last: Math.max(w.last, g.last) } : { ...g, location: null })
    }
    const insertCell = db.prepare(INSERT_CELL)
    const placed = groups.filter((g) => g.location !== null)
    for (const g of [...whole.values(), ...placed]) insertCell.run(sourceId, g.category, g.location, g.n, g.f, g.first, g.last)
    cells = whole.size + placed.length
    LEVELS.forEach((level, i) => {
      const finer = LEVELS[i - 1]
      let changes = 0
      if (strategy === 'events' || !finer) {
        changes += db.prepare(fromEvents(level, false)).run(sourceId).changes
        // Most sources name no place: skip their second pass over the events.
        if (placed.length > 0) changes += db.prepare(fromEvents(level, true)).run(sourceId).changes
      } else {
        changes += db.prepare(fromFiner(level, finer)).run(sourceId).changes
      }
      rows[level.name] = changes
    })
  })()
  return { cells, rows, ms: performance.now() - started }
}

export function dropAggregatesForSource(db: Db, sourceId: number): void {
  db.transaction(() => {
    for (const level of LEVELS) {
      db.prepare(`DELETE FROM ${levelTable(level)} WHERE cell IN (SELECT id FROM timeline_cell WHERE source_id = ?)`).run(sourceId)
    }
    db.prepare('DELETE FROM timeline_cell WHERE source_id = ?').run(sourceId)
  })()
}

/** The hook for import and re-derivation: call after a source's events are (re)written. */
export function refreshAggregatesForSource(db: Db, sourceId: number): void {
  buildAggregatesForSource(db, sourceId)
}
