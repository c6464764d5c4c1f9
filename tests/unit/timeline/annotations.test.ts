// Bookmarks, notes, tags and saved views: every change is a custody entry, edits are new
// versions, deletions tombstones, the rows cannot be rewritten, and all of it survives
// closing and reopening the case. Plus the tag filter and keyset paging of events.query.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ViewState } from '../../../shared/contracts/annotations'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { checkCustodyChain, listCustody } from '../../../electron/core/case/custody'
import {
  addNote,
  createBookmark,
  deleteBookmark,
  deleteNote,
  listAnnotations,
  listBookmarks,
  listTags,
  notesOf,
  setTag,
  tagsOfEvents,
  updateBookmark,
  updateNote
} from '../../../electron/core/timeline/annotations'
import { queryEvents } from '../../../electron/core/timeline/eventQuery'
import { cameraLanes, laneHistogram, lanesOf } from '../../../electron/core/timeline/lanes'
import { deleteSavedView, getLayout, listSavedViews, saveView, setLayout } from '../../../electron/core/timeline/savedViews'
import { buildAggregatesForSource } from '../../../electron/core/timeline/aggregates'
import { insertEvents, insertSource } from './timelineFixture'

const T0 = Date.UTC(2024, 4, 3, 22, 0, 0) * 1000
let dir: string
let folder: CaseFolder
let caseDir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iwb-annot-'))
  caseDir = join(dir, 'case')
  folder = CaseFolder.create(caseDir, { name: 'Annotations', examiner: 'Ana', timeZone: 'UTC' })
  const source = insertSource(folder.db, 'badges.csv')
  // 1,200 events, several sharing each timestamp (keyset paging must not skip or repeat them).
  insertEvents(
    folder.db,
    source,
    Array.from({ length: 1200 }, (_, i) => ({
      ts: T0 + Math.floor(i / 3) * 1_000_000,
      category: i % 2 ? 'access' : 'auth',
      outcome: i % 7 === 0 ? 'failure' : 'success',
      location: i % 2 ? `Door ${i % 5}` : null,
      actor: `user${i % 13}`
    }))
  )
  buildAggregatesForSource(folder.db, source)
})
afterEach(() => {
  folder.close()
  rmSync(dir, { recursive: true, force: true })
})

const reopen = (): void => {
  folder.close()
  folder = CaseFolder.open(caseDir)
}
const actions = (): string[] => listCustody(folder.db).map((e) => e.action)

