// Footage in the case: importing video evidence (probe → camera → placement), cameras
// with their tracks, investigator placement, clock offsets and calibration, door↔camera
// associations. All SQL on the v5 tables lives here. Originals are never touched: offsets
// and placements are rows, and every change is a custody entry in the same transaction.
import { basename, dirname } from 'node:path'
import type { EvidenceItem } from '@shared/model'
import type { CameraInfo, DoorCamera, StartMethod, VideoFileInfo } from '@shared/contracts/video'
import { isValidTimeZone, microsToIso, nowMicros } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'
import { evidenceById } from '../case/evidence'
import type { MediaToolPaths } from './ffmpegRunner'
import { probeVideo, ProbeError, VideoProbe } from './probe'
import { cutHikvisionPieces, findCardIndex, isHikvisionFileName, isHikvisionIndexFileName, type CardIndexRef, type CutPiece, type PieceSource, type SegmentRefusal } from './hikvisionPieces'
import { calibrate, describeClockOffset } from './placement/calibration'
import { identifyCamera, normaliseCameraName } from './placement/cameraIdentity'
import { placeFromFileName, type FileNameResult } from './placement/fileNamePatterns'
import { decideStart, epochSecondsToUs, type PlacementDecision } from './placement/placement'
import { buildTrack, type TrackFile } from './placement/tracks'

export class VideoError extends Error {
  constructor(
    message: string,
    readonly code: 'NOT_FOUND' | 'BAD_REQUEST' | 'CONFLICT'
  ) {
    super(message)
    this.name = 'VideoError'
  }
}

/** The facts decideStart is given, kept so a zone or offset change re-decides from them. */
export interface StoredInputs {
  creationTime?: string | null
  streamStartEpoch?: { epochUs: number; source?: string } | null
  fileName?: FileNameResult | null
  sidecar?: { startEpochUs: number; endEpochUs?: number | null; source: string } | null
  manual?: { text: string; zone: string | null; basis: 'camera-clock' | 'reference-clock'; by?: string } | null
  /** A Hikvision hiv file shown as its index segments (the pieces) instead of as a whole. */
  hikvisionSplit?: HikvisionSplit | null
  /** This file is one segment of a Hikvision hiv file: where its bytes come from. */
  hikvisionPiece?: PieceSource | null
}

export interface HikvisionSplit {
  index: CardIndexRef
  pieces: { slot: number; videoFileId: number; evidenceId: number }[]
  refused: SegmentRefusal[]
}

interface CameraRow {
  id: number
  key: string
  name: string
  time_zone: string | null
  clock_offset_us: number
  offset_method: CameraInfo['offsetMethod']
  offset_notes: string
  identified_by: string
  created_us: number
}

interface FileRow {
  id: number
  evidence_id: number
  camera_id: number
  container: string
  demuxer: string
  video_codec: string
  audio_codecs: string
  width: number
  height: number
  fps_num: number | null
  fps_den: number | null
  duration_us: number | null
  keyframe_count: number
  playback_mode: 'remux' | 'transcode'
  start_us: number | null
  raw_start_us: number | null
  offset_applied: number
  start_method: StartMethod
  start_detail: string
  unplaced_reason: string | null
  placement_inputs: string
  placement: string
  probe: string
  sha256: string
  original_name: string
  original_path: string
}

const FILE_SELECT = `SELECT f.*, e.sha256 AS sha256, e.original_name AS original_name, e.original_path AS original_path
  FROM video_file f JOIN evidence e ON e.id = f.evidence_id`

function toFileInfo(r: FileRow): VideoFileInfo {
  const placement = JSON.parse(r.placement) as { warnings?: string[] }
  const inputs = JSON.parse(r.placement_inputs) as StoredInputs
  const piece = inputs.hikvisionPiece
  const split = inputs.hikvisionSplit
  return {
    id: r.id,
    evidenceId: r.evidence_id,
    sha256: r.sha256,
    fileName: r.original_name,
    cameraId: r.camera_id,
    container: r.container,
    codec: r.video_codec,
    audioCodecs: JSON.parse(r.audio_codecs) as string[],
    width: r.width,
    height: r.height,
    fps: r.fps_num && r.fps_den ? r.fps_num / r.fps_den : null,
    durationUs: r.duration_us,
    keyframes: r.keyframe_count,
    playback: r.playback_mode,
    startUs: r.start_us,
    endUs: r.start_us !== null && r.duration_us !== null ? r.start_us + r.duration_us : null,
    rawStartUs: r.raw_start_us,
    offsetApplied: r.offset_applied === 1,
    startMethod: r.start_method,
    startDetail: r.start_detail,
    unplacedReason: r.unplaced_reason,
    warnings: placement.warnings ?? [],
    piece: piece ? { of: piece.of, byteStart: piece.byteStart, byteEnd: piece.byteEnd, index: piece.index } : null,
    split: split ? { index: split.index, pieces: split.pieces, refused: split.refused } : null
  }
}

export function fileRow(db: Db, fileId: number): FileRow {
  const row = db.prepare(`${FILE_SELECT} WHERE f.id = ?`).get(fileId) as FileRow | undefined
  if (!row) throw new VideoError(`There is no video file #${fileId} in this case. \`iwb cameras <case>\` lists them.`, 'NOT_FOUND')
  return row
}

