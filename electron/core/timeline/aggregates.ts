// Pre-aggregated event counts for the timeline (schema: migration 3). A cell is one
// (source, category) pair, or one (source, category, location) triple for the events that
// name a place; each level table counts a cell's events per bucket b = floor(ts / width).
// Lanes by source or category sum the first kind of cell, lanes by door/location the
// second. A source's cells and buckets are rebuilt whenever its event times change.
import type { Statement } from 'better-sqlite3'
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

/** A GROUP BY row has the shape of a batch's cell (BatchCell, below). */
type CellGroup = BatchCell

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

/** One cell's part of a batch: location null for a whole-category cell. */
export interface BatchCell {
  category: string
  location: string | null
  n: number
  f: number
  first: number
  last: number
}

/** A batch's contribution to its source's aggregates, counted where its rows are built. */
export interface BatchAggregates {
  cells: BatchCell[]
  /** Per LEVELS entry, flat quadruples [index into cells, b, n, failures], b ascending per cell. */
  buckets: Float64Array<ArrayBuffer>[]
}

/**
 * Counts cells and 1 s buckets as rows are built (in the parse worker for big files), so
 * that an import never re-reads and groups its events afterwards; the coarser levels are
 * derived from the 1 s counts of the batch. Gives exactly what buildAggregatesForSource
 * computes from the stored events (tests compare both).
 */
export class BatchAggregator {
  private index = new Map<string, number>()
  private cells: BatchCell[] = []
  /** Per cell, flat triples [b, n, failures] of 1 s buckets: one per run of equal b. */
  private runs: number[][] = []
  private scratch: Float64Array[] = []

  add(category: string, location: string | null, us: number, failure: boolean): void {
    const b = Math.floor(us / S)
    this.count(this.cell(category, null, category), b, us, failure)
    if (location !== null) this.count(this.cell(category, location, `${category}\u0000${location}`), b, us, failure)
  }

  get empty(): boolean {
    return this.cells.length === 0
  }

  /** The counts so far, and a fresh start. */
  take(): BatchAggregates {
    // Each level has at most one bucket per 1 s run: filled by index into scratch arrays
    // kept between batches, then copied out at their exact size.
    let runsTotal = 0
    for (const r of this.runs) runsTotal += r.length / 3
    if ((this.scratch[0]?.length ?? -1) < runsTotal * 4) this.scratch = LEVELS.map(() => new Float64Array(runsTotal * 4))
    const buckets = this.scratch
    const used = LEVELS.map(() => 0)
    for (let cell = 0; cell < this.runs.length; cell++) {
      const ordered = orderedSeconds(this.runs[cell]!)
      for (let li = 0; li < LEVELS.length; li++) {
        const out = buckets[li]!
        const per = LEVELS[li]!.us / S
        let o = used[li]!
        // The 1 s buckets are in order, so each coarser bucket is one run of them.
        let cur = Number.NaN
        for (let k = 0; k < ordered.length; k += 3) {
          const bb = Math.floor(ordered[k]! / per)
          if (bb === cur) {
            out[o - 2]! += ordered[k + 1]!
            out[o - 1]! += ordered[k + 2]!
          } else {
            out[o] = cell
            out[o + 1] = bb
            out[o + 2] = ordered[k + 1]!
            out[o + 3] = ordered[k + 2]!
            o += 4
            cur = bb
          }
        }
        used[li] = o
      }
    }
    // Typed arrays: moved from the parse worker, not cloned number by number.
    const taken = { cells: this.cells, buckets: buckets.map((b, li) => b.slice(0, used[li])) }
    this.index = new Map()
    this.cells = []
    this.runs = []
    return taken
  }

  private cell(category: string, location: string | null, key: string): number {
    let i = this.index.get(key)
    if (i === undefined) {
      i = this.cells.length
      this.index.set(key, i)
      this.cells.push({ category, location, n: 0, f: 0, first: Number.POSITIVE_INFINITY, last: Number.NEGATIVE_INFINITY })
      this.runs.push([])
    }
    return i
  }

