// The pre-aggregates hold exactly the events, per cell and bucket, at every level; they are
// dropped and rebuilt per source when a re-derivation moves its events; a case written
// before they existed gets them when it is opened.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { latestSchemaVersion, openDatabase, type Db } from '../../../electron/core/case/database'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { migrations } from '../../../electron/core/case/migrations'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { rederiveSource } from '../../../electron/core/ingest/rederive'
import { bad, ok, type Importer } from '../../../electron/core/ingest/types'
import { buildAggregatesForSource, dropAggregatesForSource, LEVELS, levelTable, refreshAggregatesForSource } from '../../../electron/core/timeline/aggregates'
import { histogram, laneList, type HistogramRequest, type LaneGroup } from '../../../electron/core/timeline/histogram'
import { tempDir } from '../../helpers/tmp'
import { sample } from '../../helpers/importSample'
import { allEvents, createTimelineCase, expectExact, insertEvents, insertSource, laneOf, rng } from './timelineFixture'

/** Every cell and bucket row, by natural key (cell ids differ between builds). */
function dump(db: Db, sourceId?: number): string[] {
  const where = sourceId === undefined ? '' : `WHERE c.source_id = ${sourceId}`
  const out = (db.prepare(`SELECT 'cell', source_id, category, location, events, failures, first_us, last_us FROM timeline_cell c ${where}`).raw().all() as unknown[][]).map(
    (r) => JSON.stringify(r)
  )
  for (const level of LEVELS) {
    const rows = db
      .prepare(`SELECT '${level.name}', c.source_id, c.category, c.location, t.b, t.n, t.failures FROM ${levelTable(level)} t JOIN timeline_cell c ON c.id = t.cell ${where}`)
      .raw()
      .all() as unknown[][]
    out.push(...rows.map((r) => JSON.stringify(r)))
  }
  return out.sort()
}

/** The same rows computed from the events in JavaScript. */
function expectedDump(db: Db, sourceId?: number): string[] {
  const events = allEvents(db).filter((e) => sourceId === undefined || e.sourceId === sourceId)
  const cells = new Map<string, { key: unknown[]; events: number; failures: number; first: number; last: number }>()
  const rows = new Map<string, { key: unknown[]; n: number; f: number }>()
  for (const e of events) {
    const f = e.outcome === 'failure' ? 1 : 0
    for (const location of e.location === null ? [null] : [null, e.location]) {
      const key = [e.sourceId, e.category, location]
      const ck = JSON.stringify(key)
      const c = cells.get(ck) ?? { key, events: 0, failures: 0, first: e.ts, last: e.ts }
      cells.set(ck, { key, events: c.events + 1, failures: c.failures + f, first: Math.min(c.first, e.ts), last: Math.max(c.last, e.ts) })
      for (const level of LEVELS) {
        const rk = JSON.stringify([level.name, ...key, Math.floor(e.ts / level.us)])
        const r = rows.get(rk) ?? { key: [level.name, ...key, Math.floor(e.ts / level.us)], n: 0, f: 0 }
        rows.set(rk, { key: r.key, n: r.n + 1, f: r.f + f })
      }
    }
  }
  return [
    ...[...cells.values()].map((c) => JSON.stringify(['cell', ...c.key, c.events, c.failures, c.first, c.last])),
    ...[...rows.values()].map((r) => JSON.stringify([...r.key, r.n, r.f]))
  ].sort()
}