export function fileProbe(row: { probe: string }): VideoProbe {
  return VideoProbe.parse(JSON.parse(row.probe))
}

function cameraRow(db: Db, id: number): CameraRow {
  const row = db.prepare('SELECT * FROM camera WHERE id = ?').get(id) as CameraRow | undefined
  if (!row) throw new VideoError(`There is no camera #${id} in this case.`, 'NOT_FOUND')
  return row
}

export function getFile(db: Db, fileId: number): VideoFileInfo {
  return toFileInfo(fileRow(db, fileId))
}

export function listCameras(db: Db): CameraInfo[] {
  const cams = db.prepare('SELECT * FROM camera ORDER BY name, id').all() as CameraRow[]
  const files = (db.prepare(`${FILE_SELECT} ORDER BY f.start_us IS NULL, f.start_us, f.id`).all() as FileRow[]).map(toFileInfo)
  return cams.map((c) => toCameraInfo(c, files.filter((f) => f.cameraId === c.id)))
}

export function getCamera(db: Db, id: number): CameraInfo {
  const c = cameraRow(db, id)
  const files = (db.prepare(`${FILE_SELECT} WHERE f.camera_id = ? ORDER BY f.start_us IS NULL, f.start_us, f.id`).all(id) as FileRow[]).map(toFileInfo)
  return toCameraInfo(c, files)
}

function toCameraInfo(c: CameraRow, files: VideoFileInfo[]): CameraInfo {
  const pieces: TrackFile[] = files
    .filter((f) => f.startUs !== null && f.durationUs !== null)
    .map((f) => ({ fileId: String(f.id), fileName: f.fileName, startUs: f.startUs!, durationUs: f.durationUs! }))
  const t = buildTrack(pieces)
  return {
    id: c.id,
    key: c.key,
    name: c.name,
    timeZone: c.time_zone,
    clockOffsetUs: c.clock_offset_us,
    offsetMethod: c.offset_method,
    offsetNotes: c.offset_notes,
    identifiedBy: c.identified_by,
    files,
    track: {
      startUs: t.startUs,
      endUs: t.endUs,
      coveredUs: t.coveredUs,
      gaps: t.gaps.map((g) => ({ startUs: g.startUs, endUs: g.endUs, afterFileId: g.afterFileId, beforeFileId: g.beforeFileId })),
      overlaps: t.overlaps.map((o) => ({ fileA: o.fileA, fileB: o.fileB, startUs: o.startUs, endUs: o.endUs }))
    }
  }
}

/** decideStart over the stored facts and the camera's current zone and offset. An investigator's entry overrides. */
function decide(inputs: StoredInputs, cam: CameraRow): PlacementDecision {
  const camera = { timeZone: cam.time_zone, clockOffsetUs: cam.clock_offset_us }
  if (inputs.manual) return decideStart({ manual: inputs.manual, camera })
  return decideStart({
    creationTime: inputs.creationTime ?? null,
    streamStartEpoch: inputs.streamStartEpoch ?? null,
    fileName: inputs.fileName ?? null,
    sidecar: inputs.sidecar ?? null,
    camera
  })
}

/** The placement columns of a video_file row. */
type PlacementColumns = Pick<FileRow, 'start_us' | 'raw_start_us' | 'offset_applied' | 'start_method' | 'start_detail' | 'unplaced_reason' | 'placement'>

/** The columns for stored facts: a split hiv file stays off the track (its pieces are on it). */
function columnsFor(inputs: StoredInputs, cam: CameraRow): PlacementColumns {
  // With no usable segment the investigator may still place the whole file by hand.
  const split = inputs.hikvisionSplit
  if (split && !inputs.hikvisionPiece && (split.pieces.length > 0 || !inputs.manual)) return splitColumns(split)
  // Otherwise the file is itself its one recording: placed by it, the segments not used noted.
  return placementColumns(decide(inputs, cam), split ? refusedLines(split) : [])
}

function refusedLines(split: HikvisionSplit): string[] {
  return split.refused.map((r) => `${split.index.name} slot ${r.slot}${r.byteRange ? ` (bytes ${r.byteRange.start}–${r.byteRange.end})` : ''} not used: ${r.reason}`)
}

function splitColumns(split: HikvisionSplit): PlacementColumns {
  const n = split.pieces.length
  const refused = refusedLines(split)
  const reason = n
    ? `Shown on the timeline as its ${n} recording${n === 1 ? '' : 's'} listed by ${split.index.name} (video file${n === 1 ? '' : 's'} ${split.pieces.map((p) => `#${p.videoFileId}`).join(', ')}), each at its own start: the camera paused between them, so the file as a whole has no single start.`
    : `None of the ${split.refused.length} segments ${split.index.name} lists for this file could be used (see the warnings); nothing of it is on the timeline.`
  return {
    start_us: null,
    raw_start_us: null,
    offset_applied: 1,
    start_method: 'unplaced',
    start_detail: 'hikvision-split',
    unplaced_reason: reason,
    placement: JSON.stringify({ summary: `split by ${split.index.name}: ${n} pieces, ${split.refused.length} segments not used`, warnings: refused })
  }
}

