// Timeline histogram latency over a generated 10,000,000-event case: 20 sources over 90
// days, 9 categories, 50 doors and cameras, working-hours peaks and bursts. Events are
// generated in SQL (no parsing: this bench is about reading), the pre-aggregates built per
// source as an import would, then the histogram is asked for 100 random views at each of
// 10 zoom levels from the full extent down to 10 seconds, 1,000 screen buckets.
// Goals: p95 ≤ 50 ms at every zoom level; case open to a drawn timeline ≤ 2 s.
// ratio = full-extent histogram p95 / a naive GROUP BY over the event table for that view.
import { join } from 'node:path'
import { CaseFolder } from '../../electron/core/case/caseFolder'
import { buildAggregatesForSource, LEVELS, levelTable } from '../../electron/core/timeline/aggregates'
import { caseExtent, histogram, laneList, type LaneGroup } from '../../electron/core/timeline/histogram'
import { median, type BenchResult } from './benchUtil'

interface SourceSpec {
  name: string
  categories: string[]
  /** Location prefix and count (doors, cameras), or none. */
  places?: [string, number]
  share: number
  /** Active days within the 90 (first day, number of days). */
  days?: [number, number]
}

const DAY_US = 86_400_000_000
const SPAN_DAYS = 90
const START_US = Date.UTC(2024, 0, 1) * 1000

function sources(): SourceSpec[] {
  const list: SourceSpec[] = []
  for (let i = 1; i <= 4; i++) list.push({ name: `badge-${i}.csv`, categories: ['access'], places: [`Door ${i}-`, 10], share: 2.5 })
  list.push({ name: 'nvr-1.xml', categories: ['video'], places: ['Camera A', 5], share: 3 })
  list.push({ name: 'nvr-2.xml', categories: ['video'], places: ['Camera B', 5], share: 3, days: [83, 7] })
  for (let i = 1; i <= 3; i++) list.push({ name: `security-${i}.evtx`, categories: ['auth', 'system', 'process'], share: 5 })
  for (let i = 1; i <= 3; i++) list.push({ name: `firewall-${i}.log`, categories: ['network'], share: 12, days: i === 3 ? [76, 14] : undefined })
  for (let i = 1; i <= 2; i++) list.push({ name: `proxy-${i}.log`, categories: ['web'], share: 8 })
  for (let i = 1; i <= 2; i++) list.push({ name: `cloudtrail-${i}.json`, categories: ['cloud', 'auth'], share: 2.5, days: i === 2 ? [60, 30] : undefined })
  for (let i = 1; i <= 4; i++) list.push({ name: `syslog-${i}.log`, categories: ['system', 'auth', 'process', 'other'], share: 3, days: i === 4 ? [30, 30] : undefined })
  return list
}

/** A small seeded generator, so that views are the same from run to run. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`

/** Inserts one source's events in time order, as an import of a time-ordered file would. */
function generateSource(folder: CaseFolder, sourceId: number, spec: SourceSpec, count: number, bursts: [number, number][]): void {
  const db = folder.db
  const [firstDay, days] = spec.days ?? [0, SPAN_DAYS]
  const start = START_US + firstDay * DAY_US
  const span = days * DAY_US
  const nc = spec.categories.length
  // 70% of a source's events are of its first category.
  const category =
    nc === 1
      ? quote(spec.categories[0]!)
      : `CASE WHEN y % 10 < 7 THEN ${quote(spec.categories[0]!)} ELSE CASE (y / 10) % ${nc - 1} ${spec.categories
          .slice(1)
          .map((c, i) => `WHEN ${i} THEN ${quote(c)}`)
          .join(' ')} END END`
  const location = spec.places ? `printf('%s%02d', ${quote(spec.places[0])}, 1 + ((x / 1000) % ${spec.places[1]}) * ((y / 1000) % ${spec.places[1]}) / ${spec.places[1]})` : 'NULL'
  db.exec('DROP TABLE IF EXISTS temp.burst')
  db.exec('CREATE TEMP TABLE burst (k INTEGER PRIMARY KEY, center INTEGER, width INTEGER)')
  const addBurst = db.prepare('INSERT INTO temp.burst VALUES (?, ?, ?)')
  bursts.forEach(([center, width], k) => addBurst.run(k, start + Math.floor(center * span), width))
  // 60% in working hours on a random day, 20% anywhere, 20% in one of the bursts.
  db.prepare(
    `WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${count - 1}),
       r AS MATERIALIZED (SELECT i, abs(random()) AS x, abs(random()) AS y FROM c)
     INSERT INTO event (source_id, ts, source_ts, raw_time, category, action, outcome, actor, location, message, ref_offset, ref_length, ref_line)
     SELECT ?, ts, ts, '', category, action, outcome, actor, location,
            printf('%s %s %s seq=%d', COALESCE(actor, '-'), action, COALESCE(location, category), i), i * 96, 96, i + 1
       FROM (
         SELECT i, ts, category, location, outcome, actor,
                CASE WHEN category = 'access' THEN CASE outcome WHEN 'failure' THEN 'denied' ELSE 'granted' END
                     WHEN category = 'auth' THEN 'logon' ELSE category END AS action
           FROM (
             SELECT i, ts, category, location, actor,
                    CASE WHEN category IN ('access', 'auth') AND (y / 13) % 100 < (CASE WHEN burst THEN 40 ELSE 5 END) THEN 'failure'
                         WHEN category IN ('network', 'web') AND (y / 13) % 100 < 3 THEN 'failure' ELSE 'success' END AS outcome
               FROM (
                 SELECT i, x, y, x % 10 >= 8 AS burst,
                        CASE WHEN x % 10 < 6 THEN ${start} + ((x / 10) % ${days}) * ${DAY_US} + 25200000000 + y % 43200000000
                             WHEN x % 10 < 8 THEN ${start} + y % ${span}
                             ELSE (SELECT center + y % width FROM temp.burst WHERE k = (x / 10) % ${bursts.length}) END AS ts,
                        ${category} AS category, ${location} AS location,
                        CASE WHEN ${spec.categories.some((c) => ['access', 'auth', 'cloud'].includes(c)) ? 1 : 0} THEN printf('user%04d', (x / 100000) % 2000) END AS actor
                   FROM r
               )
           )
       )
      ORDER BY ts`
  ).run(sourceId)
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!
}

