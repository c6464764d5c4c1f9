// Lanes beyond the three pre-aggregated groupings: person lanes (the busiest N actors) and
// camera lanes (footage coverage per camera, from the video module), plus the lane-filtered histogram
// the timeline asks for (only the lanes on screen: hidden and collapsed-away lanes cost nothing).
import type { CameraLane, LaneGroupBy, LaneInfo } from '@shared/contracts/annotations'
import type { TimelineHistogram } from '@shared/timelineModel'
import type { Db } from '../case/database'
import { listCameras } from '../media/videoStore'
import { DEFAULT_MARK_LIMIT, histogram, laneList } from './histogram'
import { toTimelineHistogram } from './timelineApi'

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
  return toTimelineHistogram(h)
}

/**
 * Camera lanes: one per camera (schema v5, read through the video module so the columns and
 * the placement rules are the video area's own), with the spans its footage covers. A span is
 * a placed file's corrected start (camera clock offset applied, exactly the wall clock the
 * player maps frames to) to its end; touching or overlapping files merge into one span, and
 * a gap between files stays a gap. Unplaced files cover nothing, so a camera with only
 * unplaced footage has a lane with no spans.
 */
export function cameraLanes(db: Db): CameraLane[] {
  return listCameras(db).map((c) => {
    const pieces = c.files
      .filter((f): f is typeof f & { startUs: number; endUs: number } => f.startUs !== null && f.endUs !== null)
      .map((f) => ({ fromUs: f.startUs, toUs: f.endUs }))
      .sort((a, b) => a.fromUs - b.fromUs || a.toUs - b.toUs)
    const spans: CameraLane['spans'] = []
    for (const p of pieces) {
      const last = spans[spans.length - 1]
      if (last && p.fromUs <= last.toUs) last.toUs = Math.max(last.toUs, p.toUs)
      else spans.push({ ...p })
    }
    return { key: `camera:${c.id}`, label: c.name, spans }
  })
}