function placementColumns(d: PlacementDecision, moreWarnings: string[] = []): PlacementColumns {
  const warnings = [...d.warnings.map((w) => w.message), ...moreWarnings]
  if (d.status === 'placed') {
    return {
      start_us: d.startUs,
      raw_start_us: d.rawStartUs,
      offset_applied: d.offsetApplied ? 1 : 0,
      start_method: d.method,
      start_detail: d.methodDetail,
      unplaced_reason: null,
      placement: JSON.stringify({ summary: d.summary, warnings, zone: d.zoneUsed, assumptions: d.assumptions })
    }
  }
  return {
    start_us: null,
    raw_start_us: null,
    offset_applied: 1,
    start_method: 'unplaced',
    start_detail: d.reasonCode,
    unplaced_reason: `${d.reason}. Place it by hand: iwb place <case> <evidence-id> --start ISO, or “Place…” in the Cameras view.`,
    placement: JSON.stringify({ summary: `unplaced: ${d.reason}`, warnings })
  }
}

/** Re-decides every file of a camera (after a zone or offset change); returns how many moved. */
function replaceCameraFiles(db: Db, cam: CameraRow): number {
  const rows = db.prepare('SELECT id, placement_inputs, start_us FROM video_file WHERE camera_id = ?').all(cam.id) as { id: number; placement_inputs: string; start_us: number | null }[]
  const update = db.prepare(
    'UPDATE video_file SET start_us = @start_us, raw_start_us = @raw_start_us, offset_applied = @offset_applied, start_method = @start_method, start_detail = @start_detail, unplaced_reason = @unplaced_reason, placement = @placement WHERE id = @id'
  )
  let moved = 0
  for (const r of rows) {
    const cols = columnsFor(JSON.parse(r.placement_inputs) as StoredInputs, cam)
    if (cols.start_us !== r.start_us) moved++
    update.run({ ...cols, id: r.id })
  }
  return moved
}

function ensureCamera(db: Db, key: string, name: string, identifiedBy: string): CameraRow {
  const existing = db.prepare('SELECT * FROM camera WHERE key = ?').get(key) as CameraRow | undefined
  if (existing) return existing
  const id = Number(db.prepare('INSERT INTO camera (key, name, identified_by, created_us) VALUES (?, ?, ?, ?)').run(key, name, identifiedBy, nowMicros()).lastInsertRowid)
  return cameraRow(db, id)
}

export interface VideoImportOptions {
  examiner: string
  tools: Pick<MediaToolPaths, 'ffprobe'>
  /** Camera name given by the investigator; otherwise identified from the path and tags. */
  camera?: string | null
  /** Camera time zone (set when the camera has none yet, or changed with custody). */
  timeZone?: string | null
  /** Camera clock offset, µs (set on the camera with custody). */
  offsetUs?: number | null
  /** Investigator's start (ISO 8601), read as the camera's clock: the offset applies. */
  start?: string | null
  /** Zone for a start without offset, when the camera has none: the case zone. */
  caseZone: string
  signal?: AbortSignal
}

export type VideoImportOutcome =
  | {
      outcome: 'imported' | 'already'
      /** Null for a card index (it is no footage itself; it re-places the hiv files it lists). */
      file: VideoFileInfo | null
      message: string
      /** A Hikvision hiv file shown as its index segments: the pieces, and every segment not used with why. */
      pieces?: VideoFileInfo[]
      refusedSegments?: SegmentRefusal[]
    }
  | { outcome: 'refused'; file: null; message: string }

const VIDEO_INSERT = `INSERT INTO video_file (evidence_id, camera_id, container, demuxer, video_codec, audio_codecs, width, height, fps_num, fps_den, duration_us,
     keyframe_count, playback_mode, start_us, raw_start_us, offset_applied, start_method, start_detail, unplaced_reason, placement_inputs, placement, probe, imported_us, examiner)
   VALUES (@evidence_id, @camera_id, @container, @demuxer, @video_codec, @audio_codecs, @width, @height, @fps_num, @fps_den, @duration_us,
     @keyframe_count, @playback_mode, @start_us, @raw_start_us, @offset_applied, @start_method, @start_detail, @unplaced_reason, @placement_inputs, @placement, @probe, @imported_us, @examiner)`

function insertVideoFile(db: Db, evidenceId: number, camId: number, probe: VideoProbe, cols: PlacementColumns, inputs: StoredInputs, examiner: string): number {
  const fr = probe.video.frameRate
  const durationS = probe.durationS
  return Number(
    db.prepare(VIDEO_INSERT).run({
      evidence_id: evidenceId,
      camera_id: camId,
      container: probe.formatName,
      demuxer: probe.demuxer,
      video_codec: probe.video.codec,
      audio_codecs: JSON.stringify(probe.audio.codecs),
      width: probe.video.width,
      height: probe.video.height,
      fps_num: fr?.num ?? null,
      fps_den: fr?.den ?? null,
      duration_us: durationS !== null ? Math.round(durationS * 1e6) : null,
      keyframe_count: probe.keyframes.length,
      playback_mode: rawStream(probe.demuxer) ? 'transcode' : probe.playback.mode,
      ...cols,
      placement_inputs: JSON.stringify(inputs),
      probe: JSON.stringify({ ...probe, path: basename(probe.path) }),
      imported_us: nowMicros(),
      examiner
    }).lastInsertRowid
  )
}

