// A generated case for the timeline tests: sources with several categories, doors shared
// between sources, events without a place, bursts denser than one per millisecond and events
// exactly on bucket edges. Inserted with SQL (the import path is tested elsewhere), then
// aggregated as an import would.
import { join } from 'node:path'
import { expect } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import type { Db } from '../../../electron/core/case/database'
import { buildAggregatesForSource } from '../../../electron/core/timeline/aggregates'
import type { EventMark, Histogram, HistogramFilter, HistogramRequest, LaneGroup } from '../../../electron/core/timeline/histogram'

export interface FixtureEvent {
  id: number
  sourceId: number
  ts: number
  category: string
  location: string | null
  outcome: string
  actor: string | null
}

export function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const HOUR = 3_600_000_000
export const BASE = Date.UTC(2024, 2, 1) * 1000
export const SPAN = 3 * 24 * HOUR
export const BURST_AT = BASE + 30 * HOUR + 250_000

interface SourceSpec {
  name: string
  events: number
  categories: string[]
  places: (string | null)[]
  failureRate: number
}

const SPECS: SourceSpec[] = [
  { name: 'badges.csv', events: 6000, categories: ['access'], places: ['Door 1', 'Door 2', 'Door 3', 'Door 4', 'Lobby'], failureRate: 0.1 },
  { name: 'security.evtx', events: 5000, categories: ['auth', 'system', 'process'], places: [null], failureRate: 0.08 },
  { name: 'nvr.xml', events: 2000, categories: ['video'], places: ['Door 1', 'Camera 7', 'Camera 8'], failureRate: 0 },
  { name: 'firewall.log', events: 2500, categories: ['network', 'auth'], places: ['Server room', null, null], failureRate: 0.05 },
  { name: 'sparse.log', events: 25, categories: ['other'], places: [null], failureRate: 0.5 }
]

export function insertSource(db: Db, name: string): number {
  const evidenceId = Number(
    db
      .prepare(
        `INSERT INTO evidence (sha256, size, original_name, original_path, acquired_us, examiner, workstation, tool, tool_version, acquired_via)
         VALUES (lower(hex(randomblob(32))), 1, ?, ?, 0, 't', 't', 't', '0', 'file')`
      )
      .run(name, `/t/${name}`).lastInsertRowid
  )
  return Number(
    db
      .prepare("INSERT INTO source (evidence_id, format, format_chosen_by, time_zone, imported_us, examiner, event_count, bad_count) VALUES (?, 't', 'user', 'UTC', 0, 't', 0, 0)")
      .run(evidenceId).lastInsertRowid
  )
}

export function insertEvents(db: Db, sourceId: number, events: (Omit<FixtureEvent, 'id' | 'sourceId' | 'actor'> & { actor?: string | null })[]): void {
  const insert = db.prepare(
    `INSERT INTO event (source_id, ts, source_ts, raw_time, category, action, outcome, location, actor, message, ref_offset, ref_length)
     VALUES (?, ?, ?, '', ?, 'a', ?, ?, ?, 'm', 0, 1)`
  )
  db.transaction(() => {
    for (const e of events) insert.run(sourceId, e.ts, e.ts, e.category, e.outcome, e.location, e.actor ?? null)
    db.prepare('UPDATE source SET (event_count, first_us, last_us) = (SELECT COUNT(*), MIN(ts), MAX(ts) FROM event WHERE source_id = ?) WHERE id = ?').run(sourceId, sourceId)
  })()
}

/** Times: mostly uniform, a fifth in 10-second bursts, some exactly on hour, day and second edges. */
function times(random: () => number, n: number): number[] {
  const bursts = Array.from({ length: 6 }, () => BASE + Math.floor(random() * SPAN))
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const r = random()
    if (r < 0.6) out.push(BASE + Math.floor(random() * SPAN))
    else if (r < 0.8) out.push(bursts[Math.floor(random() * bursts.length)]! + Math.floor(random() * 10_000_000))
    else if (r < 0.9) out.push(BASE + Math.floor(random() * 72) * HOUR)
    else if (r < 0.95) out.push(BASE + Math.floor(random() * SPAN / 1_000_000) * 1_000_000)
    else out.push(out.length > 0 ? out[out.length - 1]! : BASE)
  }
  return out.sort((a, b) => a - b)
}

