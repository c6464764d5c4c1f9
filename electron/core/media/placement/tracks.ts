// One camera's files as one continuous track: pieces in time order, the gaps between them
// listed as gaps (never closed up), overlaps flagged with both files named, and a lookup
// from a timeline instant to the file and position that shows it. Plus the bridge from a
// Hikvision SD-card index to per-file placements of its hivNNNNN.mp4 files.
import { HIK_CLOCK_NOTE, type HikvisionIndex, type HikvisionSegment } from '../hikvisionIndex'
import { decideStart, type Placed, type PlacementInputs, type Unplaced } from './placement'
import { US_PER_SECOND } from './wallClock'

export interface TrackFile {
  fileId: string
  fileName: string
  /** Corrected UTC start, µs. */
  startUs: number
  durationUs: number
  /** For a piece of a larger file (a Hikvision segment): its bytes. */
  byteRange?: { start: number; end: number } | null
}

export interface TrackPiece extends TrackFile {
  endUs: number
}

export interface TrackGap {
  startUs: number
  endUs: number
  durationUs: number
  afterFileId: string
  beforeFileId: string
}

export interface TrackOverlap {
  fileA: string
  fileB: string
  startUs: number
  endUs: number
  overlapUs: number
}

/** A join within tolerance: delta > 0 a tiny gap, < 0 a tiny overlap. */
export interface TrackSeam {
  afterFileId: string
  beforeFileId: string
  deltaUs: number
}

export interface Track {
  pieces: TrackPiece[]
  startUs: number | null
  endUs: number | null
  gaps: TrackGap[]
  overlaps: TrackOverlap[]
  seams: TrackSeam[]
  /** Time with footage (union of pieces). */
  coveredUs: number
  gapToleranceUs: number
  excluded: { fileId: string; reason: string }[]
  /** Running maximum of piece ends, for lookups. */
  readonly maxEndUpTo: number[]
}

export interface TrackOptions {
  /** Joins closer than this are seams, not gaps or overlaps. Default 0.5 s (one frame at 2 fps). */
  gapToleranceUs?: number
}

export const DEFAULT_GAP_TOLERANCE_US = 500_000

export function buildTrack(files: readonly TrackFile[], options: TrackOptions = {}): Track {
  const tol = options.gapToleranceUs ?? DEFAULT_GAP_TOLERANCE_US
  const excluded: Track['excluded'] = []
  const pieces: TrackPiece[] = []
  for (const f of files) {
    if (!Number.isFinite(f.startUs)) excluded.push({ fileId: f.fileId, reason: 'no start on the timeline' })
    else if (!Number.isFinite(f.durationUs) || f.durationUs <= 0) excluded.push({ fileId: f.fileId, reason: `duration ${f.durationUs} µs: nothing to place` })
    else pieces.push({ ...f, endUs: f.startUs + f.durationUs })
  }
  pieces.sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs || (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0))

  const gaps: TrackGap[] = []
  const overlaps: TrackOverlap[] = []
  const seams: TrackSeam[] = []
  const maxEndUpTo: number[] = []
  let coveredUs = 0
  let reach: TrackPiece | null = null
  let active: TrackPiece[] = []
  for (const p of pieces) {
    if (reach) {
      const delta = p.startUs - reach.endUs
      if (delta > tol) gaps.push({ startUs: reach.endUs, endUs: p.startUs, durationUs: delta, afterFileId: reach.fileId, beforeFileId: p.fileId })
      else if (delta !== 0 && Math.abs(delta) <= tol) seams.push({ afterFileId: reach.fileId, beforeFileId: p.fileId, deltaUs: delta })
    }
    active = active.filter((a) => a.endUs > p.startUs)
    for (const a of active) {
      const end = Math.min(a.endUs, p.endUs)
      const len = end - p.startUs
      // Overlaps within tolerance of a join are seams, already noted above.
      if (len > tol) overlaps.push({ fileA: a.fileId, fileB: p.fileId, startUs: p.startUs, endUs: end, overlapUs: len })
    }
    coveredUs += reach ? Math.max(0, p.endUs - Math.max(p.startUs, reach.endUs)) : p.endUs - p.startUs
    if (!reach || p.endUs > reach.endUs) reach = p
    active.push(p)
    maxEndUpTo.push(reach.endUs)
  }
  return {
    pieces,
    startUs: pieces[0]?.startUs ?? null,
    endUs: reach?.endUs ?? null,
    gaps,
    overlaps,
    seams,
    coveredUs,
    gapToleranceUs: tol,
    excluded,
    maxEndUpTo
  }
}