/** Probes one acquired evidence file and records it as footage of a camera. */
export async function importVideoEvidence(folder: CaseFolder, evidenceId: number, opts: VideoImportOptions): Promise<VideoImportOutcome> {
  const db = folder.db
  const evidence = evidenceById(db, evidenceId)
  if (!evidence) throw new VideoError(`There is no evidence #${evidenceId} in this case.`, 'NOT_FOUND')
  if (isHikvisionIndexFileName(evidence.originalName)) return applyCardIndex(folder, evidence, opts)
  const existing = db.prepare('SELECT id FROM video_file WHERE evidence_id = ?').get(evidenceId) as { id: number } | undefined
  if (existing) {
    const file = getFile(db, existing.id)
    if (opts.start) {
      // Importing again with --start places (or re-places) the file by hand.
      const placed = placeFile(db, existing.id, { start: opts.start, timeZone: opts.timeZone ?? null, basis: 'camera-clock', reason: 'start given at import' }, opts.examiner, opts.caseZone)
      return { outcome: 'already', file: placed, message: `already imported as video file #${existing.id}; placed by the given start` }
    }
    return { outcome: 'already', file, message: `already imported as video file #${existing.id}` }
  }
  if (opts.timeZone && !isValidTimeZone(opts.timeZone)) throw new VideoError(`Unknown time zone "${opts.timeZone}". Use an IANA name such as Europe/London.`, 'BAD_REQUEST')

  let probe: VideoProbe
  try {
    probe = await probeVideo(folder.evidencePath(evidence.sha256), opts.tools, { signal: opts.signal })
  } catch (err) {
    if (!(err instanceof ProbeError)) throw err
    const message = err.message.replace(evidence.sha256, evidence.originalName)
    db.transaction(() => appendCustody(db, { examiner: opts.examiner, action: 'video.refused', object: `evidence #${evidenceId}`, details: { reason: message, code: err.code } }))()
    return { outcome: 'refused', file: null, message }
  }
  // The probe ran on evidence/<sha>; keep the original name for the record.
  const originalPath = evidence.originalPath
  const fileName = placeFromFileName(originalPath)
  const identity = opts.camera
    ? { key: `name:${normaliseCameraName(opts.camera)}`, displayName: opts.camera, source: 'investigator', sourceDetail: 'named by the investigator at import' }
    : identifyCamera({ path: originalPath, fileName, metadata: probe.formatTags })
  // A hiv file whose card index is in the case becomes one piece per recording (an
  // investigator's --start places the whole file instead, as asked).
  const card = opts.start ? null : await findCardIndex(folder, originalPath)
  const cut = card ? await cutHikvisionPieces(folder, evidence, card, { examiner: opts.examiner, tools: opts.tools, signal: opts.signal, videoEvidence: (id) => videoFileIdOf(db, id) }) : null
  const inputs: StoredInputs = {
    creationTime: probe.creationTime,
    // ffmpeg's dhav demuxer starts the stream at the camera's epoch time (wall clock as if UTC).
    streamStartEpoch:
      probe.demuxer === 'dhav' && probe.containerStartS !== null && probe.containerStartS > 978_307_200
        ? { epochUs: epochSecondsToUs(probe.containerStartS), source: 'Dahua DHAV stream timestamps' }
        : null,
    fileName,
    manual: opts.start ? { text: opts.start, zone: null, basis: 'camera-clock', by: opts.examiner } : null
  }

  const result = db.transaction(() => {
    let cam = ensureCamera(db, identity.key, identity.displayName, `${identity.source}: ${identity.sourceDetail}`)
    const changes: Record<string, unknown> = {}
    if (opts.timeZone && cam.time_zone !== opts.timeZone) changes.timeZone = { from: cam.time_zone, to: opts.timeZone }
    if (opts.offsetUs !== null && opts.offsetUs !== undefined && opts.offsetUs !== cam.clock_offset_us) changes.clockOffsetUs = { from: cam.clock_offset_us, to: opts.offsetUs }
    if (Object.keys(changes).length) {
      db.prepare('UPDATE camera SET time_zone = COALESCE(?, time_zone), clock_offset_us = ?, offset_method = ? WHERE id = ?').run(
        opts.timeZone ?? null,
        opts.offsetUs ?? cam.clock_offset_us,
        opts.offsetUs !== null && opts.offsetUs !== undefined ? 'import' : cam.offset_method,
        cam.id
      )
      appendCustody(db, { examiner: opts.examiner, action: 'camera.updated', object: `camera #${cam.id} ${cam.name}`, details: { ...changes, reason: 'given at import' } })
      cam = cameraRow(db, cam.id)
      replaceCameraFiles(db, cam)
    }
    if (inputs.manual) inputs.manual.zone = cam.time_zone ?? opts.caseZone
    if (card && cut) {
      // The whole-file row first (its id is named by the split), then made the split.
      const id = insertVideoFile(db, evidenceId, cam.id, probe, placementColumns(decide(inputs, cam)), inputs, opts.examiner)
      const split = applySplit(db, cam, evidence, id, inputs, card.index, cut.pieces, cut.refused, opts.examiner, null)
      return { file: getFile(db, id), split }
    }
    const cols = placementColumns(decide(inputs, cam))
    const id = insertVideoFile(db, evidenceId, cam.id, probe, cols, inputs, opts.examiner)
    appendCustody(db, {
      examiner: opts.examiner,
      action: 'video.imported',
      object: `evidence #${evidenceId} ${evidence.sha256}`,
      details: {
        videoFileId: id,
        camera: { id: cam.id, name: cam.name, identifiedBy: cam.identified_by },
        container: probe.formatName,
        codec: probe.video.codec,
        startMethod: cols.start_method,
        start: cols.start_us !== null ? microsToIso(cols.start_us) : null,
        placement: JSON.parse(cols.placement) as unknown
      }
    })
    return { file: getFile(db, id), split: null }
  })()
  const { file, split } = result
  if (split) return { outcome: 'imported', file, message: splitMessage(file.fileName, split), pieces: split.pieces.map((p) => getFile(db, p.videoFileId)), refusedSegments: split.refused }
  const how = file.startUs !== null ? `placed at ${microsToIso(file.startUs)} by ${file.startMethod}` : `unplaced: ${file.unplacedReason}`
  return { outcome: 'imported', file, message: `${probe.video.codec} ${probe.video.width}×${probe.video.height}, ${how}` }
}

