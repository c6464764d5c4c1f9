// A Hikvision hivNNNNN.mp4 holds many motion recordings back to back, with pauses of
// minutes or hours between them that the MPEG-PS inside does not show. The card's index
// says where each recording's bytes lie and when it was made. Each usable segment becomes
// a piece: exactly bytes [start, end) of the original, taken into the case as a child
// evidence item of the hiv file (like an archive member: same bytes, parent id, byte range
// as its member path), so it is hashed, verified and played like any other footage, and
// every byte shown traces back to the original's hash and an offset. The original is never
// modified. Segments that cannot be used are returned with the reason, never dropped.
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { EvidenceItem } from '@shared/model'
import type { CaseFolder } from '../case/caseFolder'
import { evidenceById } from '../case/evidence'
import { acquireEvidence } from '../case/intake'
import type { MediaToolPaths } from './ffmpegRunner'
import { readHikvisionIndex, type HikvisionIndex, type HikvisionSegment } from './hikvisionIndex'
import { probeVideo, ProbeError, type VideoProbe } from './probe'

const HIK_FILE = /^hiv\d{5}\.mp4$/i
const HIK_INDEX = /^index0[01]\.bin$/i

export function isHikvisionFileName(name: string): boolean {
  return HIK_FILE.test(basename(name))
}

export function isHikvisionIndexFileName(name: string): boolean {
  return HIK_INDEX.test(basename(name))
}

export interface CardIndexRef {
  evidenceId: number
  sha256: string
  name: string
}

/** Where a piece's bytes come from: kept in its placement inputs, custody and listing. */
export interface PieceSource {
  of: { evidenceId: number; sha256: string; fileName: string }
  /** Bytes [start, end) of the original file. */
  byteStart: number
  byteEnd: number
  index: CardIndexRef & { slot: number }
}

export interface SegmentRefusal {
  slot: number
  byteRange: { start: number; end: number } | null
  reason: string
}

export interface CutPiece {
  slot: number
  source: PieceSource
  /** Camera wall clock written as if UTC, µs (the index's times). */
  startEpochUs: number
  endEpochUs: number
  /** How the start was found, for the placement detail. */
  sourceText: string
  evidence: EvidenceItem
  probe: VideoProbe
}

export interface CardFile {
  index: CardIndexRef
  /** Every non-empty slot the index holds for this file, stale ones included. */
  segments: HikvisionSegment[]
}

const segUs = (s: number, micros: number | null): number => s * 1_000_000 + (micros ?? 0)

/**
 * Parsed card indexes by evidence SHA-256 (evidence never changes under its hash): a card's
 * dozens of hiv files, imported one by one or re-placed together, read its index once.
 */
const parsedIndexes = new Map<string, Promise<HikvisionIndex>>()
const PARSED_INDEXES_KEPT = 4

function cardIndex(folder: CaseFolder, sha256: string): Promise<HikvisionIndex> {
  let p = parsedIndexes.get(sha256)
  if (!p) {
    p = readHikvisionIndex(folder.evidencePath(sha256))
    p.catch(() => parsedIndexes.delete(sha256))
    parsedIndexes.set(sha256, p)
    if (parsedIndexes.size > PARSED_INDEXES_KEPT) parsedIndexes.delete(parsedIndexes.keys().next().value!)
  }
  return p
}

/**
 * The card index acquired from the same folder as the hiv file that lists it (index00.bin
 * before index01.bin, its copy); null when there is none, as before this existed.
 */
export async function findCardIndex(folder: CaseFolder, originalPath: string): Promise<CardFile | null> {
  const name = basename(originalPath)
  if (!HIK_FILE.test(name)) return null
  const dir = dirname(originalPath)
  const candidates = (folder.db.prepare('SELECT id, sha256, original_name, original_path FROM evidence ORDER BY original_name, id').all() as { id: number; sha256: string; original_name: string; original_path: string }[]).filter(
    (e) => HIK_INDEX.test(e.original_name) && dirname(e.original_path) === dir
  )
  for (const c of candidates) {
    try {
      const index = await cardIndex(folder, c.sha256)
      const segments = index.segments.filter((s) => s.fileName.toLowerCase() === name.toLowerCase())
      if (segments.length) return { index: { evidenceId: c.id, sha256: c.sha256, name: c.original_name }, segments }
    } catch {
      // Not a readable index: try the next; with none the file is placed as any other.
    }
  }
  return null
}

/** Why a segment cannot be cut from a file of `size` bytes; null when it can. */
export function segmentProblem(s: HikvisionSegment, size: number): string | null {
  if (s.status === 'stale') return `stale slot, not used: ${s.problems.join('; ')}${s.mayHoldOldVideo ? ' (its bytes lie past what the current pass wrote: older video may still be there, unverified)' : ''}`
  if (s.status === 'recording' || s.endEpochS === 0) return 'still being recorded when the index was saved: the index gives no end'
  if (s.startOffset === null || s.endOffset === null) return 'the index gives no byte range for it'
  if (s.endOffset <= s.startOffset) return `its byte range ends (${s.endOffset}) at or before it starts (${s.startOffset})`
  if (s.endOffset > size) return `its byte range [${s.startOffset}, ${s.endOffset}) runs past the end of the file (${size} bytes)`
  if (segUs(s.endEpochS, s.endMicros) <= segUs(s.startEpochS, s.startMicros)) return 'it ends at or before it starts in time'
  return null
}

