// Stills the examiner saved while watching footage (media/mediaServer saveStill: a PNG in
// derived/stills/, one derived_media row and one custody entry each) go into the bag as
// data/stills/NNN-camera.png with a provenance record, and into the report, where they
// also print (a <video> does not). Which ones: those of the exported range (all of them
// without a range), of the chosen cameras when cameras were chosen. Each still is re-hashed
// against its recorded hash before it is written; a mismatch aborts the export.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import type { Db } from '../case/database'
import { safeFileName } from './bagPaths'

export const STILLS_DIR = 'data/stills'

export interface StillProvenance {
  kind: 'iwb-still-provenance'
  version: 1
  camera: string
  source: { evidenceId: number; sha256: string; withheld: string | null }
  /** Seconds into the recording (from its first frame) of the frame saved. */
  positionSeconds: number | null
  /** Wall-clock time (UTC, ISO) of that frame, camera offset applied; null for an unplaced recording. */
  wallClock: string | null
  ffmpeg: { version: string; args: string[] }
  output: { file: string; sha256: string; size: number; format: 'png' }
  /** The caption burnt into the band under the picture (lines joined by newlines); null for an uncaptioned still. */
  caption: string | null
  /** Where the case holds it (under derived/), who saved it and when. */
  caseFile: string
  savedBy: string | null
  savedAt: string
}

export interface ExportedStill {
  bagPath: string
  provenancePath: string
  data: Buffer
  provenance: StillProvenance
}

export class StillIntegrityError extends Error {}

interface StillRow {
  path: string
  sha256: string
  size: number
  ffmpeg_version: string
  args: string
  source_evidence_id: number
  source_sha256: string
  created_us: number
  start_us: number | null
  camera: string | null
  examiner: string | null
  caption: string | null
}

export async function exportStills(
  folder: CaseFolder,
  db: Db,
  opts: { range: { fromUs: number; toUs: number } | null; cameras: string[]; originalsInBag: Set<string> }
): Promise<ExportedStill[]> {
  const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'derived_media'").get()
  if (!hasTables) return []
  const rows = db
    .prepare(
      `SELECT d.path, d.sha256, d.size, d.ffmpeg_version, d.args, d.source_evidence_id, d.source_sha256, d.created_us, f.start_us, c.name AS camera, k.examiner, k.caption
       FROM derived_media d LEFT JOIN video_file f ON f.evidence_id = d.source_evidence_id LEFT JOIN camera c ON c.id = f.camera_id
       -- The custody entry that recorded each still (the first, by seq: SQLite takes the bare columns from the MIN row), read in one pass.
       LEFT JOIN (SELECT object, examiner, json_extract(details, '$.caption') AS caption, MIN(seq) FROM custody WHERE action = 'media.derived' GROUP BY object) k
         ON k.object = 'derived/' || d.path
       WHERE d.kind = 'still' ORDER BY d.id`
    )
    .all() as StillRow[]
  const cameras = new Set(opts.cameras)
  const out: ExportedStill[] = []
  for (const r of rows) {
    // saveStill names a still <source sha prefix>-<µs into the recording>[-c<caption hash>].png
    // (captioned stills carry the hash of their caption; older ones do not).
    const position = /^stills\/[0-9a-f]+-(\d+)(?:-c[0-9a-f]+)?\.png$/.exec(r.path)
    const positionUs = position ? Number(position[1]) : null
    const wallUs = r.start_us !== null && positionUs !== null ? r.start_us + positionUs : null
    if (opts.range && (wallUs === null || wallUs < opts.range.fromUs || wallUs >= opts.range.toUs)) continue
    if (cameras.size > 0 && (r.camera === null || !cameras.has(r.camera))) continue
    const data = await readFile(join(folder.layout.derived, r.path))
    const sha256 = createHash('sha256').update(data).digest('hex')
    if (sha256 !== r.sha256 || data.length !== r.size) {
      throw new StillIntegrityError(
        `The still derived/${r.path} no longer matches the hash recorded when it was saved: it is now ${sha256} (${data.length} bytes); it was ${r.sha256} (${r.size} bytes). Nothing was exported; run \`iwb verify\` on the case.`
      )
    }
    const base = `${String(out.length + 1).padStart(3, '0')}-${safeFileName(r.camera ?? 'camera', 60)}`
    out.push({
      bagPath: `${STILLS_DIR}/${base}.png`,
      provenancePath: `${STILLS_DIR}/${base}.provenance.json`,
      data,
      provenance: {
        kind: 'iwb-still-provenance',
        version: 1,
        camera: r.camera ?? '(unknown camera)',
        source: {
          evidenceId: r.source_evidence_id,
          sha256: r.source_sha256,
          withheld: opts.originalsInBag.has(r.source_sha256) ? null : 'the source recording is not among the originals of this export (outside the selection)'
        },
        positionSeconds: positionUs === null ? null : positionUs / 1e6,
        wallClock: wallUs === null ? null : microsToIso(wallUs),
        ffmpeg: { version: r.ffmpeg_version, args: JSON.parse(r.args) as string[] },
        output: { file: `${base}.png`, sha256, size: data.length, format: 'png' },
        caption: typeof r.caption === 'string' ? r.caption : null,
        caseFile: `derived/${r.path}`,
        savedBy: r.examiner,
        savedAt: microsToIso(r.created_us)
      }
    })
  }
  return out
}
