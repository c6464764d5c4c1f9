// Clips of the chosen cameras over the export's range: which recordings overlap it (from
// the video tables, when they exist), cut with clipCutter, each with its provenance. A
// clip whose source recording is not among the bag's originals names that source as
// withheld, so the verifier can tell a deliberate omission from a missing file.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import type { Db } from '../case/database'
import { evidenceById } from '../case/evidence'
import type { Demuxer } from '../media/ffmpegRunner'
import { videoRecordings } from './annotationsForExport'
import { safeFileName } from './bagPaths'
import { cutClip, type ClipProvenance } from './clipCutter'

export const CLIPS_DIR = 'data/clips'

export interface WithheldClip {
  kind: 'iwb-clip-withheld'
  camera: string
  source: { evidenceId: number | null; sha256: string | null; withheld: string }
  reason: string
}

export interface ExportedClip {
  bagPath: string
  provenancePath: string
  /** The cut file in the work folder; null when the clip could not be cut. */
  file: string | null
  provenance: (ClipProvenance & { source: ClipProvenance['source'] & { withheld: string | null } }) | null
  withheld: WithheldClip | null
}

const DEMUXER_BY_EXT: Record<string, Demuxer> = { mp4: 'mov', mov: 'mov', m4v: 'mov', mkv: 'matroska', avi: 'avi', ts: 'mpegts', mpg: 'mpeg', flv: 'flv', dav: 'dhav', h264: 'h264', '264': 'h264', hevc: 'hevc' }

export function demuxerFor(name: string): Demuxer | null {
  return DEMUXER_BY_EXT[name.split('.').pop()?.toLowerCase() ?? ''] ?? null
}

export async function exportClips(
  folder: CaseFolder,
  db: Db,
  opts: {
    cameras: string[]
    range: { fromUs: number; toUs: number } | null
    ffmpegPath: string | null
    workDir: string
    originalsInBag: Set<string>
    signal?: AbortSignal
  }
): Promise<{ clips: ExportedClip[]; notes: string[] }> {
  if (opts.cameras.length === 0) return { clips: [], notes: [] }
  if (!opts.range) return { clips: [], notes: [`Clips for ${opts.cameras.join(', ')}: the selection has no time range, so no clip was cut.`] }
  const recordings = videoRecordings(db, opts.cameras, opts.range)
  if (recordings === null) {
    return { clips: [], notes: [`Clips for ${opts.cameras.join(', ')}: this case has no video recordings table yet (video import), so no clip was cut.`] }
  }
  if (recordings.length === 0) return { clips: [], notes: [`No recording of ${opts.cameras.join(', ')} overlaps the selected range.`] }
  await mkdir(opts.workDir, { recursive: true })
  const clips: ExportedClip[] = []
  for (const [i, rec] of recordings.entries()) {
    const base = `${String(i + 1).padStart(3, '0')}-${safeFileName(String(rec.camera), 60)}`
    const bagPath = `${CLIPS_DIR}/${base}.mp4`
    const provenancePath = `${CLIPS_DIR}/${base}.provenance.json`
    const item = evidenceById(db, rec.evidenceId)
    const inBag = item ? opts.originalsInBag.has(item.sha256) : false
    const withheldText = inBag ? null : 'the source recording is not among the originals of this export (outside the selection)'
    const withhold = (reason: string): void => {
      clips.push({
        bagPath,
        provenancePath,
        file: null,
        provenance: null,
        withheld: { kind: 'iwb-clip-withheld', camera: String(rec.camera), source: { evidenceId: item?.id ?? null, sha256: item?.sha256 ?? null, withheld: withheldText ?? reason }, reason }
      })
    }
    const demuxer = item ? demuxerFor(item.originalName) : null
    if (!item) {
      withhold(`evidence #${rec.evidenceId} is not in the case`)
      continue
    }
    if (!opts.ffmpegPath) {
      withhold('ffmpeg was not found on this workstation (Settings → ffmpeg path)')
      continue
    }
    if (!demuxer) {
      withhold(`no demuxer is allowed for ${item.originalName}`)
      continue
    }
    const inS = Math.max(0, (opts.range.fromUs - rec.startUs) / 1e6)
    const outS = Math.min(rec.durationS, (opts.range.toUs - rec.startUs) / 1e6)
    const out = join(opts.workDir, `${base}.mp4`)
    const provenance = await cutClip({
      ffmpegPath: opts.ffmpegPath,
      source: folder.evidencePath(item.sha256),
      demuxer,
      sourceSha256: item.sha256,
      sourceEvidenceId: item.id,
      camera: String(rec.camera),
      inS,
      outS,
      startWallClock: microsToIso(Math.round(rec.startUs + inS * 1e6)),
      offsetUs: rec.offsetUs,
      out,
      signal: opts.signal
    })
    clips.push({ bagPath, provenancePath, file: out, provenance: { ...provenance, source: { ...provenance.source, withheld: withheldText } }, withheld: null })
  }
  return { clips, notes: [] }
}