export interface CutOptions {
  examiner: string
  tools: Pick<MediaToolPaths, 'ffprobe'>
  signal?: AbortSignal
  /** Evidence ids that already carry a video file: a piece with the same bytes cannot be one too. */
  videoEvidence: (evidenceId: number) => number | null
}

/**
 * Cuts every usable segment of `hiv` out into its own evidence item and probes it. The
 * pieces' evidence rows are committed as they are taken (as intake does); the caller
 * records them as footage in one transaction. Re-running finds the same pieces again
 * (same bytes, same hash) instead of copying twice.
 */
export async function cutHikvisionPieces(folder: CaseFolder, hiv: EvidenceItem, card: CardFile, opts: CutOptions): Promise<{ pieces: CutPiece[]; refused: SegmentRefusal[] }> {
  const path = folder.evidencePath(hiv.sha256)
  const { size } = await stat(path)
  const pieces: CutPiece[] = []
  const refused: SegmentRefusal[] = []
  const segments = [...card.segments].sort((a, b) => a.slot - b.slot)
  for (const s of segments) {
    const byteRange = s.startOffset !== null && s.endOffset !== null ? { start: s.startOffset, end: s.endOffset } : null
    const problem = segmentProblem(s, size)
    if (problem) {
      refused.push({ slot: s.slot, byteRange, reason: problem })
      continue
    }
    const range = byteRange!
    const source: PieceSource = {
      of: { evidenceId: hiv.id, sha256: hiv.sha256, fileName: hiv.originalName },
      byteStart: range.start,
      byteEnd: range.end,
      index: { ...card.index, slot: s.slot }
    }
    // A segment spanning the whole file is the file itself: nothing to cut.
    const taken = range.start === 0 && range.end === size ? await probeTaken(hiv, folder.evidencePath(hiv.sha256), opts) : await takePiece(folder, hiv, path, source, opts)
    if (typeof taken === 'string') {
      refused.push({ slot: s.slot, byteRange, reason: taken })
      continue
    }
    const { evidence, probe } = taken
    pieces.push({
      slot: s.slot,
      source,
      startEpochUs: segUs(s.startEpochS, s.startMicros),
      endEpochUs: segUs(s.endEpochS, s.endMicros),
      sourceText: `Hikvision ${card.index.name}, ${s.fileName} slot ${s.slot} (evidence ${card.index.name} ${card.index.sha256.slice(0, 12)}…)`,
      evidence,
      probe
    })
  }
  return { pieces, refused }
}

/** Probes bytes at `path`; a string says why they are not footage. */
async function probeTaken(evidence: EvidenceItem, path: string, opts: CutOptions): Promise<{ evidence: EvidenceItem; probe: VideoProbe } | string> {
  try {
    return { evidence, probe: await probeVideo(path, opts.tools, { signal: opts.signal }) }
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err
    return `its bytes are not readable footage: ${err.message.replace(basename(path), evidence.originalName)}`
  }
}

/**
 * The piece's bytes, probed first (bytes that are not footage are refused and not taken
 * into the case), then as a child evidence item; a string says why it could not be used.
 */
async function takePiece(folder: CaseFolder, hiv: EvidenceItem, path: string, src: PieceSource, opts: CutOptions): Promise<{ evidence: EvidenceItem; probe: VideoProbe } | string> {
  const temp = join(folder.layout.incoming, `${randomBytes(12).toString('hex')}.piece`)
  const name = `${hiv.originalName} slot ${src.index.slot}`
  try {
    // Exactly bytes [start, end): createReadStream's end is inclusive.
    await pipeline(createReadStream(path, { start: src.byteStart, end: src.byteEnd - 1 }), createWriteStream(temp, { flags: 'wx', mode: 0o600 }), { signal: opts.signal })
    const probed = await probeTaken({ ...hiv, originalName: name }, temp, opts)
    if (typeof probed === 'string') return probed
    const memberPath = `bytes [${src.byteStart}, ${src.byteEnd}) per ${src.index.name} slot ${src.index.slot}`
    const acquired = await acquireEvidence(
      folder,
      {
        path: temp,
        acquiredVia: 'archive-member',
        parentId: hiv.id,
        memberPath,
        originalName: name,
        originalPath: `${hiv.originalPath}!/${memberPath}`,
        sourceMtimeUs: null
      },
      { examiner: opts.examiner, note: `Hikvision recording cut from ${hiv.originalName} (evidence #${hiv.id}) by ${src.index.name} (evidence #${src.index.evidenceId})`, signal: opts.signal }
    )
    const evidence = acquired.evidence ?? (acquired.existingId !== null ? evidenceById(folder.db, acquired.existingId) : null)
    if (acquired.outcome === 'refused' || !evidence) return `its bytes could not be taken into the case: ${acquired.reason ?? 'unknown reason'}`
    if (evidence.size !== src.byteEnd - src.byteStart) return `the piece taken is ${evidence.size} bytes, not the ${src.byteEnd - src.byteStart} of its range`
    if (acquired.outcome === 'duplicate') {
      const fileId = opts.videoEvidence(evidence.id)
      // Same bytes already footage: only a piece of this very segment (an earlier run) is reused.
      const samePiece = evidence.parentId === hiv.id && evidence.originalName === name
      if (fileId !== null && !samePiece) return `its bytes are already in the case as evidence #${evidence.id} (${evidence.originalName}), video file #${fileId}`
    }
    // The probe read the staging copy: the same bytes now live at evidence/<sha256>.
    return { evidence, probe: { ...probed.probe, path: folder.evidencePath(evidence.sha256) } }
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}