describe('timeline pre-aggregates', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(() => tmp.cleanup())

  it('count every event once per cell and level, the same whether derived level from level or from the events', () => {
    const { folder, sourceIds } = createTimelineCase(tmp.path, 7)
    try {
      const built = dump(folder.db)
      expect(built).toEqual(expectedDump(folder.db))
      for (const id of sourceIds) buildAggregatesForSource(folder.db, id, 'events')
      expect(dump(folder.db)).toEqual(built)
      // Rebuilding is idempotent.
      for (const id of sourceIds) buildAggregatesForSource(folder.db, id)
      expect(dump(folder.db)).toEqual(built)
    } finally {
      folder.close()
    }
  })

  it('bucket times before 1970 by floor, not by truncation', () => {
    const folder = CaseFolder.create(join(tmp.path, 'old'), { name: 'Old', examiner: 'Ana', timeZone: 'UTC' })
    try {
      const id = insertSource(folder.db, 'epoch.log')
      const random = rng(3)
      insertEvents(
        folder.db,
        id,
        Array.from({ length: 500 }, () => ({
          ts: Math.floor((random() - 0.5) * 7_200_000_000),
          category: 'system',
          location: random() < 0.5 ? 'Hall' : null,
          outcome: random() < 0.2 ? 'failure' : 'success'
        }))
      )
      buildAggregatesForSource(folder.db, id)
      expect(dump(folder.db)).toEqual(expectedDump(folder.db))
      const events = allEvents(folder.db)
      for (const [fromUs, toUs, buckets] of [
        [-3_600_000_001, 3_600_000_001, 100],
        [-1_500_000, 700_001, 1000],
        [-123_456_789, -1, 7]
      ] as const) {
        for (const groupBy of ['source', 'location'] as LaneGroup[]) {
          const req: HistogramRequest = { fromUs, toUs, buckets, groupBy, markLimit: 10 }
          expectExact(histogram(folder.db, req), events, req, [...new Set(events.map((e) => laneOf(e, groupBy)).filter((k): k is string => k !== null))])
        }
      }
    } finally {
      folder.close()
    }
  })

  it('drop only the given source', () => {
    const { folder, sourceIds } = createTimelineCase(tmp.path, 8)
    try {
      const [gone, ...kept] = sourceIds as [number, ...number[]]
      const before = kept.flatMap((id) => dump(folder.db, id))
      dropAggregatesForSource(folder.db, gone)
      expect(dump(folder.db, gone)).toEqual([])
      expect(dump(folder.db).sort()).toEqual(before.sort())
      expect(laneList(folder.db, 'source').map((l) => l.key)).not.toContain(String(gone))
    } finally {
      folder.close()
    }
  })

  /** Aggregates and histograms of the case against its events, for a few views of every grouping. */
  function expectConsistent(db: Db): void {
    expect(dump(db)).toEqual(expectedDump(db))
    const events = allEvents(db)
    const first = events[0]!.ts
    const last = events.at(-1)!.ts
    for (const groupBy of ['source', 'category', 'location'] as LaneGroup[]) {
      for (const [fromUs, toUs, buckets] of [
        [first, last + 1, 500],
        [first + 1_800_000_000 + 1, first + 9_000_000_000, 1000],
        [first - 3_600_000_000, first + 30_000_000, 1200]
      ] as const) {
        const req: HistogramRequest = { fromUs, toUs, buckets, groupBy, markLimit: 100 }
        expectExact(histogram(db, req), events, req, [...new Set(events.map((e) => laneOf(e, groupBy)).filter((k): k is string => k !== null))])
      }
    }
  }

  it('follow an imported source through a clock-offset re-derivation', async () => {
    const LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) door=(.+?) user=(\S+) (granted|denied)$/
    const importer: Importer = {
      id: 'test-doors-ms',
      name: 'Test door log',
      description: 'lines written by this test',
      sniff: (input) => (input.lines.slice(0, 5).some((l) => LINE.test(l)) ? 0.9 : 0),
      createLineParser: () => ({
        line(text) {
          const m = LINE.exec(text)
          if (!m) return bad('not a door line')
          const [, y, mo, d, h, mi, s, ms, door, user, result] = m
          return ok({
            time: { kind: 'local', year: +y!, month: +mo!, day: +d!, hour: +h!, minute: +mi!, second: +s!, micros: +ms! * 1000 },
            rawTime: text.slice(0, 23),
            category: 'access',
            action: result!,
            outcome: result === 'granted' ? 'success' : 'failure',
            actor: user,
            location: door,
            message: `${user} ${result} at ${door}`
          })
        }
      })
    }
    const random = rng(11)
    let content = ''
    let t = Date.UTC(2024, 2, 9, 20, 0, 0) // across the US DST change of 10 March
    for (let i = 0; i < 4000; i++) {
      t += Math.floor(random() < 0.1 ? random() * 600_000 : random() * 2_000)
      const d = new Date(t).toISOString()
      content += `${d.slice(0, 10)} ${d.slice(11, 23)} door=Dock ${i % 4} user=u${i % 50} ${random() < 0.1 ? 'denied' : 'granted'}\n`
    }
    const folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Retime', examiner: 'Ana', timeZone: 'America/Chicago' })
    try {
      const file = join(tmp.path, 'doors.log')
      writeFileSync(file, content)
      const acquired = await acquireEvidence(folder, { path: file }, { examiner: 'Ana' })
      const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Ana', importers: [importer] })
      expect(report.status).toBe('complete')
      const sourceId = report.sourceId!
      refreshAggregatesForSource(folder.db, sourceId)
      expectConsistent(folder.db)
      const before = dump(folder.db)
      await rederiveSource(folder, sourceId, { offsetUs: -43_250_000, reason: 'clock fast' }, 'Ana')
      refreshAggregatesForSource(folder.db, sourceId)
      expectConsistent(folder.db)
      expect(dump(folder.db)).not.toEqual(before)
    } finally {
      folder.close()
    }
  })

  it('follow an imported source through a zone and year re-read', async () => {
    const folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Retime', examiner: 'Kim', timeZone: 'UTC' })
    try {
      const acquired = await acquireEvidence(folder, { path: sample('syslog/Linux_2k.log') }, { examiner: 'Kim' })
      const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Kim', year: 2005, timeZone: 'UTC' })
      expect(report.status).toBe('complete')
      const sourceId = report.sourceId!
      refreshAggregatesForSource(folder.db, sourceId)
      expectConsistent(folder.db)
      await rederiveSource(folder, sourceId, { timeZone: 'Asia/Hong_Kong', year: 2006, reason: 'server was in Hong Kong' }, 'Kim')
      refreshAggregatesForSource(folder.db, sourceId)
      expectConsistent(folder.db)
      // Nothing of the old times is left: the first daily bucket is 14 June 2006 (UTC).
      const days = folder.db.prepare('SELECT MIN(b) AS lo, SUM(n) AS n FROM event_bucket_1d JOIN timeline_cell c ON c.id = cell WHERE c.location IS NULL').get() as { lo: number; n: number }
      expect(days).toEqual({ lo: Date.UTC(2006, 5, 14) / 86_400_000, n: 2000 })
    } finally {
      folder.close()
    }
  })

  it('are built for the events of a case written before they existed, when it is opened', () => {
    const file = join(tmp.path, 'v2.db')
    const raw = new Database(file)
    for (const m of migrations.filter((m) => m.version <= 2)) raw.exec(m.sql)
    raw.pragma('user_version = 2')
    const sources: number[] = []
    const random = rng(5)
    for (const name of ['a.log', 'b.log', 'c.log']) {
      const id = insertSource(raw, name)
      insertEvents(
        raw,
        id,
        Array.from({ length: 3000 }, () => ({
          ts: Date.UTC(2023, 5, 1) * 1000 + Math.floor(random() * 86_400_000_000),
          category: ['auth', 'access', 'video'][Math.floor(random() * 3)]!,
          location: random() < 0.4 ? null : `Door ${Math.floor(random() * 4)}`,
          outcome: random() < 0.1 ? 'failure' : 'success'
        }))
      )
      sources.push(id)
    }
    raw.close()
    const db = openDatabase(file)
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion())
      const migrated = dump(db)
      expect(migrated).toEqual(expectedDump(db))
      for (const id of sources) buildAggregatesForSource(db, id)
      expect(dump(db)).toEqual(migrated)
    } finally {
      db.close()
    }
  })
})
