// The annotation calls through the contract: requests validated on arrival, core errors as
// clear NOT_FOUND / BAD_REQUEST messages, and each write visible in custody.list.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../electron/core/api/workbench'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { tempDir } from '../../helpers/tmp'

describe('annotation calls', () => {
  let tmp: ReturnType<typeof tempDir>
  let wb: Workbench
  beforeEach(async () => {
    tmp = tempDir()
    wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
    const r = await wb.call('case.create', { dir: join(tmp.path, 'case'), name: 'Calls', timeZone: 'UTC' })
    expect(r.ok).toBe(true)
  })
  afterEach(() => {
    wb.close()
    tmp.cleanup()
  })

  it('creates, edits, deletes and lists bookmarks, each with a custody entry', async () => {
    const created = await wb.call('bookmarks.create', { fromUs: 1_700_000_000_000_000, title: 'Tailgating', narrative: 'Two people, one badge' })
    expect(created.ok).toBe(true)
    const id = created.ok ? (created.result as { id: number }).id : 0
    expect((await wb.call('bookmarks.update', { id, title: 'Tailgating at Door 3' })).ok).toBe(true)
    expect((await wb.call('bookmarks.delete', { id })).ok).toBe(true)
    const list = await wb.call('bookmarks.list', { includeDeleted: true })
    expect(list.ok && (list.result as { title: string; deleted: boolean; version: number }[])).toEqual([
      expect.objectContaining({ title: 'Tailgating at Door 3', deleted: true, version: 3 })
    ])
    const custody = await wb.call('custody.list', {})
    expect(custody.ok && (custody.result as { action: string }[]).map((e) => e.action).slice(-3)).toEqual(['bookmark.created', 'bookmark.edited', 'bookmark.deleted'])
  })

  it.each([
    ['a range that ends before it starts', 'bookmarks.create', { fromUs: 10, toUs: 5, title: 'x' }, 'BAD_REQUEST', /end after it starts/],
    ['an empty title', 'bookmarks.create', { fromUs: 10, title: '  ' }, 'BAD_REQUEST', /give the bookmark a title/],
    ['a tag with a line break', 'events.tag', { eventIds: [1], tag: 'a\nb' }, 'BAD_REQUEST', /one line/],
    ['a fractional time', 'bookmarks.create', { fromUs: 1.5, title: 'x' }, 'BAD_REQUEST', /Invalid request/],
    ['an unknown bookmark', 'bookmarks.update', { id: 99, title: 'x' }, 'NOT_FOUND', /no bookmark #99/],
    ['an unknown event', 'events.note', { eventId: 7, text: 'x' }, 'NOT_FOUND', /no event #7/],
    ['an unknown lane grouping', 'timeline.lanes', { groupBy: 'sql' }, 'BAD_REQUEST', /Invalid request/]
  ])('refuses %s', async (_label, method, params, code, message) => {
    const r = await wb.call(method, params)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe(code)
      expect(r.error.message).toMatch(message)
    }
  })

  it('keeps saved views and the working layout', async () => {
    const state = { groupBy: 'location', lanes: { location: { order: ['Door 2'], hidden: ['Door 9'] } }, filters: { tag: 'suspect' } }
    expect((await wb.call('savedViews.save', { name: 'Doors', state })).ok).toBe(true)
    expect((await wb.call('timeline.layoutSet', { state })).ok).toBe(true)
    const views = await wb.call('savedViews.list', {})
    expect(views.ok && (views.result as { name: string; state: { groupBy: string } }[]).map((v) => [v.name, v.state.groupBy])).toEqual([['Doors', 'location']])
    const layout = await wb.call('timeline.layoutGet', {})
    expect(layout.ok && (layout.result as { lanes: { location: { hidden: string[] } } }).lanes.location.hidden).toEqual(['Door 9'])
    const cams = await wb.call('timeline.cameraLanes', {})
    expect(cams).toEqual({ ok: true, result: [] })
  })
})
