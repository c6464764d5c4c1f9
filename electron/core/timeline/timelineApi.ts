// Answers the timeline's questions for the API: the case's extent, and per-lane counts
// for a visible range from the pre-aggregated tables (histogram.ts); lanes with few
// events in view also carry their individual marks.
import type { TimelineExtent, TimelineGroupBy, TimelineHistogram } from '@shared/timelineModel'
import type { Db } from '../case/database'
import { DEFAULT_MARK_LIMIT, histogram } from './histogram'

export function timelineExtent(db: Db): TimelineExtent {
  const r = db.prepare('SELECT MIN(first_us) AS first, MAX(last_us) AS last, COALESCE(SUM(event_count), 0) AS total FROM source').get() as {
    first: number | null
    last: number | null
    total: number
  }
  return r.first === null || r.last === null ? null : { firstUs: r.first, lastUs: r.last, total: r.total }
}

export function timelineHistogram(db: Db, q: { fromUs: number; toUs: number; buckets: number; groupBy: TimelineGroupBy }): TimelineHistogram {
  return toTimelineHistogram(histogram(db, { fromUs: q.fromUs, toUs: q.toUs, buckets: q.buckets, groupBy: q.groupBy, markLimit: DEFAULT_MARK_LIMIT }))
}

/** The contract's shape of a histogram: only the fields the renderer draws. */
export function toTimelineHistogram(h: ReturnType<typeof histogram>): TimelineHistogram {
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