function videoFileIdOf(db: Db, evidenceId: number): number | null {
  return (db.prepare('SELECT id FROM video_file WHERE evidence_id = ?').get(evidenceId) as { id: number } | undefined)?.id ?? null
}

function splitMessage(fileName: string, split: HikvisionSplit): string {
  const n = split.pieces.length
  // A worn card has hundreds of stale slots: the first few here, all of them in the listing and custody.
  const shown = split.refused.slice(0, 5).map((r) => `slot ${r.slot}: ${r.reason}`)
  const more = split.refused.length > shown.length ? `; and ${split.refused.length - shown.length} more (iwb cameras lists them)` : ''
  const refused = split.refused.length ? `; ${split.refused.length} segment${split.refused.length === 1 ? '' : 's'} not used: ${shown.join('; ')}${more}` : ''
  return `${fileName}: ${n} recording${n === 1 ? '' : 's'} placed by ${split.index.name}, each at its own start${refused}`
}

const UPDATE_PLACEMENT =
  'UPDATE video_file SET camera_id = @camera_id, start_us = @start_us, raw_start_us = @raw_start_us, offset_applied = @offset_applied, start_method = @start_method, start_detail = @start_detail, unplaced_reason = @unplaced_reason, placement = @placement, placement_inputs = @inputs WHERE id = @id'

/**
 * Inside a transaction: each cut piece as a video file of the camera, placed by its
 * segment's own start (the camera's zone and offset apply as to any sidecar time), with
 * custody naming the original's hash, the byte range and the index slot; then the whole
 * file's row becomes the split (off the track, listing pieces and refused segments). A
 * segment that spans the whole file is the file itself: that row is placed by it.
 */
function applySplit(
  db: Db,
  cam: CameraRow,
  hiv: EvidenceItem,
  wholeId: number,
  wholeInputs: StoredInputs,
  index: CardIndexRef,
  cut: CutPiece[],
  refused: SegmentRefusal[],
  examiner: string,
  previous: { method: string; start: string | null } | null
): HikvisionSplit {
  const pieces: HikvisionSplit['pieces'] = []
  let self: StoredInputs | null = null
  for (const p of cut) {
    const inputs: StoredInputs = { sidecar: { startEpochUs: p.startEpochUs, endEpochUs: p.endEpochUs, source: p.sourceText }, hikvisionPiece: p.source }
    const cols = placementColumns(decide(inputs, cam))
    let id: number
    if (p.evidence.id === hiv.id) {
      self = inputs
      id = wholeId
    } else {
      // A piece left by an interrupted earlier run (same bytes, same segment) is re-placed, not doubled.
      const existing = videoFileIdOf(db, p.evidence.id)
      id = existing ?? insertVideoFile(db, p.evidence.id, cam.id, p.probe, cols, inputs, examiner)
      if (existing !== null) db.prepare(UPDATE_PLACEMENT).run({ ...cols, camera_id: cam.id, inputs: JSON.stringify(inputs), id })
    }
    appendCustody(db, {
      examiner,
      action: 'video.hikvision-piece',
      object: `evidence #${p.evidence.id} ${p.evidence.sha256}`,
      details: {
        videoFileId: id,
        sha256: p.evidence.sha256,
        size: p.evidence.size,
        original: { evidenceId: hiv.id, sha256: hiv.sha256, fileName: hiv.originalName },
        byteRange: { start: p.source.byteStart, end: p.source.byteEnd, endExclusive: true },
        index: { evidenceId: index.evidenceId, sha256: index.sha256, fileName: index.name, slot: p.slot },
        camera: { id: cam.id, name: cam.name },
        startMethod: cols.start_method,
        start: cols.start_us !== null ? microsToIso(cols.start_us) : null,
        container: p.probe.formatName,
        codec: p.probe.video.codec
      }
    })
    pieces.push({ slot: p.slot, videoFileId: id, evidenceId: p.evidence.id })
  }
  const split: HikvisionSplit = { index, pieces, refused }
  const inputs: StoredInputs = self ? { ...self, hikvisionSplit: split } : { ...wholeInputs, hikvisionSplit: split }
  db.prepare(UPDATE_PLACEMENT).run({ ...columnsFor(inputs, cam), camera_id: cam.id, inputs: JSON.stringify(inputs), id: wholeId })
  appendSplitCustody(db, hiv, wholeId, split, examiner, previous)
  return split
}

