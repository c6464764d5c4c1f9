// Bookmarks, event notes and event tags (schema v6). Every change is one custody entry
// written in the same transaction as the rows it records, so both land or neither. Nothing
// is rewritten: an edit adds a version, a deletion adds a tombstone version, untagging adds
// a 'remove' row to the tag log (see schema/v6_annotations.ts).
import type { Bookmark, EventNote } from '@shared/contracts/annotations'
import { microsToIso, nowMicros } from '@shared/time'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'

export class AnnotationError extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST',
    message: string
  ) {
    super(message)
  }
}

interface VersionRow {
  id: number
  kind: 'bookmark' | 'note'
  event_id: number | null
  event_ref: string | null
  created_us: number
  version: number
  from_us: number | null
  to_us: number | null
  title: string
  body: string
  deleted: number
  ts_us: number
  examiner: string
  custody_seq: number
}

const LATEST = `
  SELECT a.id, a.kind, a.event_id, a.event_ref, a.created_us, v.version, v.from_us, v.to_us, v.title, v.body, v.deleted, v.ts_us, v.examiner, v.custody_seq
    FROM annotation a
    JOIN annotation_version v ON v.annotation_id = a.id
     AND v.version = (SELECT MAX(version) FROM annotation_version WHERE annotation_id = a.id)`

function toBookmark(r: VersionRow): Bookmark {
  return {
    id: r.id,
    version: r.version,
    fromUs: r.from_us ?? 0,
    toUs: r.to_us,
    title: r.title,
    narrative: r.body,
    deleted: r.deleted === 1,
    createdAt: microsToIso(r.created_us),
    updatedAt: microsToIso(r.ts_us),
    examiner: r.examiner
  }
}

function toNote(r: VersionRow): EventNote {
  return {
    id: r.id,
    eventId: r.event_id ?? 0,
    version: r.version,
    text: r.body,
    deleted: r.deleted === 1,
    createdAt: microsToIso(r.created_us),
    updatedAt: microsToIso(r.ts_us),
    examiner: r.examiner
  }
}

function latest(db: Db, id: number, kind: 'bookmark' | 'note'): VersionRow {
  const row = db.prepare(`${LATEST} WHERE a.id = ? AND a.kind = ?`).get(id, kind) as VersionRow | undefined
  if (!row) throw new AnnotationError('NOT_FOUND', `There is no ${kind} #${id} in this case.`)
  return row
}

interface VersionInput {
  fromUs: number | null
  toUs: number | null
  title: string
  body: string
  deleted: boolean
}

