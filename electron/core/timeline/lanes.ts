// Lanes beyond the three pre-aggregated groupings: person lanes (the busiest N actors) and
// camera lanes (when another area's camera tables exist), plus the lane-filtered histogram
// the timeline asks for (only the lanes on screen: hidden and collapsed-away lanes cost nothing).
import type { CameraLane, LaneGroupBy, LaneInfo } from '@shared/contracts/annotations'
import type { TimelineHistogram } from '@shared/timelineModel'
import type { Db } from '../case/database'
import { DEFAULT_MARK_LIMIT, histogram, laneList } from './histogram'

/** Person lanes shown when the view names none. */
export const DEFAULT_ACTOR_LANES = 50

// Top actors are one GROUP BY over the partial actor index (every event naming a person:
// ~1 s over 10M events here), so the answer is cached per database until the event count
// changes (an import or re-derivation changes it; nothing else changes actors).
const topActorCache = new WeakMap<Db, { events: number; limit: number; actors: string[] }>()

function eventCount(db: Db): number {
  return (db.prepare('SELECT COALESCE(SUM(event_count), 0) AS n FROM source').get() as { n: number }).n
}

export function topActors(db: Db, limit = DEFAULT_ACTOR_LANES): string[] {
  const events = eventCount(db)
  const cached = topActorCache.get(db)
  if (cached && cached.events === events && cached.limit >= limit) return cached.actors.slice(0, limit)
  const actors = db
    .prepare('SELECT actor FROM event INDEXED BY event_by_actor WHERE actor IS NOT NULL GROUP BY actor ORDER BY COUNT(*) DESC, actor LIMIT ?')
    .pluck()
    .all(limit) as string[]
  topActorCache.set(db, { events, limit, actors })
  return actors
}

export function lanesOf(db: Db, groupBy: LaneGroupBy, limit = DEFAULT_ACTOR_LANES): LaneInfo[] {
  if (groupBy === 'actor') return laneList(db, 'actor', { actors: topActors(db, limit) })
  return laneList(db, groupBy)
}

export function laneHistogram(
  db: Db,
  q: { fromUs: number; toUs: number; buckets: number; groupBy: LaneGroupBy; keys: string[] | null }
): TimelineHistogram {
  const actors = q.groupBy === 'actor' ? (q.keys ?? topActors(db)) : undefined
  const h = histogram(db, {
    fromUs: q.fromUs,
    toUs: q.toUs,
    buckets: q.buckets,
    groupBy: q.groupBy,
    filter: { actors, keys: q.groupBy === 'actor' ? undefined : (q.keys ?? undefined) },
    markLimit: DEFAULT_MARK_LIMIT
  })
  return {
    fromUs: h.fromUs,
    toUs: h.toUs,
    buckets: h.buckets,
    levelUs: h.levelUs,
    lanes: h.lanes.map((l) => ({
      key: l.key,
      label: l.label,
      total: l.total,
      startUs: l.startUs,
      bucketUs: l.bucketUs,
      counts: l.counts,
      failures: l.failures,
      marks: l.marks ? l.marks.map((m) => ({ id: m.id, ts: m.ts, category: m.category, outcome: m.outcome })) : null
    }))
  }
}

/**
 * Camera lanes: one per camera with the spans its footage covers. The camera tables belong
 * to the video area (schema v5) and may not exist yet; their columns are read defensively
 * so that this hook never breaks a case: no tables, or unexpected columns, give no lanes.
 */
export function cameraLanes(db: Db): CameraLane[] {
  const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('camera', 'video_file')`).pluck().all() as string[]))
  if (!tables.has('camera') || !tables.has('video_file')) return []
  const columns = (table: string): Set<string> => new Set((db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(table) as string[]))
  const cam = columns('camera')
  const vid = columns('video_file')
  const label = cam.has('name') ? 'c.name' : cam.has('label') ? 'c.label' : 'CAST(c.id AS TEXT)'
  const start = ['start_us', 'first_us', 'from_us'].find((c) => vid.has(c))
  const end = ['end_us', 'last_us', 'to_us'].find((c) => vid.has(c))
  if (!cam.has('id') || !vid.has('camera_id') || !start || !end) return []
  try {
    const rows = db
      .prepare(`SELECT c.id AS id, ${label} AS label, v.${start} AS f, v.${end} AS t FROM camera c JOIN video_file v ON v.camera_id = c.id WHERE v.${start} IS NOT NULL AND v.${end} IS NOT NULL ORDER BY c.id, f`)
      .all() as { id: number; label: string; f: number; t: number }[]
    const lanes = new Map<number, CameraLane>()
    for (const r of rows) {
      let lane = lanes.get(r.id)
      if (!lane) lanes.set(r.id, (lane = { key: `camera:${r.id}`, label: String(r.label), spans: [] }))
      lane.spans.push({ fromUs: r.f, toUs: r.t })
    }
    return [...lanes.values()]
  } catch {
    return []
  }
}