  private count(i: number, b: number, us: number, failure: boolean): void {
    const c = this.cells[i]!
    c.n++
    if (failure) c.f++
    if (us < c.first) c.first = us
    if (us > c.last) c.last = us
    // Logs are mostly in time order: counting runs allocates nothing per event, and
    // take() merges the runs of a bucket that comes back later.
    const runs = this.runs[i]!
    const last = runs.length - 3
    if (last >= 0 && runs[last] === b) {
      runs[last + 1]!++
      if (failure) runs[last + 2]!++
    } else runs.push(b, 1, failure ? 1 : 0)
  }
}

/** Runs of [b, n, failures] as one triple per b, b ascending. */
function orderedSeconds(runs: number[]): number[] {
  let sorted = true
  for (let k = 3; k < runs.length && sorted; k += 3) sorted = runs[k]! > runs[k - 3]!
  if (sorted) return runs
  const order = Array.from({ length: runs.length / 3 }, (_, r) => r * 3).sort((x, y) => runs[x]! - runs[y]!)
  const out: number[] = []
  for (const k of order) {
    if (out.length > 0 && out[out.length - 3] === runs[k]) {
      out[out.length - 2]! += runs[k + 1]!
      out[out.length - 1]! += runs[k + 2]!
    } else out.push(runs[k]!, runs[k + 1]!, runs[k + 2]!)
  }
  return out
}

const UPSERT_ROWS = 64

/**
 * Writes batch aggregates of one source as they arrive (in the import's transaction):
 * bucket counts are added with an upsert (a bucket can straddle two batches), cell totals
 * are kept here and written by finish(). The source must have no aggregates yet.
 */
export class AggregateWriter {
  private cellIds = new Map<string, number>()
  private totals = new Map<number, BatchCell>()
  private insertCell: Statement<unknown[]>
  private upserts: { many: Statement<unknown[]>; one: Statement<unknown[]> }[]

  constructor(
    private db: Db,
    private sourceId: number
  ) {
    this.insertCell = db.prepare(INSERT_CELL)
    this.upserts = LEVELS.map((level) => {
      const sql = (rows: number): string =>
        `INSERT INTO ${levelTable(level)} (cell, b, n, failures) VALUES ${Array(rows).fill('(?,?,?,?)').join(',')}
         ON CONFLICT (cell, b) DO UPDATE SET n = n + excluded.n, failures = failures + excluded.failures`
      return { many: db.prepare(sql(UPSERT_ROWS)), one: db.prepare(sql(1)) }
    })
  }

  add(agg: BatchAggregates): void {
    const ids = agg.cells.map((c) => {
      const key = JSON.stringify([c.category, c.location])
      let id = this.cellIds.get(key)
      if (id === undefined) {
        id = Number(this.insertCell.run(this.sourceId, c.category, c.location, 0, 0, c.first, c.last).lastInsertRowid)
        this.cellIds.set(key, id)
        this.totals.set(id, { ...c })
      } else {
        const t = this.totals.get(id)!
        t.n += c.n
        t.f += c.f
        if (c.first < t.first) t.first = c.first
        if (c.last > t.last) t.last = c.last
      }
      return id
    })
    const chunk = UPSERT_ROWS * 4
    agg.buckets.forEach((flat, li) => {
      const { many, one } = this.upserts[li]!
      let k = 0
      // Reused parameter arrays: a million 1 s buckets are a million rows here.
      for (; k + chunk <= flat.length; k += chunk) many.run(this.cellValues(flat, k, ids, this.manyValues))
      for (; k < flat.length; k += 4) one.run(this.cellValues(flat, k, ids, this.oneValues))
    })
  }

  private manyValues = new Array<number>(UPSERT_ROWS * 4).fill(0)
  private oneValues = [0, 0, 0, 0]

  /** Quadruples of `flat` from `from` into `out`, the batch's cell index replaced by its row id. */
  private cellValues(flat: Float64Array, from: number, ids: number[], out: number[]): number[] {
    for (let j = 0; j < out.length; j += 4) {
      const id = ids[flat[from + j]!]
      if (id === undefined) throw new Error('batch aggregates name a cell the batch does not have')
      out[j] = id
      out[j + 1] = flat[from + j + 1]!
      out[j + 2] = flat[from + j + 2]!
      out[j + 3] = flat[from + j + 3]!
    }
    return out
  }

  finish(): void {
    const update = this.db.prepare('UPDATE timeline_cell SET events = ?, failures = ?, first_us = ?, last_us = ? WHERE id = ?')
    for (const [id, t] of this.totals) update.run(t.n, t.f, t.first, t.last, id)
  }
}
