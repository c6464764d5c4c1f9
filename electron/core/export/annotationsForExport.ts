// Everything the export reads from tables that other areas own and that may not exist yet:
// bookmarks, tags and notes (schema v6), findings (v8), door-camera associations (v6) and
// video files (v5). Kept in this one module so the table and column names can be adjusted
// in one place once those schemas are final. Each reader checks sqlite_master first and
// answers null when the table is absent ("none recorded" in the report), and reads columns
// by what the table actually has (PRAGMA table_info), so a renamed column degrades to a
// plainer listing instead of an error.
import type { Db } from '../case/database'

/** Candidate names per concept, first match wins. */
export const ANNOTATION_TABLES = {
  bookmarks: ['bookmark', 'bookmarks'],
  narratives: ['narrative', 'narratives'],
  tags: ['event_tag', 'tag_assignment', 'tag'],
  notes: ['note', 'notes', 'event_note'],
  findings: ['finding', 'findings'],
  doorCamera: ['door_camera'],
  videoFile: ['video_file']
} as const
export type AnnotationConcept = keyof typeof ANNOTATION_TABLES

/** Columns that hold a time (µs since the epoch) or an event id, by likely name. */
const TS_COLUMNS = ['ts', 'ts_us', 'at_us', 'start_us', 'from_us', 'created_us', 'time_us']
const EVENT_ID_COLUMNS = ['event_id']
const MAX_ROWS = 10_000

export interface TableDump {
  table: string
  columns: string[]
  rows: Record<string, unknown>[]
  /** Rows left out beyond MAX_ROWS. */
  truncated: number
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?").get(name) !== undefined
}

export function findTable(db: Db, concept: AnnotationConcept): string | null {
  for (const name of ANNOTATION_TABLES[concept]) if (tableExists(db, name)) return name
  return null
}

