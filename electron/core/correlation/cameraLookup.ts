// Cameras of a door, and whether a camera recorded at a time, for the rules and the places
// and devices lists. Cameras, their files and door ↔ camera associations belong to the video
// area (schema v5, electron/core/media/videoStore.ts); this module reads them through that
// module's listCameras, and door_camera with one typed query (listDoorCameras would also
// scan every access event for the door list, which the rules do not need).
//
// Coverage is computed exactly as the player does (renderer CameraPlayer: a file shows time
// t when startUs <= t < endUs): video_file.start_us is already the corrected start (raw +
// camera offset when offset_applied, raw alone for a file placed by true time), and endUs is
// start_us + duration_us. Unplaced files (start_us NULL) and files of unknown duration are
// no coverage. A camera's clock offset is unknown while its offset_method is 'none'.
import type { CameraInfo as VideoCamera } from '@shared/contracts/video'
import type { Db } from '../case/database'
import { listCameras } from '../media/videoStore'

export interface CameraInfo {
  id: number
  name: string
  /** False while the camera's clock offset was never set or measured (offset_method 'none'). */
  clockOffsetKnown: boolean
  /** How the door ↔ camera association stands, for cameras returned by camerasFor; null from all(). */
  association: 'suggested' | 'confirmed' | null
  /** Files of this camera not placed on the timeline yet (they cannot count as coverage). */
  unplacedFiles: number
}

export interface CameraLookup {
  /** Whether the case holds any camera. */
  readonly available: boolean
  /** Cameras associated with a door (by its location text, "site / door"). */
  camerasFor(location: string): CameraInfo[]
  /** Whether placed footage of the camera covers all of [fromUs, toUs] (one file or several back to back). */
  covers(cameraId: number, fromUs: number, toUs: number): boolean
  all(): CameraInfo[]
}

interface Loaded {
  cameras: Map<number, CameraInfo>
  /** Placed files per camera as [start, end) intervals, sorted by start. */
  spans: Map<number, [number, number][]>
}

function load(db: Db): Loaded {
  const cams: VideoCamera[] = listCameras(db)
  const cameras = new Map<number, CameraInfo>()
  const spans = new Map<number, [number, number][]>()
  for (const c of cams) {
    cameras.set(c.id, {
      id: c.id,
      name: c.name,
      clockOffsetKnown: c.offsetMethod !== 'none',
      association: null,
      unplacedFiles: c.files.filter((f) => f.startUs === null).length
    })
    const placed = c.files
      .filter((f) => f.startUs !== null && f.endUs !== null && f.endUs > f.startUs)
      .map((f): [number, number] => [f.startUs!, f.endUs!])
      .sort((a, b) => a[0] - b[0])
    spans.set(c.id, placed)
  }
  return { cameras, spans }
}

/** Whether sorted [start, end) intervals cover [from, to] without a hole. */
export function intervalsCover(spans: readonly (readonly [number, number])[], fromUs: number, toUs: number): boolean {
  let reached = fromUs
  for (const [s, e] of spans) {
    if (s > reached) break
    if (e > reached) reached = e
    if (reached > toUs) return true
  }
  return false
}

/** "CAM-DOCK (confirmed), CAM-SIDE (suggested, not yet confirmed)": the cameras of a finding's text. */
export function describeCameras(cams: readonly CameraInfo[]): string {
  return cams
    .map((c) => (c.association === 'suggested' ? `${c.name} (suggested by name, not yet confirmed for this door)` : c.association === 'confirmed' ? `${c.name} (confirmed for this door)` : c.name))
    .join(', ')
}

export function cameraLookup(db: Db): CameraLookup {
  let loaded: Loaded | null = null
  const get = (): Loaded => (loaded ??= load(db))
  let byDoor: Map<string, { cameraId: number; status: 'suggested' | 'confirmed' }> | null = null
  const doorRows = (): NonNullable<typeof byDoor> => {
    if (!byDoor) {
      const rows = db.prepare('SELECT door, camera_id, status FROM door_camera WHERE camera_id IS NOT NULL').all() as { door: string; camera_id: number; status: 'suggested' | 'confirmed' }[]
      byDoor = new Map(rows.map((r) => [r.door, { cameraId: r.camera_id, status: r.status }]))
    }
    return byDoor
  }
  const available = db.prepare('SELECT 1 FROM camera LIMIT 1').get() !== undefined
  return {
    available,
    camerasFor(location) {
      if (!available) return []
      const link = doorRows().get(location)
      const cam = link ? get().cameras.get(link.cameraId) : undefined
      return cam ? [{ ...cam, association: link!.status }] : []
    },
    covers(cameraId, fromUs, toUs) {
      return intervalsCover(get().spans.get(cameraId) ?? [], fromUs, toUs)
    },
    all: () => (available ? [...get().cameras.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id) : [])
  }
}