export type FootageAt =
  | {
      kind: 'footage'
      fileId: string
      fileName: string
      /** Position in the file (or piece) in µs. */
      offsetUs: number
      byteRange: { start: number; end: number } | null
      /** Other files covering the same instant (overlaps). */
      alsoIn: { fileId: string; offsetUs: number }[]
    }
  /** tolerated: the instant falls in a seam shorter than the tolerance, not a listed gap. */
  | { kind: 'gap'; gap: TrackGap | null; tolerated: boolean; previousFileId: string | null; nextFileId: string | null }
  | { kind: 'outside'; side: 'before' | 'after' | 'empty' }

/** Which file shows the instant, and where in it; or the gap it falls in. */
export function footageAt(track: Track, instantUs: number): FootageAt {
  const { pieces } = track
  if (pieces.length === 0 || track.startUs === null || track.endUs === null) return { kind: 'outside', side: 'empty' }
  if (instantUs < track.startUs) return { kind: 'outside', side: 'before' }
  if (instantUs >= track.endUs) return { kind: 'outside', side: 'after' }
  // Last piece starting at or before the instant.
  let lo = 0
  let hi = pieces.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (pieces[mid]!.startUs <= instantUs) lo = mid
    else hi = mid - 1
  }
  const covering: TrackPiece[] = []
  for (let i = lo; i >= 0 && track.maxEndUpTo[i]! > instantUs; i--) {
    if (pieces[i]!.endUs > instantUs) covering.push(pieces[i]!)
  }
  if (covering.length > 0) {
    // The earliest-starting file carries on through an overlap; the others are listed.
    covering.sort((a, b) => a.startUs - b.startUs || (a.fileId < b.fileId ? -1 : 1))
    const [first, ...rest] = covering
    return {
      kind: 'footage',
      fileId: first!.fileId,
      fileName: first!.fileName,
      offsetUs: instantUs - first!.startUs,
      byteRange: first!.byteRange ?? null,
      alsoIn: rest.map((p) => ({ fileId: p.fileId, offsetUs: instantUs - p.startUs }))
    }
  }
  const gap = track.gaps.find((g) => g.startUs <= instantUs && instantUs < g.endUs) ?? null
  const next = pieces[lo + 1]
  return { kind: 'gap', gap, tolerated: gap === null, previousFileId: pieces[lo]!.fileId, nextFileId: next?.fileId ?? null }
}

// ---- Hikvision SD card ----

export interface HikvisionPiece {
  fileName: string
  fileNo: number
  slot: number
  channel: number | null
  /** Camera wall clock written as if UTC, µs (seconds plus the index's sub-second part). */
  startEpochUs: number
  /** Null for the segment still being recorded when the index was saved. */
  endEpochUs: number | null
  byteRange: { start: number; end: number } | null
  status: 'current' | 'recording'
}

export interface HikvisionFilePlacement {
  fileName: string
  fileNo: number
  channel: number | null
  live: boolean
  pieces: HikvisionPiece[]
  startEpochUs: number
  endEpochUs: number
  /** Ready for decideStart({ sidecar }). */
  sidecar: NonNullable<PlacementInputs['sidecar']>
  /** Pauses between the file's segments (motion or event recording), camera wall clock. */
  internalGaps: { afterSlot: number; beforeSlot: number; startEpochUs: number; endEpochUs: number; durationUs: number }[]
  staleExcluded: number
  warnings: string[]
}

export interface HikvisionPlacements {
  files: HikvisionFilePlacement[]
  staleExcluded: { count: number; mayHoldOldVideo: number; byFile: Record<string, number> }
  clock: typeof HIK_CLOCK_NOTE
  warnings: string[]
}

const segStartUs = (s: HikvisionSegment) => s.startEpochS * US_PER_SECOND + (s.startMicros ?? 0)
const segEndUs = (s: HikvisionSegment) => (s.endEpochS === 0 ? null : s.endEpochS * US_PER_SECOND + (s.endMicros ?? 0))

/**
 * Per-file placements of a card's hivNNNNN.mp4 files from readHikvisionIndex output: current
 * (and still-recording) segments only; stale slots are excluded and counted. (The reader
 * itself counts a closed file's final segment as current: see finalSegmentSlot.)
 */