export function columnsOf(db: Db, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${quoteIdent(table)})`).all() as { name: string }[]).map((c) => c.name)
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/**
 * Rows of one concept's table, limited to the time range when the table has a time column
 * (rows without one are all kept: a note on a case is not outside any range).
 */
export function readConcept(db: Db, concept: AnnotationConcept, range: { fromUs: number | null; toUs: number | null }): TableDump | null {
  const table = findTable(db, concept)
  if (!table) return null
  const columns = columnsOf(db, table)
  const ts = TS_COLUMNS.find((c) => columns.includes(c))
  const where: string[] = []
  const params: number[] = []
  if (ts && range.fromUs !== null) {
    where.push(`(${quoteIdent(ts)} IS NULL OR ${quoteIdent(ts)} >= ?)`)
    params.push(range.fromUs)
  }
  if (ts && range.toUs !== null) {
    where.push(`(${quoteIdent(ts)} IS NULL OR ${quoteIdent(ts)} < ?)`)
    params.push(range.toUs)
  }
  const order = ts ? `${quoteIdent(ts)}, rowid` : 'rowid'
  const sql = `SELECT * FROM ${quoteIdent(table)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ${MAX_ROWS + 1}`
  let rows: Record<string, unknown>[]
  try {
    rows = db.prepare(sql).all(...params) as Record<string, unknown>[]
  } catch {
    // A WITHOUT ROWID table or a view: no rowid to order by.
    rows = db.prepare(sql.replace(/, rowid|rowid/g, (m) => (m.startsWith(',') ? '' : '1'))).all(...params) as Record<string, unknown>[]
  }
  const truncated = Math.max(0, rows.length - MAX_ROWS)
  return { table, columns, rows: rows.slice(0, MAX_ROWS).map(jsonSafe), truncated }
}

function jsonSafe(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(row)) out[k] = Buffer.isBuffer(v) ? `<${v.length} bytes>` : typeof v === 'bigint' ? v.toString() : v
  return out
}

/** Ids of events that carry a tag or a bookmark; null when neither table exists. */
export function taggedEventIds(db: Db): Set<number> | null {
  let any = false
  const ids = new Set<number>()
  for (const concept of ['tags', 'bookmarks'] as const) {
    const table = findTable(db, concept)
    if (!table) continue
    any = true
    const col = EVENT_ID_COLUMNS.find((c) => columnsOf(db, table).includes(c))
    if (!col) continue
    for (const r of db.prepare(`SELECT DISTINCT ${quoteIdent(col)} AS id FROM ${quoteIdent(table)} WHERE ${quoteIdent(col)} IS NOT NULL`).iterate() as Iterable<{ id: number }>) {
      ids.add(r.id)
    }
  }
  return any ? ids : null
}

export interface AnnotationsForExport {
  bookmarks: TableDump | null
  narratives: TableDump | null
  tags: TableDump | null
  notes: TableDump | null
  findings: TableDump | null
}

export function annotationsForExport(db: Db, range: { fromUs: number | null; toUs: number | null }, options: { findings: boolean }): AnnotationsForExport {
  return {
    bookmarks: readConcept(db, 'bookmarks', range),
    narratives: readConcept(db, 'narratives', range),
    tags: readConcept(db, 'tags', range),
    notes: readConcept(db, 'notes', range),
    findings: options.findings ? readConcept(db, 'findings', range) : null
  }
}

/** Camera names per door (location), or null when no door_camera table exists. */
export function doorCameras(db: Db): Map<string, string[]> | null {
  const table = findTable(db, 'doorCamera')
  if (!table) return null
  const cols = columnsOf(db, table)
  const door = ['door', 'location', 'door_location', 'door_name'].find((c) => cols.includes(c))
  const camera = ['camera', 'camera_name', 'camera_id'].find((c) => cols.includes(c))
  const map = new Map<string, string[]>()
  if (!door || !camera) return map
  for (const r of db.prepare(`SELECT ${quoteIdent(door)} AS door, ${quoteIdent(camera)} AS camera FROM ${quoteIdent(table)}`).all() as { door: unknown; camera: unknown }[]) {
    const key = String(r.door ?? '')
    map.set(key, [...(map.get(key) ?? []), String(r.camera ?? '')])
  }
  return map
}

/** A recording that may hold footage of a camera in a range (from video_file, schema v5). */
export interface VideoRecording {
  camera: string
  evidenceId: number
  /** Wall-clock start of the file's first frame, µs UTC, after the camera's offset. */
  startUs: number
  durationS: number
  /** Offset applied to the camera clock, µs. */
  offsetUs: number
}

/**
 * Recordings of the named cameras overlapping [fromUs, toUs); null when no video_file
 * table exists. Column names are guesses until schema v5 lands.
 */
export function videoRecordings(db: Db, cameras: string[], range: { fromUs: number; toUs: number }): VideoRecording[] | null {
  const table = findTable(db, 'videoFile')
  if (!table) return null
  const cols = columnsOf(db, table)
  const pick = (...names: string[]): string | undefined => names.find((n) => cols.includes(n))
  const camera = pick('camera', 'camera_name')
  const evidence = pick('evidence_id')
  const start = pick('start_us', 'start_ts', 'first_frame_us')
  const duration = pick('duration_s', 'duration')
  const offset = pick('offset_us', 'clock_offset_us')
  if (!camera || !evidence || !start || !duration) return []
  const rows = db
    .prepare(
      `SELECT ${quoteIdent(camera)} AS camera, ${quoteIdent(evidence)} AS evidenceId, ${quoteIdent(start)} AS startUs, ${quoteIdent(duration)} AS durationS, ${
        offset ? quoteIdent(offset) : '0'
      } AS offsetUs FROM ${quoteIdent(table)} ORDER BY ${quoteIdent(start)}`
    )
    .all() as VideoRecording[]
  const wanted = new Set(cameras)
  return rows.filter((r) => wanted.has(String(r.camera)) && r.startUs < range.toUs && r.startUs + r.durationS * 1e6 > range.fromUs)
}
