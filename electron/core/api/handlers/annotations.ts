// Handlers for the calls in shared/contracts/annotations.ts: bookmarks, event tags and
// notes, saved views, the working lane layout, and the extra lane groupings of the timeline.
// Writes go through ctx.exclusive (one writer) and tell clients the case changed (the
// custody log grew).
import type { annotationsContract } from '@shared/contracts/annotations'
import {
  AnnotationError,
  addNote,
  createBookmark,
  deleteBookmark,
  deleteNote,
  listBookmarks,
  listTags,
  notesOf,
  setTag,
  tagsOfEvents,
  updateBookmark,
  updateNote
} from '../../timeline/annotations'
import { cameraLanes, laneHistogram, lanesOf } from '../../timeline/lanes'
import { deleteSavedView, getLayout, listSavedViews, saveView, setLayout } from '../../timeline/savedViews'
import type { AreaHandlers, WorkbenchContext } from '../context'
import { ApiError } from '../errors'

export function annotationsHandlers(ctx: WorkbenchContext): AreaHandlers<typeof annotationsContract> {
  const checked = new WeakSet<object>()
  const db = () => {
    const d = ctx.requireCase().db
    if (!checked.has(d)) {
      // A case made by a development build whose schema 6 was still empty has the version
      // number but not the tables: say so instead of failing with "no such table".
      if (!d.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'annotation'`).get()) {
        throw new ApiError('CONFLICT', 'This case has no annotation tables (it was created by a development build before schema 6 added them). Create the case again to use bookmarks, tags, notes and saved views.')
      }
      checked.add(d)
    }
    return d
  }
  const examiner = (): string => ctx.settings.get().examinerName
  /** A recorded change: one writer at a time, core errors as contract errors, clients told. */
  const write = async <T>(work: () => T): Promise<T> => {
    const result = await ctx.exclusive(async () => {
      try {
        return work()
      } catch (err) {
        if (err instanceof AnnotationError) throw new ApiError(err.code, err.message)
        throw err
      }
    })
    ctx.emitCaseChanged()
    return result
  }
  return {
    'bookmarks.list': ({ q, includeDeleted }) => listBookmarks(db(), { q, includeDeleted }),
    'bookmarks.create': (r) => write(() => createBookmark(db(), r, examiner())),
    'bookmarks.update': ({ id, ...patch }) => write(() => updateBookmark(db(), id, patch, examiner())),
    'bookmarks.delete': ({ id, reason }) => write(() => deleteBookmark(db(), id, examiner(), reason)),
    'events.tag': ({ eventIds, tag }) => write(() => ({ changed: setTag(db(), eventIds, tag, 'add', examiner()) })),
    'events.untag': ({ eventIds, tag }) => write(() => ({ changed: setTag(db(), eventIds, tag, 'remove', examiner()) })),
    'events.note': ({ eventId, text }) => write(() => addNote(db(), eventId, text, examiner())),
    'notes.update': ({ id, text }) => write(() => updateNote(db(), id, text, examiner())),
    'notes.delete': ({ id }) => write(() => deleteNote(db(), id, examiner())),
    'events.annotations': ({ eventId }) => ({ tags: tagsOfEvents(db(), [eventId]).get(eventId) ?? [], notes: notesOf(db(), eventId) }),
    'events.tagsOf': ({ eventIds }) => [...tagsOfEvents(db(), eventIds)].map(([eventId, tags]) => ({ eventId, tags })),
    'tags.list': () => listTags(db()),
    'savedViews.list': () => listSavedViews(db()),
    'savedViews.save': ({ name, state }) => write(() => saveView(db(), name, state, examiner())),
    'savedViews.delete': ({ name }) => write(() => ({ deleted: deleteSavedView(db(), name, examiner()) })),
    'timeline.layoutGet': () => getLayout(db()),
    // A display preference: no custody entry and no case.changed (nothing else depends on it).
    'timeline.layoutSet': ({ state }) =>
      ctx.exclusive(async () => {
        setLayout(db(), state)
        return { saved: true }
      }),
    // Lanes need only the events and aggregates.
    'timeline.lanes': ({ groupBy, limit }) => lanesOf(ctx.requireCase().db, groupBy, limit),
    'timeline.laneHistogram': (q) => laneHistogram(ctx.requireCase().db, q),
    'timeline.cameraLanes': () => cameraLanes(ctx.requireCase().db)
  }
}