function addVersion(db: Db, id: number, version: number, v: VersionInput, examiner: string, tsUs: number, custodySeq: number): void {
  db.prepare(
    `INSERT INTO annotation_version (annotation_id, version, from_us, to_us, title, body, deleted, ts_us, examiner, custody_seq)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(id, version, v.fromUs, v.toUs, v.title, v.body, v.deleted ? 1 : 0, tsUs, examiner, custodySeq)
}

function eventRef(db: Db, eventId: number): string {
  const row = db
    .prepare('SELECT ev.sha256 AS sha256, e.ref_offset AS offset FROM event e JOIN source s ON s.id = e.source_id JOIN evidence ev ON ev.id = s.evidence_id WHERE e.id = ?')
    .get(eventId) as { sha256: string; offset: number } | undefined
  if (!row) throw new AnnotationError('NOT_FOUND', `There is no event #${eventId} in this case.`)
  return `${row.sha256}:${row.offset}`
}

// ---- bookmarks ----

export interface BookmarkInput {
  fromUs: number
  toUs: number | null
  title: string
  narrative: string
}

function checkRange(fromUs: number, toUs: number | null): void {
  if (toUs !== null && toUs <= fromUs) throw new AnnotationError('BAD_REQUEST', 'A bookmarked range must end after it starts.')
}

export function createBookmark(db: Db, input: BookmarkInput, examiner: string): Bookmark {
  checkRange(input.fromUs, input.toUs)
  return db.transaction(() => {
    const tsUs = nowMicros()
    const id = Number(db.prepare(`INSERT INTO annotation (kind, created_us, examiner) VALUES ('bookmark', ?, ?)`).run(tsUs, examiner).lastInsertRowid)
    const entry = appendCustody(db, {
      examiner,
      action: 'bookmark.created',
      object: `bookmark ${id}`,
      tsUs,
      details: { version: 1, from: microsToIso(input.fromUs), to: input.toUs === null ? null : microsToIso(input.toUs), title: input.title, narrative: input.narrative }
    })
    addVersion(db, id, 1, { fromUs: input.fromUs, toUs: input.toUs, title: input.title, body: input.narrative, deleted: false }, examiner, tsUs, entry.seq)
    return toBookmark(latest(db, id, 'bookmark'))
  })()
}

export function updateBookmark(db: Db, id: number, patch: Partial<BookmarkInput>, examiner: string): Bookmark {
  return db.transaction(() => {
    const cur = latest(db, id, 'bookmark')
    if (cur.deleted) throw new AnnotationError('BAD_REQUEST', `Bookmark #${id} was deleted; it cannot be edited.`)
    const next = {
      fromUs: patch.fromUs ?? cur.from_us ?? 0,
      toUs: patch.toUs === undefined ? cur.to_us : patch.toUs,
      title: patch.title ?? cur.title,
      body: patch.narrative ?? cur.body,
      deleted: false
    }
    checkRange(next.fromUs, next.toUs)
    const tsUs = nowMicros()
    const version = cur.version + 1
    const entry = appendCustody(db, {
      examiner,
      action: 'bookmark.edited',
      object: `bookmark ${id}`,
      tsUs,
      details: {
        version,
        from: microsToIso(next.fromUs),
        to: next.toUs === null ? null : microsToIso(next.toUs),
        title: next.title,
        narrative: next.body,
        previousVersion: cur.version
      }
    })
    addVersion(db, id, version, next, examiner, tsUs, entry.seq)
    return toBookmark(latest(db, id, 'bookmark'))
  })()
}

export function deleteBookmark(db: Db, id: number, examiner: string, reason = ''): Bookmark {
  return db.transaction(() => {
    const cur = latest(db, id, 'bookmark')
    if (cur.deleted) throw new AnnotationError('BAD_REQUEST', `Bookmark #${id} is already deleted.`)
    const tsUs = nowMicros()
    const version = cur.version + 1
    const entry = appendCustody(db, { examiner, action: 'bookmark.deleted', object: `bookmark ${id}`, tsUs, details: { version, title: cur.title, reason } })
    // The tombstone keeps the last content, so the deleted bookmark stays readable in the history.
    addVersion(db, id, version, { fromUs: cur.from_us, toUs: cur.to_us, title: cur.title, body: cur.body, deleted: true }, examiner, tsUs, entry.seq)
    return toBookmark(latest(db, id, 'bookmark'))
  })()
}

/** Current bookmarks in time order; `q` matches title or narrative (case-insensitive). */
export function listBookmarks(db: Db, opts: { q?: string | null; includeDeleted?: boolean } = {}): Bookmark[] {
  const rows = db.prepare(`${LATEST} WHERE a.kind = 'bookmark' ORDER BY v.from_us, a.id`).all() as VersionRow[]
  const q = opts.q?.trim().toLowerCase() ?? ''
  return rows
    .filter((r) => (opts.includeDeleted || r.deleted === 0) && (!q || r.title.toLowerCase().includes(q) || r.body.toLowerCase().includes(q)))
    .map(toBookmark)
}

// ---- notes ----

export function addNote(db: Db, eventId: number, text: string, examiner: string): EventNote {
  return db.transaction(() => {
    const ref = eventRef(db, eventId)
    const tsUs = nowMicros()
    const id = Number(
      db.prepare(`INSERT INTO annotation (kind, event_id, event_ref, created_us, examiner) VALUES ('note', ?, ?, ?, ?)`).run(eventId, ref, tsUs, examiner)
        .lastInsertRowid
    )
    const entry = appendCustody(db, { examiner, action: 'note.created', object: `note ${id}`, tsUs, details: { version: 1, event: eventId, eventRef: ref, text } })
    addVersion(db, id, 1, { fromUs: null, toUs: null, title: '', body: text, deleted: false }, examiner, tsUs, entry.seq)
    return toNote(latest(db, id, 'note'))
  })()
}

export function updateNote(db: Db, id: number, text: string, examiner: string): EventNote {
  return db.transaction(() => {
    const cur = latest(db, id, 'note')
    if (cur.deleted) throw new AnnotationError('BAD_REQUEST', `Note #${id} was deleted; it cannot be edited.`)
    const tsUs = nowMicros()
    const version = cur.version + 1
    const entry = appendCustody(db, { examiner, action: 'note.edited', object: `note ${id}`, tsUs, details: { version, event: cur.event_id, text, previousVersion: cur.version } })
    addVersion(db, id, version, { fromUs: null, toUs: null, title: '', body: text, deleted: false }, examiner, tsUs, entry.seq)
    return toNote(latest(db, id, 'note'))
  })()
}

export function deleteNote(db: Db, id: number, examiner: string): EventNote {
  return db.transaction(() => {
    const cur = latest(db, id, 'note')
    if (cur.deleted) throw new AnnotationError('BAD_REQUEST', `Note #${id} is already deleted.`)
    const tsUs = nowMicros()
    const version = cur.version + 1
    const entry = appendCustody(db, { examiner, action: 'note.deleted', object: `note ${id}`, tsUs, details: { version, event: cur.event_id } })
    addVersion(db, id, version, { fromUs: null, toUs: null, title: '', body: cur.body, deleted: true }, examiner, tsUs, entry.seq)
    return toNote(latest(db, id, 'note'))
  })()
}

export function notesOf(db: Db, eventId: number): EventNote[] {
  return (db.prepare(`${LATEST} WHERE a.kind = 'note' AND a.event_id = ? AND v.deleted = 0 ORDER BY a.id`).all(eventId) as VersionRow[]).map(toNote)
}

// ---- tags ----

/**
 * Adds (or removes) a tag on events. Events that already carry it (or do not) are skipped;
 * one custody entry records the whole change with the event ids and their evidence refs.
 */
export function setTag(db: Db, eventIds: number[], tag: string, op: 'add' | 'remove', examiner: string): number {
  const clean = tag.trim()
  if (!clean) throw new AnnotationError('BAD_REQUEST', 'A tag cannot be empty.')
  return db.transaction(() => {
    const has = db.prepare('SELECT 1 FROM event_tag WHERE tag = ? AND event_id = ?').pluck()
    const ids = [...new Set(eventIds)].filter((id) => (has.get(clean, id) === 1) === (op === 'remove'))
    if (ids.length === 0) return 0
    const refs = ids.map((id) => eventRef(db, id))
    const tsUs = nowMicros()
    const entry = appendCustody(db, {
      examiner,
      action: op === 'add' ? 'event.tagged' : 'event.untagged',
      object: ids.length === 1 ? `event ${ids[0]}` : `${ids.length} events`,
      tsUs,
      details: { tag: clean, events: ids, eventRefs: refs }
    })
    const log = db.prepare('INSERT INTO event_tag_log (event_id, event_ref, tag, op, ts_us, examiner, custody_seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
    const change = db.prepare(op === 'add' ? 'INSERT INTO event_tag (tag, event_id) VALUES (?, ?)' : 'DELETE FROM event_tag WHERE tag = ? AND event_id = ?')
    ids.forEach((id, i) => {
      log.run(id, refs[i], clean, op, tsUs, examiner, entry.seq)
      change.run(clean, id)
    })
    return ids.length
  })()
}

export function tagsOfEvents(db: Db, eventIds: number[]): Map<number, string[]> {
  const out = new Map<number, string[]>()
  if (eventIds.length === 0) return out
  const rows = db
    .prepare('SELECT event_id, tag FROM event_tag WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY tag')
    .raw()
    .all(JSON.stringify(eventIds)) as [number, string][]
  for (const [id, tag] of rows) out.set(id, [...(out.get(id) ?? []), tag])
  return out
}

export function listTags(db: Db): { tag: string; events: number }[] {
  return db.prepare('SELECT tag, COUNT(*) AS events FROM event_tag GROUP BY tag ORDER BY tag').all() as { tag: string; events: number }[]
}

// ---- for export ----

export interface AnnotationHistory {
  /** Every bookmark and note with all its versions (tombstones included), oldest first. */
  annotations: {
    id: number
    kind: 'bookmark' | 'note'
    eventId: number | null
    eventRef: string | null
    createdAt: string
    examiner: string
    versions: {
      version: number
      from: string | null
      to: string | null
      title: string
      body: string
      deleted: boolean
      at: string
      examiner: string
      custodySeq: number
    }[]
  }[]
  /** Every tag and untag, in order. */
  tagLog: { eventId: number; eventRef: string; tag: string; op: 'add' | 'remove'; at: string; examiner: string; custodySeq: number }[]
  /** The tags events carry now. */
  tags: { eventId: number; tag: string }[]
}

/** All annotations of the case with their full history, for export (bag, report). */
export function listAnnotations(db: Db): AnnotationHistory {
  const heads = db.prepare('SELECT id, kind, event_id, event_ref, created_us, examiner FROM annotation ORDER BY id').all() as {
    id: number
    kind: 'bookmark' | 'note'
    event_id: number | null
    event_ref: string | null
    created_us: number
    examiner: string
  }[]
  const versions = db.prepare('SELECT * FROM annotation_version ORDER BY annotation_id, version').all() as (Omit<VersionRow, 'id' | 'kind' | 'event_id' | 'event_ref' | 'created_us'> & {
    annotation_id: number
  })[]
  const byId = new Map<number, AnnotationHistory['annotations'][number]['versions']>()
  for (const v of versions) {
    const list = byId.get(v.annotation_id) ?? []
    list.push({
      version: v.version,
      from: v.from_us === null ? null : microsToIso(v.from_us),
      to: v.to_us === null ? null : microsToIso(v.to_us),
      title: v.title,
      body: v.body,
      deleted: v.deleted === 1,
      at: microsToIso(v.ts_us),
      examiner: v.examiner,
      custodySeq: v.custody_seq
    })
    byId.set(v.annotation_id, list)
  }
  const tagLog = (
    db.prepare('SELECT event_id, event_ref, tag, op, ts_us, examiner, custody_seq FROM event_tag_log ORDER BY id').all() as {
      event_id: number
      event_ref: string
      tag: string
      op: 'add' | 'remove'
      ts_us: number
      examiner: string
      custody_seq: number
    }[]
  ).map((r) => ({ eventId: r.event_id, eventRef: r.event_ref, tag: r.tag, op: r.op, at: microsToIso(r.ts_us), examiner: r.examiner, custodySeq: r.custody_seq }))
  const tags = (db.prepare('SELECT event_id, tag FROM event_tag ORDER BY event_id, tag').all() as { event_id: number; tag: string }[]).map((r) => ({
    eventId: r.event_id,
    tag: r.tag
  }))
  return {
    annotations: heads.map((h) => ({
      id: h.id,
      kind: h.kind,
      eventId: h.event_id,
      eventRef: h.event_ref,
      createdAt: microsToIso(h.created_us),
      examiner: h.examiner,
      versions: byId.get(h.id) ?? []
    })),
    tagLog,
    tags
  }
}
