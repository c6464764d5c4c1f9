// Cameras of a door, and whether a camera recorded at a time. Cameras, recordings and
// door ↔ camera associations belong to another area (schema v5/v6); this module is the one
// place that reads them, discovers their tables and columns from sqlite_master, and returns
// no cameras when they are absent, so the rules work on a case without video.
import type { Db } from '../case/database'

export interface CameraInfo {
  id: number
  name: string
  /** null when the camera's clock offset was never measured. */
  clockOffsetKnown: boolean
}

export interface CameraLookup {
  readonly available: boolean
  /** Cameras associated with a door (by its location text, "site / door"). */
  camerasFor(location: string): CameraInfo[]
  /** Whether the camera has a recording covering [fromUs, toUs]; null when recordings are unknown. */
  covers(cameraId: number, fromUs: number, toUs: number): boolean | null
  all(): CameraInfo[]
}

const none: CameraLookup = { available: false, camerasFor: () => [], covers: () => null, all: () => [] }

function tableColumns(db: Db, table: string): Set<string> | null {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)
  if (!exists) return null
  return new Set((db.prepare(`PRAGMA table_info(${JSON.stringify(table)})`).all() as { name: string }[]).map((c) => c.name))
}

const pick = (cols: Set<string>, ...names: string[]): string | null => names.find((n) => cols.has(n)) ?? null

export function cameraLookup(db: Db): CameraLookup {
  const cam = tableColumns(db, 'camera')
  const link = tableColumns(db, 'door_camera')
  if (!cam || !link) return none
  const camName = pick(cam, 'name', 'label', 'title')
  const camOffset = pick(cam, 'clock_offset_us', 'offset_us')
  const camOffsetKnown = pick(cam, 'clock_offset_known', 'offset_known', 'offset_measured')
  const linkDoor = pick(link, 'door', 'location', 'door_location', 'place')
  const linkCam = pick(link, 'camera_id', 'camera')
  if (!camName || !linkDoor || !linkCam) return none
  const knownExpr = camOffsetKnown ? `c.${camOffsetKnown} <> 0` : camOffset ? `c.${camOffset} IS NOT NULL` : '1'
  const select = `SELECT c.id AS id, c.${camName} AS name, (${knownExpr}) AS known FROM camera c`
  const byDoor = db.prepare(`${select} JOIN door_camera d ON d.${linkCam} = c.id WHERE d.${linkDoor} = ? ORDER BY c.${camName}`)
  const allStmt = db.prepare(`${select} ORDER BY c.${camName}`)
  const toInfo = (r: { id: number; name: string; known: number | null }): CameraInfo => ({ id: r.id, name: r.name, clockOffsetKnown: Boolean(r.known) })

  // Recordings: the first table that names a camera and a start and end time.
  let coverStmt: { get(...params: unknown[]): unknown } | null = null
  for (const t of ['video_file', 'video_segment', 'recording', 'video']) {
    const cols = tableColumns(db, t)
    if (!cols) continue
    const c = pick(cols, 'camera_id')
    const s = pick(cols, 'start_us', 'first_us', 'begin_us')
    const e = pick(cols, 'end_us', 'last_us', 'stop_us')
    if (c && s && e) {
      coverStmt = db.prepare(`SELECT 1 FROM ${t} WHERE ${c} = ? AND ${s} <= ? AND ${e} >= ? LIMIT 1`)
      break
    }
  }
  const cache = new Map<string, CameraInfo[]>()
  return {
    available: true,
    camerasFor(location) {
      let hit = cache.get(location)
      if (!hit) {
        hit = (byDoor.all(location) as { id: number; name: string; known: number | null }[]).map(toInfo)
        cache.set(location, hit)
      }
      return hit
    },
    covers(cameraId, fromUs, toUs) {
      if (!coverStmt) return null
      return coverStmt.get(cameraId, fromUs, toUs) !== undefined
    },
    all: () => (allStmt.all() as { id: number; name: string; known: number | null }[]).map(toInfo)
  }
}