export function hikvisionFilePlacements(index: HikvisionIndex): HikvisionPlacements {
  const byFileNo = new Map<number, HikvisionSegment[]>()
  for (const s of index.segments) {
    const list = byFileNo.get(s.fileNo)
    if (list) list.push(s)
    else byFileNo.set(s.fileNo, [s])
  }
  const files: HikvisionFilePlacement[] = []
  const byFile: Record<string, number> = {}
  let staleCount = 0
  let mayHold = 0
  for (const file of index.files) {
    const segs = byFileNo.get(file.fileNo) ?? []
    const pieces: HikvisionPiece[] = []
    let stale = 0
    for (const s of segs) {
      const piece = (status: HikvisionPiece['status']): HikvisionPiece => ({
        fileName: s.fileName,
        fileNo: s.fileNo,
        slot: s.slot,
        channel: file.channel,
        startEpochUs: segStartUs(s),
        endEpochUs: segEndUs(s),
        byteRange: s.startOffset !== null && s.endOffset !== null ? { start: s.startOffset, end: s.endOffset } : null,
        status
      })
      if (s.status !== 'stale') {
        pieces.push(piece(s.status))
        continue
      }
      stale++
      if (s.mayHoldOldVideo) mayHold++
    }
    staleCount += stale
    if (stale) byFile[file.fileName] = stale
    if (pieces.length === 0) continue
    pieces.sort((a, b) => a.slot - b.slot)
    const warnings: string[] = []
    const internalGaps: HikvisionFilePlacement['internalGaps'] = []
    for (let i = 1; i < pieces.length; i++) {
      const prev = pieces[i - 1]!
      const cur = pieces[i]!
      if (prev.endEpochUs !== null && cur.startEpochUs < prev.endEpochUs - US_PER_SECOND) {
        warnings.push(`slot ${cur.slot} starts before slot ${prev.slot} ends: the camera clock may have been set back`)
      }
      if (prev.endEpochUs !== null && cur.startEpochUs > prev.endEpochUs) {
        internalGaps.push({ afterSlot: prev.slot, beforeSlot: cur.slot, startEpochUs: prev.endEpochUs, endEpochUs: cur.startEpochUs, durationUs: cur.startEpochUs - prev.endEpochUs })
      }
      if (prev.byteRange && cur.byteRange && cur.byteRange.start < prev.byteRange.end) warnings.push(`slot ${cur.slot}'s bytes start inside slot ${prev.slot}'s`)
    }
    const first = pieces[0]!
    const last = pieces[pieces.length - 1]!
    const endEpochUs = last.endEpochUs ?? last.startEpochUs
    files.push({
      fileName: file.fileName,
      fileNo: file.fileNo,
      channel: file.channel,
      live: file.live,
      pieces,
      startEpochUs: first.startEpochUs,
      endEpochUs,
      sidecar: { startEpochUs: first.startEpochUs, endEpochUs, source: `Hikvision index00.bin, ${file.fileName} slot ${first.slot}` },
      internalGaps,
      staleExcluded: stale,
      warnings
    })
  }
  files.sort((a, b) => a.startEpochUs - b.startEpochUs || a.fileNo - b.fileNo)
  return { files, staleExcluded: { count: staleCount, mayHoldOldVideo: mayHold, byFile }, clock: HIK_CLOCK_NOTE, warnings: [...index.warnings] }
}

export type CameraPlacementOptions = Omit<PlacementInputs, 'creationTime' | 'streamStartEpoch' | 'fileName' | 'sidecar' | 'manual'>

/**
 * Each segment of the given files placed with the camera's zone and clock offset, as track
 * pieces (one per segment, with its byte range). Segments without an end or that cannot be
 * placed are returned apart with the reason.
 */
export function hikvisionTrackFiles(
  placements: readonly HikvisionFilePlacement[],
  camera: CameraPlacementOptions
): { files: TrackFile[]; notPlaced: { fileId: string; reason: string; decision: Unplaced | Placed | null }[] } {
  const files: TrackFile[] = []
  const notPlaced: { fileId: string; reason: string; decision: Unplaced | Placed | null }[] = []
  for (const f of placements) {
    for (const p of f.pieces) {
      const fileId = `${p.fileName}#${p.slot}`
      if (p.endEpochUs === null) {
        notPlaced.push({ fileId, reason: 'still being recorded when the index was saved: no end', decision: null })
        continue
      }
      const d = decideStart({ ...camera, sidecar: { startEpochUs: p.startEpochUs, endEpochUs: p.endEpochUs, source: `Hikvision index00.bin, ${p.fileName} slot ${p.slot}` } })
      if (d.status !== 'placed' || d.endUs === null) {
        notPlaced.push({ fileId, reason: d.status === 'placed' ? 'the end could not be placed' : d.reason, decision: d })
        continue
      }
      files.push({ fileId, fileName: p.fileName, startUs: d.startUs, durationUs: d.endUs - d.startUs, byteRange: p.byteRange })
    }
  }
  return { files, notPlaced }
}