describe('bookmarks', () => {
  it('writes a custody entry for create, edit and delete, keeps every version, and survives reopening', () => {
    const before = listCustody(folder.db).length
    const b = createBookmark(folder.db, { fromUs: T0, toUs: null, title: 'Door forced', narrative: 'Badge denied then granted' }, 'Ana')
    expect(b).toMatchObject({ version: 1, title: 'Door forced', toUs: null, deleted: false })
    const edited = updateBookmark(folder.db, b.id, { title: 'Door 3 forced', toUs: T0 + 60_000_000 }, 'Ben')
    expect(edited).toMatchObject({ version: 2, title: 'Door 3 forced', narrative: 'Badge denied then granted', toUs: T0 + 60_000_000, examiner: 'Ben' })
    const range = createBookmark(folder.db, { fromUs: T0 + 10_000_000, toUs: T0 + 20_000_000, title: 'Spray', narrative: '' }, 'Ana')
    deleteBookmark(folder.db, range.id, 'Ana', 'duplicate')
    expect(actions().slice(before)).toEqual(['bookmark.created', 'bookmark.edited', 'bookmark.created', 'bookmark.deleted'])
    const entry = listCustody(folder.db).at(-1)!
    expect(entry.object).toBe(`bookmark ${range.id}`)
    expect(entry.details).toMatchObject({ reason: 'duplicate', title: 'Spray' })

    reopen()
    expect(listBookmarks(folder.db).map((x) => x.title)).toEqual(['Door 3 forced'])
    expect(listBookmarks(folder.db, { includeDeleted: true }).map((x) => [x.title, x.deleted])).toEqual([
      ['Door 3 forced', false],
      ['Spray', true]
    ])
    expect(listBookmarks(folder.db, { q: 'granted' }).map((x) => x.id)).toEqual([b.id])
    expect(checkCustodyChain(folder.db).problems).toEqual([])

    const history = listAnnotations(folder.db)
    const first = history.annotations.find((a) => a.id === b.id)!
    expect(first.versions.map((v) => v.title)).toEqual(['Door forced', 'Door 3 forced'])
    expect(history.annotations.find((a) => a.id === range.id)!.versions.map((v) => v.deleted)).toEqual([false, true])
  })

  it('refuses to rewrite or remove a version, and to edit a deleted bookmark', () => {
    const b = createBookmark(folder.db, { fromUs: T0, toUs: null, title: 'x', narrative: '' }, 'Ana')
    expect(() => folder.db.prepare('UPDATE annotation_version SET title = ?').run('y')).toThrow(/append-only/)
    expect(() => folder.db.prepare('DELETE FROM annotation_version').run()).toThrow(/append-only/)
    expect(() => folder.db.prepare('DELETE FROM annotation').run()).toThrow(/append-only/)
    deleteBookmark(folder.db, b.id, 'Ana')
    expect(() => updateBookmark(folder.db, b.id, { title: 'z' }, 'Ana')).toThrow(/deleted/)
    expect(() => createBookmark(folder.db, { fromUs: T0, toUs: T0, title: 'r', narrative: '' }, 'Ana')).toThrow(/end after/)
    expect(() => updateBookmark(folder.db, 999, { title: 'z' }, 'Ana')).toThrow(/no bookmark #999/)
  })
})

describe('notes and tags', () => {
  it('versions notes and logs tag changes, with the event reference, through a reopen', () => {
    const [e1, e2, e3] = queryEvents(folder.db, { limit: 3 })
    const note = addNote(folder.db, e1!.id, 'First sighting', 'Ana')
    updateNote(folder.db, note.id, 'First sighting of user0', 'Ana')
    const other = addNote(folder.db, e1!.id, 'typo', 'Ana')
    deleteNote(folder.db, other.id, 'Ana')
    expect(setTag(folder.db, [e1!.id, e2!.id], 'suspect', 'add', 'Ana')).toBe(2)
    expect(setTag(folder.db, [e1!.id, e3!.id], 'suspect', 'add', 'Ana')).toBe(1) // e1 already has it
    expect(setTag(folder.db, [e2!.id], 'suspect', 'remove', 'Ana')).toBe(1)
    expect(setTag(folder.db, [e2!.id], 'suspect', 'remove', 'Ana')).toBe(0) // nothing to record
    setTag(folder.db, [e2!.id], 'door-3', 'add', 'Ana')
    expect(actions().filter((a) => a.startsWith('note.') || a.startsWith('event.'))).toEqual([
      'note.created',
      'note.edited',
      'note.created',
      'note.deleted',
      'event.tagged',
      'event.tagged',
      'event.untagged',
      'event.tagged'
    ])
    const tagged = listCustody(folder.db).find((e) => e.action === 'event.tagged')!
    expect(tagged.details).toMatchObject({ tag: 'suspect', events: [e1!.id, e2!.id] })
    expect(String((tagged.details.eventRefs as string[])[0])).toMatch(/^[0-9a-f]{64}:\d+$/)

    reopen()
    expect(notesOf(folder.db, e1!.id).map((n) => [n.text, n.version])).toEqual([['First sighting of user0', 2]])
    expect(listTags(folder.db)).toEqual([
      { tag: 'door-3', events: 1 },
      { tag: 'suspect', events: 2 }
    ])
    expect(tagsOfEvents(folder.db, [e1!.id, e2!.id, e3!.id])).toEqual(
      new Map([
        [e1!.id, ['suspect']],
        [e2!.id, ['door-3']],
        [e3!.id, ['suspect']]
      ])
    )
    expect(listAnnotations(folder.db).tagLog.map((t) => `${t.op} ${t.tag} ${t.eventId}`)).toEqual([
      `add suspect ${e1!.id}`,
      `add suspect ${e2!.id}`,
      `add suspect ${e3!.id}`,
      `remove suspect ${e2!.id}`,
      `add door-3 ${e2!.id}`
    ])
    expect(() => folder.db.prepare('DELETE FROM event_tag_log').run()).toThrow(/append-only/)
    expect(checkCustodyChain(folder.db).problems).toEqual([])
  })

  it('filters events.query by tag, combined with other filters', () => {
    const events = queryEvents(folder.db, { limit: 100 })
    setTag(folder.db, events.slice(10, 20).map((e) => e.id), 'suspect', 'add', 'Ana')
    const tagged = queryEvents(folder.db, { tag: 'suspect', limit: 100 })
    expect(tagged.map((e) => e.id)).toEqual(events.slice(10, 20).map((e) => e.id))
    expect(queryEvents(folder.db, { tag: 'suspect', category: 'access', limit: 100 }).every((e) => e.category === 'access')).toBe(true)
    expect(queryEvents(folder.db, { tag: 'nobody', limit: 100 })).toEqual([])
    expect(() => addNote(folder.db, 999_999, 'x', 'Ana')).toThrow(/no event #999999/)
  })
})

describe('keyset paging', () => {
  it('walks every event once, in (ts, id) order, across equal timestamps', () => {
    const seen: number[] = []
    let after: { ts: string; id: number } | null = null
    for (;;) {
      const page = queryEvents(folder.db, { limit: 250, after, category: null })
      if (page.length === 0) break
      seen.push(...page.map((e) => e.id))
      const last = page.at(-1)!
      after = { ts: last.ts, id: last.id }
    }
    const all = queryEvents(folder.db, { limit: 10_000 })
    expect(seen).toEqual(all.map((e) => e.id))
    expect(new Set(seen).size).toBe(1200)
  })
})

describe('newest first (stepping backwards with [)', () => {
  it('gives the events just before an instant, newest first, and pages backwards without gaps', () => {
    const all = queryEvents(folder.db, { limit: 10_000 })
    const pivot = all[700]!
    const before = all.filter((e) => e.ts < pivot.ts)
    const [previous] = queryEvents(folder.db, { to: pivot.ts, limit: 1, newestFirst: true })
    expect(previous!.id).toBe(before.at(-1)!.id)
    const seen: number[] = []
    let after: { ts: string; id: number } | null = null
    for (;;) {
      const page = queryEvents(folder.db, { to: pivot.ts, limit: 97, after, newestFirst: true })
      if (page.length === 0) break
      seen.push(...page.map((e) => e.id))
      after = { ts: page.at(-1)!.ts, id: page.at(-1)!.id }
    }
    expect(seen).toEqual(before.map((e) => e.id).reverse())
  })
})

describe('saved views and layout', () => {
  it('saves, replaces and deletes views with custody entries, and keeps the layout, through a reopen', () => {
    const state = ViewState.parse({
      filters: { category: 'access', tag: 'suspect' },
      groupBy: 'location',
      lanes: { location: { order: ['Door 3', 'Door 1'], hidden: ['Door 2'], collapsed: ['Door 4'] } },
      range: { fromUs: T0, toUs: T0 + 3_600_000_000 },
      hiddenColumns: ['message']
    })
    saveView(folder.db, 'Doors at night', state, 'Ana')
    saveView(folder.db, 'Doors at night', { ...state, groupBy: 'source' }, 'Ana')
    saveView(folder.db, 'Spray', ViewState.parse({}), 'Ana')
    expect(deleteSavedView(folder.db, 'Spray', 'Ana')).toBe(true)
    expect(deleteSavedView(folder.db, 'Spray', 'Ana')).toBe(false)
    setLayout(folder.db, state)
    expect(actions().filter((a) => a.startsWith('view.'))).toEqual(['view.saved', 'view.saved', 'view.saved', 'view.deleted'])
    reopen()
    const views = listSavedViews(folder.db)
    expect(views.map((v) => v.name)).toEqual(['Doors at night'])
    expect(views[0]!.state).toEqual({ ...state, groupBy: 'source' })
    expect(getLayout(folder.db)).toEqual(state)
  })
})

describe('lanes', () => {
  it('gives person lanes for the busiest actors and histograms only the lanes asked for', () => {
    const people = lanesOf(folder.db, 'actor', 3)
    expect(people).toHaveLength(3)
    expect(people[0]!.events).toBeGreaterThanOrEqual(people[2]!.events)
    const from = T0
    const to = T0 + 400_000_000
    const h = laneHistogram(folder.db, { fromUs: from, toUs: to, buckets: 40, groupBy: 'actor', keys: ['user1', 'user2'] })
    expect(h.lanes.map((l) => l.key).sort()).toEqual(['user1', 'user2'])
    const all = laneHistogram(folder.db, { fromUs: from, toUs: to, buckets: 40, groupBy: 'location', keys: null })
    const some = laneHistogram(folder.db, { fromUs: from, toUs: to, buckets: 40, groupBy: 'location', keys: ['Door 1', 'Door 3'] })
    expect(some.lanes.map((l) => l.key).sort()).toEqual(['Door 1', 'Door 3'])
    for (const lane of some.lanes) expect(lane.total).toBe(all.lanes.find((l) => l.key === lane.key)!.total)
    expect(cameraLanes(folder.db)).toEqual([])
  })
})

describe('mark budget', () => {
  it('reads marks for the quietest lanes only, up to the budget, and keeps every count', async () => {
    const { histogram } = await import('../../../electron/core/timeline/histogram')
    const req = { fromUs: T0, toUs: T0 + 400_000_000, buckets: 20, groupBy: 'location' as const }
    const free = histogram(folder.db, { ...req, markBudget: Number.MAX_SAFE_INTEGER })
    const tight = histogram(folder.db, { ...req, markBudget: 250 })
    expect(free.lanes.every((l) => l.marks !== null)).toBe(true)
    const withMarks = tight.lanes.filter((l) => l.marks !== null)
    expect(withMarks.reduce((a, l) => a + l.marks!.length, 0)).toBeLessThanOrEqual(250)
    expect(withMarks.length).toBeLessThan(tight.lanes.length)
    expect(tight.lanes.map((l) => [l.key, l.total, l.counts])).toEqual(free.lanes.map((l) => [l.key, l.total, l.counts]))
  })
})