function appendSplitCustody(db: Db, hiv: EvidenceItem, videoFileId: number, split: HikvisionSplit, examiner: string, previous: { method: string; start: string | null } | null): void {
  appendCustody(db, {
    examiner,
    action: 'video.hikvision-split',
    object: `evidence #${hiv.id} ${hiv.sha256}`,
    details: {
      videoFileId,
      index: split.index,
      pieces: split.pieces,
      refused: split.refused,
      ...(previous ? { previous } : {}),
      originalsUntouched: true
    }
  })
}

/**
 * A card index acquired after its hiv files: every hiv file of its folder still shown as
 * a whole is re-placed as its pieces (the whole-file row stays, off the track, with custody).
 */
async function applyCardIndex(folder: CaseFolder, index: EvidenceItem, opts: VideoImportOptions): Promise<VideoImportOutcome> {
  const db = folder.db
  const dir = dirname(index.originalPath)
  const rows = (db.prepare(`${FILE_SELECT} ORDER BY e.original_name, f.id`).all() as FileRow[]).filter((r) => isHikvisionFileName(r.original_name) && dirname(r.original_path) === dir)
  const messages: string[] = []
  let replaced = 0
  for (const row of rows) {
    const inputs = JSON.parse(row.placement_inputs) as StoredInputs
    if (inputs.hikvisionSplit) continue
    const hiv = evidenceById(db, row.evidence_id)!
    const card = await findCardIndex(folder, row.original_path)
    if (!card) continue
    const cut = await cutHikvisionPieces(folder, hiv, card, { examiner: opts.examiner, tools: opts.tools, signal: opts.signal, videoEvidence: (id) => videoFileIdOf(db, id) })
    const split = db.transaction(() => {
      const cam = cameraRow(db, row.camera_id)
      // The investigator's entry (if any) stays in the inputs, for the record; the split rules.
      return applySplit(db, cam, hiv, row.id, inputs, card.index, cut.pieces, cut.refused, opts.examiner, { method: row.start_method, start: row.start_us !== null ? microsToIso(row.start_us) : null })
    })()
    replaced++
    messages.push(splitMessage(row.original_name, split))
  }
  if (replaced === 0) return { outcome: 'already', file: null, message: `${index.originalName}: a card index; no hiv file of its folder in the case waits for it (hiv files imported later are placed by it)` }
  return { outcome: 'imported', file: null, message: `${index.originalName} re-placed ${replaced} hiv file${replaced === 1 ? '' : 's'}: ${messages.join(' | ')}` }
}

/** Raw elementary streams seek by byte estimate: always decoded from the start (transcode path). */
export function rawStream(demuxer: string): boolean {
  return demuxer === 'h264' || demuxer === 'hevc' || demuxer === 'mjpeg'
}

export interface PlaceRequest {
  start: string
  timeZone: string | null
  basis: 'camera-clock' | 'reference-clock'
  reason: string
}

/** Investigator placement: recorded as the file's start source, with custody. */
export function placeFile(db: Db, fileId: number, req: PlaceRequest, examiner: string, caseZone: string): VideoFileInfo {
  const row = fileRow(db, fileId)
  if (req.timeZone && !isValidTimeZone(req.timeZone)) throw new VideoError(`Unknown time zone "${req.timeZone}".`, 'BAD_REQUEST')
  const cam = cameraRow(db, row.camera_id)
  const inputs = JSON.parse(row.placement_inputs) as StoredInputs
  if (inputs.hikvisionSplit?.pieces.some((p) => p.videoFileId !== fileId)) {
    throw new VideoError(`${row.original_name} is shown as its ${inputs.hikvisionSplit.pieces.length} recordings from ${inputs.hikvisionSplit.index.name}, each at its own start; one start for the whole file would misplace everything after the first pause. Place a recording (video file #${inputs.hikvisionSplit.pieces[0]!.videoFileId}…) instead.`, 'BAD_REQUEST')
  }
  const manual = { text: req.start, zone: req.timeZone ?? cam.time_zone ?? caseZone, basis: req.basis, by: examiner }
  const decision = decide({ ...inputs, manual }, cam)
  if (decision.status !== 'placed') throw new VideoError(`The start "${req.start}" could not be used: ${decision.reason}. Write it as 2024-03-05T14:30:00Z or with a zone.`, 'BAD_REQUEST')
  const cols = placementColumns(decision)
  return db.transaction(() => {
    db.prepare(
      'UPDATE video_file SET start_us = @start_us, raw_start_us = @raw_start_us, offset_applied = @offset_applied, start_method = @start_method, start_detail = @start_detail, unplaced_reason = @unplaced_reason, placement = @placement, placement_inputs = @inputs WHERE id = @id'
    ).run({ ...cols, inputs: JSON.stringify({ ...inputs, manual }), id: fileId })
    appendCustody(db, {
      examiner,
      action: 'video.placed',
      object: `evidence #${row.evidence_id} ${row.sha256}`,
      details: {
        videoFileId: fileId,
        previous: { method: row.start_method, start: row.start_us !== null ? microsToIso(row.start_us) : null },
        start: microsToIso(decision.startUs),
        entered: req.start,
        zone: manual.zone,
        basis: req.basis,
        reason: req.reason
      }
    })
    return getFile(db, fileId)
  })()
}