export function createTimelineCase(dir: string, seed = 1): { folder: CaseFolder; sourceIds: number[] } {
  const folder = CaseFolder.create(join(dir, 'case'), { name: 'Timeline', examiner: 'Ana', timeZone: 'UTC' })
  const random = rng(seed)
  const sourceIds: number[] = []
  for (const spec of SPECS) {
    const id = insertSource(folder.db, spec.name)
    insertEvents(
      folder.db,
      id,
      times(random, spec.events).map((ts) => {
        const category = spec.categories[Math.floor(random() * random() * spec.categories.length)]!
        return {
          ts,
          category,
          location: spec.places[Math.floor(random() * spec.places.length)]!,
          outcome: random() < spec.failureRate ? 'failure' : random() < 0.5 ? 'success' : 'unknown',
          actor: category === 'access' || category === 'auth' ? `user${Math.floor(random() * random() * 12)}` : null
        }
      })
    )
    buildAggregatesForSource(folder.db, id)
    sourceIds.push(id)
  }
  // 3,000 events in two seconds, and three others among them.
  const burst = insertSource(folder.db, 'burst.log')
  insertEvents(folder.db, burst, [
    ...Array.from({ length: 3000 }, (_, i) => ({ ts: BURST_AT + Math.floor((i * 2_000_000) / 3000), category: 'process', location: null, outcome: i % 9 === 0 ? 'failure' : 'success' })),
    ...[1, 500_000, 1_999_999].map((d) => ({ ts: BURST_AT + d, category: 'other', location: 'Lobby', outcome: 'failure' }))
  ])
  buildAggregatesForSource(folder.db, burst)
  sourceIds.push(burst)
  return { folder, sourceIds }
}

export function allEvents(db: Db): FixtureEvent[] {
  return (
    db.prepare('SELECT id, source_id, ts, category, location, outcome, actor FROM event ORDER BY ts, id').all() as {
      id: number
      source_id: number
      ts: number
      category: string
      location: string | null
      outcome: string
      actor: string | null
    }[]
  ).map((r) => ({ id: r.id, sourceId: r.source_id, ts: r.ts, category: r.category, location: r.location, outcome: r.outcome, actor: r.actor }))
}

/** The lane an event belongs to under a grouping and filter, or null: the brute-force definition. */
export function laneOf(e: FixtureEvent, groupBy: LaneGroup, filter: HistogramFilter = {}): string | null {
  if (filter.sourceIds && !filter.sourceIds.includes(e.sourceId)) return null
  if (filter.categories && !filter.categories.includes(e.category)) return null
  if (groupBy === 'source') return String(e.sourceId)
  if (groupBy === 'category') return e.category
  if (groupBy === 'actor') return e.actor !== null && (filter.actors ?? []).includes(e.actor) ? e.actor : null
  return e.location
}

export function toMark(e: FixtureEvent): EventMark {
  return { id: e.id, ts: e.ts, sourceId: e.sourceId, category: e.category, outcome: e.outcome }
}

/** Checks every lane of a histogram against the events themselves. */
export function expectExact(h: Histogram, events: FixtureEvent[], req: HistogramRequest, allLanes: string[]): void {
  const markLimit = req.markLimit ?? 2000
  const inView = events.filter((e) => e.ts >= req.fromUs && e.ts < req.toUs)
  expect(h.lanes.map((l) => l.key).sort()).toEqual([...allLanes].sort())
  for (const lane of h.lanes) {
    const mine = inView.filter((e) => laneOf(e, req.groupBy, req.filter) === lane.key)
    const counts = new Array<number>(lane.counts.length).fill(0)
    const failures = new Array<number>(lane.counts.length).fill(0)
    expect(Number.isInteger(lane.startUs / lane.bucketUs)).toBe(true)
    expect(lane.startUs).toBeLessThanOrEqual(req.fromUs)
    expect(lane.startUs + lane.counts.length * lane.bucketUs).toBeGreaterThanOrEqual(req.toUs)
    expect(lane.startUs + (lane.counts.length - 1) * lane.bucketUs).toBeLessThan(req.toUs)
    for (const e of mine) {
      const i = Math.floor((e.ts - lane.startUs) / lane.bucketUs)
      counts[i]!++
      if (e.outcome === 'failure') failures[i]!++
    }
    expect({ key: lane.key, counts: lane.counts }).toEqual({ key: lane.key, counts })
    expect({ key: lane.key, failures: lane.failures }).toEqual({ key: lane.key, failures })
    expect(lane.total).toBe(mine.length)
    expect(lane.failureTotal).toBe(failures.reduce((a, b) => a + b, 0))
    if (mine.length <= markLimit) expect(lane.marks).toEqual(mine.map(toMark))
    else expect(lane.marks).toBeNull()
  }
  for (let i = 1; i < h.lanes.length; i++) expect(h.lanes[i - 1]!.total).toBeGreaterThanOrEqual(h.lanes[i]!.total)
}
