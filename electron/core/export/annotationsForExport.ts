// What the export reads from the tables other areas own, through the modules that own them:
// bookmarks, notes and tags (schema v6, timeline/annotations.ts), cameras, video files and
// door↔camera associations (schema v5, media/videoStore.ts). Every case is migrated to the
// latest schema, so the tables always exist: "none recorded" means no rows.
import type { Bookmark } from '@shared/contracts/annotations'
import { isoToMicros, microsToIso } from '@shared/time'
import type { Db } from '../case/database'
import { fileProbe, fileRow, listCameras, listDoorCameras, rawStream } from '../media/videoStore'
import type { Demuxer } from '../media/ffmpegRunner'
import { listAnnotations, listBookmarks, type AnnotationHistory } from '../timeline/annotations'

export interface Range {
  fromUs: number | null
  toUs: number | null
}

type Versions = AnnotationHistory['annotations'][number]['versions']

export interface ExportBookmark {
  id: number
  version: number
  from: string
  to: string | null
  title: string
  narrative: string
  examiner: string
  createdAt: string
  updatedAt: string
  /** Every version, oldest first (edits stay visible to the recipient). */
  versions: Versions
}

export interface ExportNote {
  id: number
  eventId: number | null
  eventRef: string | null
  /** The event's time, when the event is still in the case. */
  eventTs: string | null
  text: string
  examiner: string
  createdAt: string
  updatedAt: string
  versions: Versions
}

export interface ExportTag {
  tag: string
  eventId: number
  eventRef: string | null
  eventTs: string | null
  /** Who tagged it last, and when. */
  taggedBy: string | null
  taggedAt: string | null
}

export interface AnnotationsForExport {
  /** Current (not deleted) bookmarks overlapping the range, in time order. */
  bookmarks: ExportBookmark[]
  /** Current notes on events inside the range. */
  notes: ExportNote[]
  /** Tags events inside the range carry now. */
  tags: ExportTag[]
  /** Every tag and untag on those events, in order. */
  tagLog: AnnotationHistory['tagLog']
  /** Whether the lists were limited to a time range. */
  ranged: boolean
}

const inRange = (us: number | null, r: Range): boolean => us !== null && (r.fromUs === null || us >= r.fromUs) && (r.toUs === null || us < r.toUs)

function bookmarkOverlaps(b: Bookmark, r: Range): boolean {
  const end = b.toUs ?? b.fromUs
  return (r.toUs === null || b.fromUs < r.toUs) && (r.fromUs === null || end >= r.fromUs)
}

function eventTimes(db: Db, ids: number[]): Map<number, number> {
  const out = new Map<number, number>()
  if (ids.length === 0) return out
  const rows = db.prepare('SELECT id, ts FROM event WHERE id IN (SELECT value FROM json_each(?))').raw().all(JSON.stringify([...new Set(ids)])) as [number, number][]
  for (const [id, ts] of rows) out.set(id, ts)
  return out
}

export function annotationsForExport(db: Db, range: Range): AnnotationsForExport {
  const history = listAnnotations(db)
  const versionsOf = new Map(history.annotations.map((a) => [a.id, a]))
  const bookmarks = listBookmarks(db)
    .filter((b) => bookmarkOverlaps(b, range))
    .map((b) => ({
      id: b.id,
      version: b.version,
      from: microsToIso(b.fromUs),
      to: b.toUs === null ? null : microsToIso(b.toUs),
      title: b.title,
      narrative: b.narrative,
      examiner: b.examiner,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
      versions: versionsOf.get(b.id)?.versions ?? []
    }))
  const times = eventTimes(db, [...history.annotations.map((a) => a.eventId ?? 0), ...history.tags.map((t) => t.eventId)])
  const ranged = range.fromUs !== null || range.toUs !== null
  const eventInRange = (id: number | null): boolean => !ranged || (id !== null && inRange(times.get(id) ?? null, range))
  const notes: ExportNote[] = []
  for (const a of history.annotations) {
    if (a.kind !== 'note') continue
    const cur = a.versions[a.versions.length - 1]
    if (!cur || cur.deleted || !eventInRange(a.eventId)) continue
    const ts = a.eventId !== null ? times.get(a.eventId) : undefined
    notes.push({
      id: a.id,
      eventId: a.eventId,
      eventRef: a.eventRef,
      eventTs: ts === undefined ? null : microsToIso(ts),
      text: cur.body,
      examiner: cur.examiner,
      createdAt: a.createdAt,
      updatedAt: cur.at,
      versions: a.versions
    })
  }
  notes.sort((x, y) => (x.eventTs ?? '').localeCompare(y.eventTs ?? '') || x.id - y.id)
  const lastAdd = new Map<string, AnnotationHistory['tagLog'][number]>()
  for (const l of history.tagLog) if (l.op === 'add') lastAdd.set(`${l.tag}\u0000${l.eventId}`, l)
  const tags: ExportTag[] = history.tags
    .filter((t) => eventInRange(t.eventId))
    .map((t) => {
      const l = lastAdd.get(`${t.tag}\u0000${t.eventId}`)
      const ts = times.get(t.eventId)
      return { tag: t.tag, eventId: t.eventId, eventRef: l?.eventRef ?? null, eventTs: ts === undefined ? null : microsToIso(ts), taggedBy: l?.examiner ?? null, taggedAt: l?.at ?? null }
    })
    .sort((x, y) => x.tag.localeCompare(y.tag) || (x.eventTs ?? '').localeCompare(y.eventTs ?? '') || x.eventId - y.eventId)
  const tagged = new Set(tags.map((t) => t.eventId))
  const tagLog = history.tagLog.filter((l) => tagged.has(l.eventId) || eventInRange(l.eventId))
  return { bookmarks, notes, tags, tagLog, ranged }
}