export interface CameraPatch {
  name?: string
  timeZone?: string | null
  offsetUs?: number
  offsetMethod?: CameraInfo['offsetMethod']
  notes?: string
  reason: string
}

/** Renames a camera or changes its zone or clock offset; re-places its files; custody. */
export function updateCamera(db: Db, cameraId: number, patch: CameraPatch, examiner: string): CameraInfo {
  const before = cameraRow(db, cameraId)
  if (patch.timeZone && !isValidTimeZone(patch.timeZone)) throw new VideoError(`Unknown time zone "${patch.timeZone}". Use an IANA name such as Europe/London.`, 'BAD_REQUEST')
  return db.transaction(() => {
    const changes: Record<string, { from: unknown; to: unknown }> = {}
    if (patch.name !== undefined && patch.name !== before.name) changes.name = { from: before.name, to: patch.name }
    if (patch.timeZone !== undefined && patch.timeZone !== before.time_zone) changes.timeZone = { from: before.time_zone, to: patch.timeZone }
    if (patch.offsetUs !== undefined && patch.offsetUs !== before.clock_offset_us) changes.clockOffsetUs = { from: before.clock_offset_us, to: patch.offsetUs }
    if (Object.keys(changes).length === 0) return getCamera(db, cameraId)
    db.prepare('UPDATE camera SET name = ?, time_zone = ?, clock_offset_us = ?, offset_method = ?, offset_notes = ? WHERE id = ?').run(
      patch.name ?? before.name,
      patch.timeZone !== undefined ? patch.timeZone : before.time_zone,
      patch.offsetUs ?? before.clock_offset_us,
      patch.offsetUs !== undefined ? (patch.offsetMethod ?? 'manual') : before.offset_method,
      patch.notes ?? (patch.offsetUs !== undefined ? patch.reason : before.offset_notes),
      cameraId
    )
    const moved = replaceCameraFiles(db, cameraRow(db, cameraId))
    appendCustody(db, {
      examiner,
      action: 'camera.updated',
      object: `camera #${cameraId} ${before.name}`,
      details: { ...changes, reason: patch.reason, filesMoved: moved, originalsUntouched: true }
    })
    return getCamera(db, cameraId)
  })()
}

/** Calibration: the event is seen at `positionUs` into the file → new camera offset. */
export function calibrateCamera(
  db: Db,
  req: { fileId: number; positionUs: number; eventUs: number; eventLabel: string; eventId: number | null; confirmLargeOffset: boolean },
  examiner: string
): { camera: CameraInfo; previousOffsetUs: number; newOffsetUs: number; description: string; warnings: string[] } {
  const row = fileRow(db, req.fileId)
  if (row.start_us === null) throw new VideoError('This file is unplaced: place it first, then calibrate its camera.', 'BAD_REQUEST')
  if (row.offset_applied !== 1) throw new VideoError('This file was placed by true time (no camera offset applies to it): calibrate with a file placed by the camera clock.', 'BAD_REQUEST')
  const cam = cameraRow(db, row.camera_id)
  const r = calibrate({
    cameraKey: cam.key,
    event: { us: req.eventUs, label: req.eventLabel, eventId: req.eventId !== null ? String(req.eventId) : undefined },
    frame: { fileId: String(row.id), fileStartUs: row.start_us, positionUs: req.positionUs },
    currentOffsetUs: cam.clock_offset_us,
    confirmLargeOffset: req.confirmLargeOffset
  })
  if (!r.ok) throw new VideoError(`Calibration refused: ${r.reason}${r.needsConfirmation ? ' (confirm the large offset to use it)' : ''}.`, 'BAD_REQUEST')
  const camera = db.transaction(() => {
    db.prepare("UPDATE camera SET clock_offset_us = ?, offset_method = 'calibration', offset_notes = ? WHERE id = ?").run(r.newOffsetUs, `${r.description}; from ${req.eventLabel}`, cam.id)
    replaceCameraFiles(db, cameraRow(db, cam.id))
    appendCustody(db, { examiner, action: String(r.custody.action), object: r.custody.object, details: { ...(r.custody.details ?? {}), videoFileId: row.id, originalsUntouched: true } })
    return getCamera(db, cam.id)
  })()
  return { camera, previousOffsetUs: r.previousOffsetUs, newOffsetUs: r.newOffsetUs, description: r.description, warnings: r.warnings }
}

export { describeClockOffset }

// ---- derived media ----

interface DerivedBase {
  path: string
  kind: string
  sha256: string
  size: number
  args: string[]
  sourceEvidenceId: number
  sourceSha256: string
  /** Text burnt into the derived picture (stills), kept in its custody entry. */
  caption?: string
}

/**
 * A derived file made by ffmpeg (its version line), or by the app itself (`tool`, e.g. the
 * MP4 fragmenter, with args describing what it copied): the row's ffmpeg_version column
 * then holds the tool's name and version.
 */
export type DerivedRecord = DerivedBase & ({ ffmpegVersion: string; tool?: undefined } | { tool: string; ffmpegVersion?: undefined })

export function derivedRecorded(db: Db, path: string): boolean {
  return db.prepare('SELECT 1 FROM derived_media WHERE path = ?').get(path) !== undefined
}

