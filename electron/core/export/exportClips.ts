// Clips of the chosen cameras over the export's range: which recordings overlap it (the
// camera's placed files, media/videoStore), cut with clipCutter, each with its provenance.
// Wall clock maps to file time exactly as the player does (media/mediaServer planFor): the
// file's start_us (camera offset included) is the wall clock of its first frame, whose
// presentation time is probe.video.startTimeS; ffmpeg's -ss counts from the container
// start. The cut begins at the frame the player shows at the range's start. A
// clip whose source recording is not among the bag's originals names that source as
// withheld, so the verifier can tell a deliberate omission from a missing file.
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import type { Db } from '../case/database'
import { evidenceById } from '../case/evidence'
import { videoRecordings, type VideoRecording } from './annotationsForExport'
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
  const range = opts.range
  const found = videoRecordings(db, opts.cameras, range)
  const notes: string[] = []
  if (found.unknownCameras.length) notes.push(`No camera named ${found.unknownCameras.join(', ')} in this case (\`iwb cameras\` lists them), so no clip of it was cut.`)
  if (found.unplaced.length) notes.push(`Unplaced recordings (no start time, so not matched to the range): ${found.unplaced.join('; ')}.`)
  const recordings = found.recordings
  if (recordings.length === 0) {
    const named = opts.cameras.filter((c) => !found.unknownCameras.includes(c))
    if (named.length) notes.push(`No placed recording of ${named.join(', ')} overlaps the selected range, so no clip was cut.`)
    return { clips: [], notes }
  }
  await mkdir(opts.workDir, { recursive: true })
  const clips: ExportedClip[] = []
  for (const [i, rec] of recordings.entries()) {
    const base = `${String(i + 1).padStart(3, '0')}-${safeFileName(rec.camera, 60)}`
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
        withheld: { kind: 'iwb-clip-withheld', camera: rec.camera, source: { evidenceId: item?.id ?? null, sha256: item?.sha256 ?? rec.sha256, withheld: withheldText ?? reason }, reason }
      })
    }
    if (!item) {
      withhold(`evidence #${rec.evidenceId} is not in the case`)
      continue
    }
    if (!opts.ffmpegPath) {
      withhold('ffmpeg was not found on this workstation (Settings → ffmpeg path)')
      continue
    }
    const cut = clipWindow(rec, range)
    if (!cut) {
      withhold('the recording has no frame inside the selected range')
      continue
    }
    const out = join(opts.workDir, `${base}.mp4`)
    const provenance = await cutClip({
      ffmpegPath: opts.ffmpegPath,
      source: folder.evidencePath(item.sha256),
      demuxer: rec.demuxer,
      sourceSha256: item.sha256,
      sourceEvidenceId: item.id,
      camera: rec.camera,
      inS: cut.inS,
      outS: cut.outS,
      startWallClock: microsToIso(cut.firstFrameUs),
      offsetUs: rec.offsetUs,
      rawFrameRate: rec.raw ? (rec.frameRate ? `${rec.frameRate.num}/${rec.frameRate.den}` : '25') : undefined,
      out,
      signal: opts.signal
    })
    clips.push({ bagPath, provenancePath, file: out, provenance: { ...provenance, source: { ...provenance.source, withheld: withheldText } }, withheld: null })
  }
  return { clips, notes }
}

/**
 * The part of a recording inside [fromUs, toUs), in whole frames: from the frame the player
 * shows at fromUs (the one whose interval holds it) up to the last frame starting before
 * toUs. inS/outS count from the container start (ffmpeg's -ss); firstFrameUs is the wall
 * clock of the clip's first frame.
 */
export function clipWindow(rec: VideoRecording, range: { fromUs: number; toUs: number }): { inS: number; outS: number; firstFrameUs: number } | null {
  const lenS = rec.durationUs / 1e6
  const posA = Math.max(0, (range.fromUs - rec.startUs) / 1e6)
  const posB = Math.min(lenS, (range.toUs - rec.startUs) / 1e6)
  if (!(posB > posA)) return null
  const lead = rec.firstFrameS - rec.containerStartS
  const round6 = (x: number): number => Math.round(x * 1e6) / 1e6
  if (!rec.frameRate || !(rec.frameRate.num > 0 && rec.frameRate.den > 0)) {
    return { inS: round6(lead + posA), outS: round6(lead + posB), firstFrameUs: rec.startUs + Math.round(posA * 1e6) }
  }
  const frameS = rec.frameRate.den / rec.frameRate.num
  const total = Math.max(1, Math.round(lenS / frameS))
  const n = Math.min(total - 1, Math.floor(posA / frameS + 1e-6))
  const m = Math.max(n + 1, Math.min(total, Math.ceil(posB / frameS - 1e-6)))
  return { inS: round6(lead + n * frameS), outS: round6(lead + m * frameS), firstFrameUs: rec.startUs + Math.round(n * frameS * 1e6) }
}