export interface GeneratedCase {
  dir: string
  events: number
  details: Record<string, string | number>
}

/** Builds the case: sources and events with SQL, indexes after the load, then the pre-aggregates. */
export function generateTimelineCase(dir: string, total: number): GeneratedCase {
  const specs = sources()
  const shares = specs.reduce((a, s) => a + s.share, 0)
  const folder = CaseFolder.create(dir, { name: 'timeline bench', examiner: 'bench', timeZone: 'UTC' })
  const db = folder.db
  const random = rng(42)
  try {
    const tGen = performance.now()
    // Indexes are built after the bulk load, as the import pipeline does.
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL").all() as {
      name: string
      sql: string
    }[]
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`)
    const ids: number[] = []
    let generated = 0
    specs.forEach((spec, si) => {
      const count = si === specs.length - 1 ? total - generated : Math.round((total * spec.share) / shares)
      generated += count
      db.transaction(() => {
        const evidenceId = Number(
          db
            .prepare(
              `INSERT INTO evidence (sha256, size, original_name, original_path, acquired_us, examiner, workstation, tool, tool_version, acquired_via)
               VALUES (?, ?, ?, ?, ?, 'bench', 'bench', 'bench', '0', 'file')`
            )
            .run(si.toString(16).padStart(64, '0'), count * 96, spec.name, `/bench/${spec.name}`, START_US).lastInsertRowid
        )
        const sourceId = Number(
          db
            .prepare(
              `INSERT INTO source (evidence_id, format, format_chosen_by, time_zone, imported_us, examiner, event_count, bad_count)
               VALUES (?, 'bench', 'user', 'UTC', ?, 'bench', 0, 0)`
            )
            .run(evidenceId, START_US).lastInsertRowid
        )
        const bursts: [number, number][] = Array.from({ length: 40 }, () => [random(), Math.round((60 + random() * 1740) * 1_000_000)])
        generateSource(folder, sourceId, spec, count, bursts)
        db.prepare(`UPDATE source SET (event_count, first_us, last_us) = (SELECT COUNT(*), MIN(ts), MAX(ts) FROM event WHERE source_id = ?) WHERE id = ?`).run(
          sourceId,
          sourceId
        )
        ids.push(sourceId)
      })()
    })
    const insertMs = performance.now() - tGen
    const tIdx = performance.now()
    for (const i of indexes) db.exec(i.sql)
    const indexMs = performance.now() - tIdx

    // The two build strategies side by side on the largest source, then every source as an import would.
    const largest = ids[specs.findIndex((s) => s.name === 'firewall-1.log')]!
    const fromEvents = buildAggregatesForSource(db, largest, 'events')
    const cascade = buildAggregatesForSource(db, largest, 'cascade')
    const tAgg = performance.now()
    for (const id of ids) buildAggregatesForSource(db, id)
    const aggregateMs = performance.now() - tAgg
    const aggRows = LEVELS.map((l) => `${l.name} ${(db.prepare(`SELECT COUNT(*) AS n FROM ${levelTable(l)}`).get() as { n: number }).n}`)
    db.pragma('wal_checkpoint(TRUNCATE)')
    return {
      dir,
      events: total,
      details: {
        events: total,
        sources: specs.length,
        'generate s (SQL insert, sorted per source)': (insertMs / 1000).toFixed(1),
        'event indexes s': (indexMs / 1000).toFixed(1),
        'aggregate s (all sources, cascade)': (aggregateMs / 1000).toFixed(1),
        'largest source (firewall-1) build ms, level from level vs every level from events': `${cascade.ms.toFixed(0)} vs ${fromEvents.ms.toFixed(0)}`,
        'aggregate rows per level': aggRows.join(', ')
      }
    }
  } finally {
    folder.close()
  }
}

/** Opens the case as the app would and times the first timeline, then 1,000 random views. */
export function measureTimeline(dir: string, expectedEvents: number): { pass: boolean; ratio: number; details: Record<string, string | number> } {
  // Open to an interactive timeline: open, extent, lanes, first full-extent histogram.
  const tOpen = performance.now()
  const folder = CaseFolder.open(dir)
  try {
    const extent = caseExtent(folder.db)
    const lanes = laneList(folder.db, 'source')
    const first = histogram(folder.db, { fromUs: extent.firstUs!, toUs: extent.lastUs! + 1, buckets: 1000, groupBy: 'source' })
    const openMs = performance.now() - tOpen
    if (extent.events !== expectedEvents || first.lanes.reduce((a, l) => a + l.total, 0) !== expectedEvents) {
      throw new Error('the full-extent histogram does not count every event')
    }

    const full = extent.lastUs! + 1 - extent.firstUs!
    const zooms = 10
    const spanAt = (z: number): number => Math.round(full * Math.pow(10_000_000 / full, z / (zooms - 1)))
    const perLevel: { spanUs: number; p50: number; p95: number; max: number; modes: string }[] = []
    const all: number[] = []
    const views = rng(7)
    for (let z = 0; z < zooms; z++) {
      const spanUs = spanAt(z)
      const times: number[] = []
      let bars = 0
      let marks = 0
      for (let v = 0; v < 100; v++) {
        const fromUs = extent.firstUs! + Math.floor(views() * (full - spanUs))
        const t = performance.now()
        const h = histogram(folder.db, { fromUs, toUs: fromUs + spanUs, buckets: 1000, groupBy: 'source' })
        times.push(performance.now() - t)
        for (const l of h.lanes) {
          if (l.marks) marks++
          else bars++
        }
      }
      all.push(...times)
      perLevel.push({ spanUs, p50: median(times), p95: percentile(times, 95), max: Math.max(...times), modes: `${bars} bar lanes, ${marks} mark lanes` })
    }
    // The other groupings, fewer views.
    const other: Record<string, string> = {}
    for (const groupBy of ['category', 'location'] as LaneGroup[]) {
      const times: number[] = []
      for (let z = 0; z < zooms; z++) {
        const spanUs = spanAt(z)
        for (let v = 0; v < 20; v++) {
          const fromUs = extent.firstUs! + Math.floor(views() * (full - spanUs))
          const t = performance.now()
          histogram(folder.db, { fromUs, toUs: fromUs + spanUs, buckets: 1000, groupBy })
          times.push(performance.now() - t)
        }
      }
      other[`by ${groupBy}: p50 / p95 ms (200 views)`] = `${median(times).toFixed(1)} / ${percentile(times, 95).toFixed(1)}`
    }

    // The reference: a GROUP BY bucket over the (source_id, ts) index, which covers it, for the full extent.
    const width = Math.ceil(full / 1000)
    const tNaive = performance.now()
    folder.db
      .prepare('SELECT source_id, (ts - ?) / ? AS b, COUNT(*) FROM event INDEXED BY event_by_source_ts WHERE ts >= ? AND ts <= ? GROUP BY source_id, b')
      .all(extent.firstUs, width, extent.firstUs, extent.lastUs)
    const naiveMs = performance.now() - tNaive

    const worst = Math.max(...perLevel.map((l) => l.p95))
    const details: Record<string, string | number> = {
      lanes: lanes.length,
      'open to interactive timeline ms (open, extent, lanes, full-extent histogram)': openMs.toFixed(0),
      'histogram p50 / p95 ms, all 1,000 views by source': `${median(all).toFixed(1)} / ${percentile(all, 95).toFixed(1)}`,
      'naive GROUP BY over the (source_id, ts) index, full extent ms': naiveMs.toFixed(0)
    }
    for (const l of perLevel) {
      details[`span ${formatSpan(l.spanUs)}: p50 / p95 / max ms`] = `${l.p50.toFixed(1)} / ${l.p95.toFixed(1)} / ${l.max.toFixed(1)} (${l.modes})`
    }
    Object.assign(details, other)
    return { pass: worst <= 50 && openMs <= 2000, ratio: perLevel[0]!.p95 / naiveMs, details }
  } finally {
    folder.close()
  }
}

export async function benchTimeline(work: string, total = 10_000_000): Promise<BenchResult> {
  const generated = generateTimelineCase(join(work, 'case'), total)
  const measured = measureTimeline(generated.dir, total)
  return {
    name: `timeline histogram over a generated ${total.toLocaleString('en')}-event case`,
    goal: 'p95 ≤ 50 ms at each of 10 zoom levels (1,000 buckets) and open to timeline ≤ 2 s; ratio = full-extent p95 / naive GROUP BY',
    ratio: measured.ratio,
    pass: measured.pass,
    details: { ...generated.details, ...measured.details }
  }
}

function formatSpan(us: number): string {
  const s = us / 1_000_000
  if (s >= 86_400) return `${(s / 86_400).toFixed(1)} d`
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`
  if (s >= 60) return `${(s / 60).toFixed(1)} min`
  return `${s.toFixed(0)} s`
}