/**
 * "Tagged or bookmarked events only": an event is kept when it carries a tag now, or lies
 * inside a current bookmark's range (a point bookmark: at its instant).
 */
export function taggedOrBookmarked(db: Db): (e: { id: number; ts: string }) => boolean {
  const ids = new Set((db.prepare('SELECT DISTINCT event_id FROM event_tag').pluck().all() as number[]))
  const spans = listBookmarks(db).map((b) => ({ from: b.fromUs, to: b.toUs }))
  return (e) => {
    if (ids.has(e.id)) return true
    if (spans.length === 0) return false
    const us = isoToMicros(e.ts)
    return us !== null && spans.some((s) => (s.to === null ? us === s.from : us >= s.from && us < s.to))
  }
}

/** Camera names per door (confirmed or suggested associations with a camera). */
export function doorCameras(db: Db): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const d of listDoorCameras(db)) {
    if (d.cameraName === null) continue
    const label = d.status === 'suggested' ? `${d.cameraName} (suggested)` : d.cameraName
    map.set(d.door, [...(map.get(d.door) ?? []), label])
  }
  return map
}

/** A placed recording of a camera overlapping a wall-clock range, with what a cut needs. */
export interface VideoRecording {
  camera: string
  cameraId: number
  fileId: number
  evidenceId: number
  sha256: string
  demuxer: Demuxer
  /** Raw elementary stream (no container timing): decoded from the start, trimmed. */
  raw: boolean
  /** Wall-clock time (µs UTC) of the file's first frame, after the camera's offset — what the player uses. */
  startUs: number
  durationUs: number
  /** Offset applied to this file's start, µs (0 when the file was placed by true time). */
  offsetUs: number
  /** Presentation time of the first frame and the container start, s (ffmpeg's -ss counts from the latter). */
  firstFrameS: number
  containerStartS: number
  frameRate: { num: number; den: number } | null
}

/** Recordings of the named cameras (by name) overlapping [fromUs, toUs); unplaced files are listed apart. */
export function videoRecordings(db: Db, cameras: string[], range: { fromUs: number; toUs: number }): { recordings: VideoRecording[]; unplaced: string[]; unknownCameras: string[] } {
  const all = listCameras(db)
  const wanted = new Set(cameras)
  const known = new Set(all.map((c) => c.name))
  const recordings: VideoRecording[] = []
  const unplaced: string[] = []
  for (const cam of all) {
    if (!wanted.has(cam.name)) continue
    for (const f of cam.files) {
      if (f.startUs === null || f.durationUs === null) {
        unplaced.push(`${cam.name}: ${f.fileName}`)
        continue
      }
      if (!(f.startUs < range.toUs && f.startUs + f.durationUs > range.fromUs)) continue
      const row = fileRow(db, f.id)
      const probe = fileProbe(row)
      const firstFrameS = probe.video.startTimeS ?? probe.containerStartS ?? 0
      recordings.push({
        camera: cam.name,
        cameraId: cam.id,
        fileId: f.id,
        evidenceId: f.evidenceId,
        sha256: f.sha256,
        demuxer: row.demuxer as Demuxer,
        raw: rawStream(row.demuxer),
        startUs: f.startUs,
        durationUs: f.durationUs,
        offsetUs: f.offsetApplied ? cam.clockOffsetUs : 0,
        firstFrameS,
        containerStartS: probe.containerStartS ?? firstFrameS,
        frameRate: probe.video.frameRate
      })
    }
  }
  recordings.sort((a, b) => a.startUs - b.startUs || a.fileId - b.fileId)
  return { recordings, unplaced, unknownCameras: cameras.filter((c) => !known.has(c)) }
}