/** One row and one custody entry per derived file (ffmpeg version or tool, and exact arguments included). */
export function recordDerived(db: Db, rec: DerivedRecord, examiner: string): void {
  db.transaction(() => {
    if (derivedRecorded(db, rec.path)) return
    db.prepare(
      'INSERT INTO derived_media (path, kind, sha256, size, ffmpeg_version, args, source_evidence_id, source_sha256, created_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
    ).run(rec.path, rec.kind, rec.sha256, rec.size, rec.tool ?? rec.ffmpegVersion, JSON.stringify(rec.args), rec.sourceEvidenceId, rec.sourceSha256, nowMicros())
    appendCustody(db, {
      examiner,
      action: 'media.derived',
      object: `derived/${rec.path}`,
      details: { kind: rec.kind, sha256: rec.sha256, size: rec.size, ...(rec.tool !== undefined ? { tool: rec.tool } : { ffmpegVersion: rec.ffmpegVersion }), args: rec.args, sourceEvidenceId: rec.sourceEvidenceId, sourceSha256: rec.sourceSha256, ...(rec.caption !== undefined ? { caption: rec.caption } : {}) }
    })
  })()
}

// ---- doors and cameras ----

/** Doors are the locations of access (badge) events. */
function doors(db: Db): string[] {
  const hasEvents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'event'").get()
  if (!hasEvents) return []
  return (db.prepare("SELECT DISTINCT location FROM event WHERE category = 'access' AND location IS NOT NULL AND location <> '' ORDER BY location LIMIT 2000").all() as { location: string }[]).map((r) => r.location)
}

export function listDoorCameras(db: Db): DoorCamera[] {
  const rows = db.prepare('SELECT d.door, d.camera_id, d.status, d.reason, c.name AS camera_name FROM door_camera d LEFT JOIN camera c ON c.id = d.camera_id').all() as {
    door: string
    camera_id: number | null
    status: 'suggested' | 'confirmed'
    reason: string
    camera_name: string | null
  }[]
  const byDoor = new Map(rows.map((r) => [r.door, r]))
  const all = [...new Set([...doors(db), ...rows.map((r) => r.door)])].sort()
  return all.map((door) => {
    const r = byDoor.get(door)
    return r
      ? { door, cameraId: r.camera_id, cameraName: r.camera_name, status: r.status, reason: r.reason }
      : { door, cameraId: null, cameraName: null, status: 'none' as const, reason: '' }
  })
}

export function setDoorCamera(db: Db, door: string, cameraId: number | null, examiner: string): DoorCamera[] {
  if (cameraId !== null) cameraRow(db, cameraId)
  db.transaction(() => {
    const before = db.prepare('SELECT camera_id, status FROM door_camera WHERE door = ?').get(door) as { camera_id: number | null; status: string } | undefined
    db.prepare(
      "INSERT INTO door_camera (door, camera_id, status, reason, updated_us) VALUES (?, ?, 'confirmed', 'set by the investigator', ?) ON CONFLICT(door) DO UPDATE SET camera_id = excluded.camera_id, status = 'confirmed', reason = excluded.reason, updated_us = excluded.updated_us"
    ).run(door, cameraId, nowMicros())
    appendCustody(db, { examiner, action: 'door-camera.set', object: `door ${door}`, details: { from: before ?? null, cameraId } })
  })()
  return listDoorCameras(db)
}

const tokens = (s: string): Set<string> => new Set(normaliseCameraName(s).split('-').filter((t) => t.length >= 3 && !['cam', 'camera', 'door', 'the'].includes(t)))

/** For each door with no association: one camera sharing a name word with it (and only one) is applied as "suggested". */
export function suggestDoorCameras(db: Db, examiner: string): DoorCamera[] {
  const cams = db.prepare('SELECT id, name FROM camera').all() as { id: number; name: string }[]
  const taken = new Set((db.prepare('SELECT door FROM door_camera').all() as { door: string }[]).map((r) => r.door))
  const applied: { door: string; cameraId: number; reason: string }[] = []
  for (const door of doors(db)) {
    if (taken.has(door)) continue
    const dt = tokens(door)
    const matches = cams.filter((c) => [...tokens(c.name)].some((t) => dt.has(t)))
    if (matches.length !== 1) continue
    const words = [...tokens(matches[0]!.name)].filter((t) => dt.has(t))
    applied.push({ door, cameraId: matches[0]!.id, reason: `names share “${words.join(', ')}”` })
  }
  if (applied.length) {
    db.transaction(() => {
      const ins = db.prepare("INSERT INTO door_camera (door, camera_id, status, reason, updated_us) VALUES (?, ?, 'suggested', ?, ?)")
      for (const a of applied) ins.run(a.door, a.cameraId, a.reason, nowMicros())
      appendCustody(db, { examiner, action: 'door-camera.suggested', object: 'door associations', details: { applied } })
    })()
  }
  return listDoorCameras(db)
}

/** An event's corrected time and a label, for calibration. */
export function eventForCalibration(db: Db, eventId: number): { us: number; label: string } {
  const row = db.prepare('SELECT ts, action, location, actor FROM event WHERE id = ?').get(eventId) as { ts: number; action: string; location: string | null; actor: string | null } | undefined
  if (!row) throw new VideoError(`There is no event #${eventId}.`, 'NOT_FOUND')
  return { us: row.ts, label: `event #${eventId} ${row.action}${row.actor ? ` by ${row.actor}` : ''}${row.location ? ` at ${row.location}` : ''}` }
}
