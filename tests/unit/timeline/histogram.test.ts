// Histogram counts from the pre-aggregates must equal a brute-force count of the events for
// any range, bucket count, grouping and filter: ranges that cut stored buckets in half, that
// end inside a second, that hold nothing, or only a burst finer than a millisecond.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CaseFolder } from '../../../electron/core/case/caseFolder'
import { LEVELS } from '../../../electron/core/timeline/aggregates'
import {
  caseExtent,
  histogram,
  histogramGrid,
  laneList,
  type HistogramFilter,
  type HistogramRequest,
  type LaneGroup
} from '../../../electron/core/timeline/histogram'
import { tempDir } from '../../helpers/tmp'
import { allEvents, BASE, BURST_AT, createTimelineCase, expectExact, HOUR, laneOf, rng, SPAN, type FixtureEvent } from './timelineFixture'

describe('timeline histogram', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  let events: FixtureEvent[]
  let sourceIds: number[]
  beforeAll(() => {
    tmp = tempDir()
    ;({ folder, sourceIds } = createTimelineCase(tmp.path))
    events = allEvents(folder.db)
  })
  afterAll(() => {
    folder.close()
    tmp.cleanup()
  })

  const lanesFor = (groupBy: LaneGroup, filter: HistogramFilter = {}): string[] =>
    groupBy === 'actor' ? [...new Set(filter.actors)] : [...new Set(events.map((e) => laneOf(e, groupBy, filter)).filter((k): k is string => k !== null))]

  it('equals a brute-force count for 600 random views, groupings and filters', () => {
    const random = rng(99)
    const groupings: LaneGroup[] = ['source', 'category', 'location', 'actor']
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!
    const levels = LEVELS.map((l) => l.us)
    let views = 0
    const seen = new Set<string>()
    for (let v = 0; v < 600; v++) {
      const kind = v % 6
      let fromUs: number
      let toUs: number
      if (kind === 0) {
        // Anywhere, to the microsecond.
        fromUs = BASE - HOUR + Math.floor(random() * (SPAN + 2 * HOUR))
        toUs = fromUs + 1 + Math.floor(random() * (BASE + SPAN + HOUR - fromUs))
      } else if (kind === 1) {
        // Cutting stored buckets in half: edges at the middle of a level's bucket.
        const w = pick(levels)
        fromUs = Math.floor((BASE + random() * SPAN) / w) * w + w / 2
        toUs = fromUs + (1 + Math.floor(random() * 40)) * w + pick([0, w / 2, 1, w - 1])
      } else if (kind === 2) {
        // Inside a burst, finer than a second.
        const e = pick(events)
        fromUs = e.ts - Math.floor(random() * 2_000_000)
        toUs = fromUs + 1 + Math.floor(random() * 20_000_000)
      } else if (kind === 3) {
        // Whole extent and beyond.
        fromUs = BASE - Math.floor(random() * 10 * HOUR)
        toUs = BASE + SPAN + Math.floor(random() * 10 * HOUR)
      } else if (kind === 4) {
        // Exactly on edges of coarse buckets.
        fromUs = BASE + Math.floor(random() * 48) * HOUR
        toUs = fromUs + (1 + Math.floor(random() * 24)) * HOUR
      } else {
        // Nothing there.
        fromUs = BASE + SPAN + 100 * HOUR + Math.floor(random() * HOUR)
        toUs = fromUs + 1 + Math.floor(random() * HOUR)
      }
      const groupBy = pick(groupings)
      const filter: HistogramFilter = {}
      if (random() < 0.3) filter.sourceIds = sourceIds.filter(() => random() < 0.5)
      if (random() < 0.3) filter.categories = ['access', 'auth', 'video', 'network', 'system'].filter(() => random() < 0.5)
      if (groupBy === 'actor') filter.actors = ['nobody', ...Array.from({ length: 12 }, (_, i) => `user${i}`)].filter(() => random() < 0.4)
      const req: HistogramRequest = { fromUs, toUs, buckets: 1 + Math.floor(random() * random() * 3000), groupBy, filter, markLimit: pick([0, 20, 2000]), markBudget: Number.MAX_SAFE_INTEGER }
      const h = histogram(folder.db, req)
      expectExact(h, events, req, lanesFor(groupBy, filter))
      for (const l of h.lanes) seen.add(l.levelUs === null ? (l.marks ? 'marks from events' : 'counted from events') : `level ${l.levelUs}`)
      views++
    }
    expect(views).toBe(600)
    // Every way of answering was exercised.
    expect(seen).toContain('marks from events')
    expect(seen).toContain('counted from events')
    for (const level of LEVELS.slice(0, -1)) expect(seen).toContain(`level ${level.us}`)
  })

  it('re-bins the coarsest stored level no wider than a requested bucket, k of its buckets per bar', () => {
    const fromUs = BASE + 1234
    const toUs = BASE + SPAN - 999
    for (const buckets of [1, 7, 100, 500, 1000, 4000]) {
      const h = histogram(folder.db, { fromUs, toUs, buckets, groupBy: 'source' })
      const want = (toUs - fromUs) / buckets
      const level = LEVELS.filter((l) => l.us <= want).at(-1)!
      expect(h.levelUs).toBe(level.us)
      expect(h.bucketUs % h.levelUs).toBe(0)
      expect(h.bucketUs).toBeGreaterThanOrEqual((want * 2) / 3)
      expect(h.bucketUs).toBeLessThanOrEqual(want * 1.5)
      expect(h.lanes.every((l) => l.levelUs === level.us && l.bucketUs === h.bucketUs && l.counts.length === h.lanes[0]!.counts.length)).toBe(true)
      expectExact(h, events, { fromUs, toUs, buckets, groupBy: 'source' }, lanesFor('source'))
    }
    // 3 days in 1,000 bars: 259 s each, so the 1-minute level, 4 buckets a bar.
    expect(histogramGrid(BASE, BASE + SPAN, 1000)).toMatchObject({ bucketUs: 4 * 60_000_000, level: 2 })
  })

  it('gives marks for lanes with few events, and below one second counts the events', () => {
    const req: HistogramRequest = { fromUs: BURST_AT - 4_000_000, toUs: BURST_AT + 6_000_000, buckets: 1000, groupBy: 'category', markLimit: 100 }
    const h = histogram(folder.db, req)
    expect(h).toMatchObject({ levelUs: 0, bucketUs: 10_000, startUs: req.fromUs })
    const lane = (key: string) => h.lanes.find((l) => l.key === key)!
    expect(lane('process')).toMatchObject({ levelUs: null, marks: null })
    expect(lane('process').total).toBeGreaterThanOrEqual(3000)
    expect(lane('process').counts[400]).toBe(15)
    expect(lane('other').marks!.length).toBe(lane('other').total)
    expectExact(h, events, req, lanesFor('category'))
  })

  it('draws a lane too dense to count event by event at 1 s', () => {
    const req: HistogramRequest = { fromUs: BASE, toUs: BASE + 900_000_000, buckets: 1000, groupBy: 'category', markLimit: 3, eventCountLimit: 10 }
    const h = histogram(folder.db, req)
    const dense = h.lanes.filter((l) => l.total > 10)
    expect(dense.length).toBeGreaterThan(0)
    for (const l of dense) expect({ bucketUs: l.bucketUs, levelUs: l.levelUs }).toEqual({ bucketUs: 1_000_000, levelUs: 1_000_000 })
    expect(h.lanes.filter((l) => l.total <= 10).every((l) => l.bucketUs === 900_000 && l.levelUs === null)).toBe(true)
    expectExact(h, events, req, lanesFor('category'))
  })

  it('lists lanes and the case extent from the summaries', () => {
    const extent = caseExtent(folder.db)
    expect(extent).toEqual({ firstUs: events[0]!.ts, lastUs: events.at(-1)!.ts, events: events.length, sources: sourceIds.length })
    for (const groupBy of ['source', 'category', 'location'] as LaneGroup[]) {
      const lanes = laneList(folder.db, groupBy)
      expect(lanes.map((l) => l.key).sort()).toEqual(lanesFor(groupBy).sort())
      for (const lane of lanes) {
        const mine = events.filter((e) => laneOf(e, groupBy) === lane.key)
        expect(lane).toMatchObject({
          events: mine.length,
          failures: mine.filter((e) => e.outcome === 'failure').length,
          firstUs: mine[0]!.ts,
          lastUs: mine.at(-1)!.ts
        })
      }
      for (let i = 1; i < lanes.length; i++) expect(lanes[i - 1]!.events).toBeGreaterThanOrEqual(lanes[i]!.events)
    }
    expect(laneList(folder.db, 'source').map((l) => l.label)).toContain('badges.csv')
    // Person lanes are the people asked for, counted from the actor index.
    const user1 = events.filter((e) => e.actor === 'user1')
    expect(laneList(folder.db, 'actor', { actors: ['nobody', 'user1'] })).toEqual([
      { key: 'user1', label: 'user1', events: user1.length, failures: user1.filter((e) => e.outcome === 'failure').length, firstUs: user1[0]!.ts, lastUs: user1.at(-1)!.ts },
      { key: 'nobody', label: 'nobody', events: 0, failures: 0, firstUs: null, lastUs: null }
    ])
    // A door seen by the badge reader and the camera is one lane.
    expect(laneList(folder.db, 'location').find((l) => l.key === 'Door 1')!.events).toBe(events.filter((e) => e.location === 'Door 1').length)
  })

  it('refuses a malformed request', () => {
    expect(() => histogram(folder.db, { fromUs: 10, toUs: 10, buckets: 10, groupBy: 'source' })).toThrow(RangeError)
    expect(() => histogram(folder.db, { fromUs: 0, toUs: 10, buckets: 0, groupBy: 'source' })).toThrow(RangeError)
    expect(() => histogram(folder.db, { fromUs: 0.5, toUs: 10, buckets: 1, groupBy: 'source' })).toThrow(RangeError)
  })
})
