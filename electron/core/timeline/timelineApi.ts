// Answers the timeline's questions for the API: the case's extent and per-lane counts for
// a visible range. Lanes hold individual marks when they have few events in view.
import type { TimelineExtent, TimelineGroupBy, TimelineHistogram, TimelineLane } from '@shared/timelineModel'
import type { Db } from '../case/database'

/** Below this many events in view, a lane shows every event as a mark. */
export const MARKS_THRESHOLD = 2000

export function timelineExtent(db: Db): TimelineExtent {
  const r = db.prepare('SELECT MIN(first_us) AS first, MAX(last_us) AS last, COALESCE(SUM(event_count), 0) AS total FROM source').get() as {
    first: number | null
    last: number | null
    total: number
  }
  return r.first === null || r.last === null ? null : { firstUs: r.first, lastUs: r.last, total: r.total }
}

const LANE_COLUMN: Record<TimelineGroupBy, string> = {
  source: 'e.source_id',
  category: 'e.category',
  location: "COALESCE(e.location, '(no location)')"
}

export function timelineHistogram(db: Db, q: { fromUs: number; toUs: number; buckets: number; groupBy: TimelineGroupBy }): TimelineHistogram {
  const width = (q.toUs - q.fromUs) / q.buckets
  const col = LANE_COLUMN[q.groupBy]
  const rows = db
    .prepare(
      `SELECT ${col} AS lane, CAST((e.ts - ?) / ? AS INTEGER) AS b, COUNT(*) AS n, SUM(e.outcome = 'failure') AS f
       FROM event e WHERE e.ts >= ? AND e.ts < ? GROUP BY lane, b`
    )
    .all(q.fromUs, width, q.fromUs, q.toUs) as { lane: string | number; b: number; n: number; f: number }[]
  const labels = q.groupBy === 'source' ? sourceLabels(db) : null
  const lanes = new Map<string, TimelineLane>()
  for (const r of rows) {
    const key = String(r.lane)
    let lane = lanes.get(key)
    if (!lane) {
      lane = { key, label: labels?.get(key) ?? key, total: 0, counts: new Array<number>(q.buckets).fill(0), failures: new Array<number>(q.buckets).fill(0), marks: null }
      lanes.set(key, lane)
    }
    const b = Math.min(Math.max(r.b, 0), q.buckets - 1)
    lane.counts![b]! += r.n
    lane.failures![b]! += r.f
    lane.total += r.n
  }
  const marksStmt = db.prepare(
    `SELECT e.id, e.ts, e.category, e.outcome FROM event e WHERE ${col} = ? AND e.ts >= ? AND e.ts < ? ORDER BY e.ts LIMIT ${MARKS_THRESHOLD}`
  )
  for (const lane of lanes.values()) {
    if (lane.total > MARKS_THRESHOLD) continue
    const key = q.groupBy === 'source' ? Number(lane.key) : lane.key === '(no location)' ? null : lane.key
    lane.marks = (key === null
      ? db.prepare('SELECT id, ts, category, outcome FROM event WHERE location IS NULL AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?').all(q.fromUs, q.toUs, MARKS_THRESHOLD)
      : marksStmt.all(key, q.fromUs, q.toUs)) as TimelineLane['marks']
    lane.counts = null
    lane.failures = null
  }
  return { fromUs: q.fromUs, toUs: q.toUs, buckets: q.buckets, levelUs: 0, lanes: [...lanes.values()].sort((a, b) => b.total - a.total) }
}

function sourceLabels(db: Db): Map<string, string> {
  const rows = db.prepare('SELECT s.id, ev.original_name AS name, s.format FROM source s JOIN evidence ev ON ev.id = s.evidence_id').all() as {
    id: number
    name: string
    format: string
  }[]
  return new Map(rows.map((r) => [String(r.id), `${r.name} (${r.format})`]))
}
