// Hikvision / EZVIZ SD-card recording index (index00.bin; index01.bin is a copy). The card
// holds fixed-size hivNNNNN.mp4 files (MPEG-PS) that the camera overwrites in rotation;
// this index says which time ranges sit where in which file, and is how footage on a card
// gets onto the timeline. Layout (little-endian), as read by the open-source extractors
// (aloz77/hiktools, bkbilly/libHikvision, yrambler2001/hikvision-ezviz-sdcard-video-extractor)
// and checked against their v2 sample:
//   header, 1280 bytes: u64 modifyTimes, u32 version, u32 avFiles, u32 nextFileRecNo,
//     u32 lastFileRecNo, 1176 bytes current-file records, 76 unknown, u32 checksum
//   file table, avFiles x 32 bytes: u32 fileNo, u16 channel (0xffff = unused),
//     u16 segment count, u32 start, u32 end, ...
//   segment table, avFiles x 256 x 80 bytes: u8 type, u8 status, u16, u32 resolution,
//     u64 start, u64 end, u64 first key frame time, u32, u32, u32 start offset, u32 end offset, ...
// The 64-bit times hold epoch seconds in the low 32 bits and, in the sample, milliseconds
// expressed in microseconds (0..999000) in the high 32 bits.
// Our own reading of the sample, not in those tools: the 1176 "current-file" bytes are 49
// records of 24 bytes (u16 fileNo, u16 segment count, u32 start, u32 end, ...), one per
// channel; they describe the file being written, whose file-table row is still the one from
// the previous pass over the card. Slots at or past a file's segment count are left from
// earlier passes: they keep old times and offsets whose video has usually been overwritten.
import { open } from 'node:fs/promises'

export const HIK_HEADER_BYTES = 1280
export const HIK_FILE_RECORD_BYTES = 32
export const HIK_SEGMENT_BYTES = 80
export const HIK_SEGMENTS_PER_FILE = 256
/** The index's times are whatever the camera's clock said, written as if UTC. */
export const HIK_CLOCK_NOTE = 'camera wall clock, zone unknown'

const CURRENT_RECORDS_AT = 24
const CURRENT_RECORD_BYTES = 24
const CURRENT_RECORD_COUNT = 1176 / CURRENT_RECORD_BYTES
const KNOWN_VERSIONS = [2, 3]
/** The v2 index is 16 MiB; anything far larger is not an index. */
const MAX_INDEX_BYTES = 64 * 1024 * 1024
/** A current segment this far outside its file's time range is treated as stale. */
const FILE_RANGE_SLACK_S = 24 * 3600
const MICROS_PER_SECOND = 1_000_000

export class HikvisionIndexError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'HikvisionIndexError'
  }
}

export interface HikvisionFile {
  fileNo: number
  fileName: string
  /** false when the file-table row is marked unused (channel 0xffff). */
  inUse: boolean
  channel: number | null
  /** Segments of the current pass: slots 0 .. segmentCount-1. */
  segmentCount: number
  startEpochS: number | null
  endEpochS: number | null
  /** The file the camera was writing when the index was last saved (from the header). */
  live: boolean
}

/**
 * current: a segment of the file's current pass. recording: the segment being written when
 * the index was saved (no end yet). stale: anything else that is not an empty slot.
 */
export type HikvisionSegmentStatus = 'current' | 'recording' | 'stale'

export interface HikvisionSegment {
  fileNo: number
  fileName: string
  /** 0..255 within the file. */
  slot: number
  /** Camera wall clock as epoch seconds (low 32 bits); 0 when absent. */
  startEpochS: number
  endEpochS: number
  /** Sub-second part from the high 32 bits when it reads as 0..999999 µs, else null. */
  startMicros: number | null
  endMicros: number | null
  /** Byte range in the .mp4; null when the index holds none. */
  startOffset: number | null
  endOffset: number | null
  status: HikvisionSegmentStatus
  /** Why a segment is stale or suspect; empty for a clean current segment. */
  problems: string[]
  /**
   * A stale segment whose bytes lie past everything the current pass wrote to its (closed)
   * file: the older video may still be there. Unverified until the .mp4 is read.
   */
  mayHoldOldVideo: boolean
}

export interface HikvisionIndex {
  version: number
  /** How often the camera rewrote the index (a counter); null if beyond 2^53. */
  modifyTimes: number | null
  fileCount: number
  nextFileNo: number
  lastFileNo: number
  files: HikvisionFile[]
  /** Every non-empty slot, in file then slot order. */
  segments: HikvisionSegment[]
  summary: {
    /** Slots holding anything. */
    slotsUsed: number
    /** Slots with an end time: what the open-source extractors list as recordings. */
    withEndTime: number
    current: number
    recording: number
    stale: number
    /** Range of current and recording segments, camera wall clock. */
    currentRange: { startEpochS: number; endEpochS: number } | null
    /** Range of every segment with plausible times, stale included. */
    allRange: { startEpochS: number; endEpochS: number } | null
  }
  clock: typeof HIK_CLOCK_NOTE
  warnings: string[]
}

export function hikvisionFileName(fileNo: number): string {
  return `hiv${String(fileNo).padStart(5, '0')}.mp4`
}

/** Reads and parses an index file; refuses files too large to be one. */
export async function readHikvisionIndex(path: string): Promise<HikvisionIndex> {
  const fh = await open(path, 'r')
  try {
    const { size } = await fh.stat()
    if (size > MAX_INDEX_BYTES) {
      throw new HikvisionIndexError(`${size} bytes is too large for a Hikvision index (the v2 index is 16 MiB; the limit is 64 MiB)`)
    }
    const buf = Buffer.alloc(size)
    let at = 0
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, at)
      if (bytesRead === 0) break
      at += bytesRead
    }
    return parseHikvisionIndex(buf.subarray(0, at))
  } finally {
    await fh.close()
  }
}

export function parseHikvisionIndex(buf: Buffer): HikvisionIndex {
  if (buf.length < HIK_HEADER_BYTES) {
    throw new HikvisionIndexError(`truncated: ${buf.length} bytes, but the index header alone is ${HIK_HEADER_BYTES}`)
  }
  const warnings: string[] = []
  const modify = buf.readBigUInt64LE(0)
  const version = buf.readUInt32LE(8)
  const fileCount = buf.readUInt32LE(12)
  const nextFileNo = buf.readUInt32LE(16)
  const lastFileNo = buf.readUInt32LE(20)
  if (!KNOWN_VERSIONS.includes(version)) {
    throw new HikvisionIndexError(`not a known Hikvision index: version field ${version} (known: ${KNOWN_VERSIONS.join(', ')})`)
  }
  if (version !== 2) warnings.push(`index version ${version} is parsed with the v2 layout, as the open-source extractors do; not verified against a v${version} sample`)
  const segmentTableAt = HIK_HEADER_BYTES + fileCount * HIK_FILE_RECORD_BYTES
  const needed = segmentTableAt + fileCount * HIK_SEGMENTS_PER_FILE * HIK_SEGMENT_BYTES
  if (needed > buf.length) {
    throw new HikvisionIndexError(
      `truncated or not an index: the header declares ${fileCount} files, which needs ${needed} bytes of tables; the file has ${buf.length}`
    )
  }
  if (fileCount > 0 && (nextFileNo >= fileCount || lastFileNo >= fileCount)) {
    warnings.push(`the header's next/last file numbers (${nextFileNo}/${lastFileNo}) are outside the ${fileCount} files`)
  }

  const files: HikvisionFile[] = []
  for (let f = 0; f < fileCount; f++) {
    const at = HIK_HEADER_BYTES + f * HIK_FILE_RECORD_BYTES
    const storedNo = buf.readUInt32LE(at)
    const channel = buf.readUInt16LE(at + 4)
    const count = buf.readUInt16LE(at + 6)
    const start = buf.readUInt32LE(at + 8)
    const end = buf.readUInt32LE(at + 12)
    const inUse = channel !== 0xffff
    if (inUse && storedNo !== f) warnings.push(`file-table row ${f} says it is file ${storedNo}; rows are taken by position`)
    if (count > HIK_SEGMENTS_PER_FILE) warnings.push(`file ${f} claims ${count} segments; a file has ${HIK_SEGMENTS_PER_FILE} slots`)
    files.push({
      fileNo: f,
      fileName: hikvisionFileName(f),
      inUse,
      channel: inUse ? channel : null,
      segmentCount: inUse ? Math.min(count, HIK_SEGMENTS_PER_FILE) : 0,
      startEpochS: inUse && start !== 0 ? start : null,
      endEpochS: inUse && end !== 0 ? end : null,
      live: false
    })
  }

  for (let r = 0; r < CURRENT_RECORD_COUNT; r++) {
    const at = CURRENT_RECORDS_AT + r * CURRENT_RECORD_BYTES
    const fileNo = buf.readUInt16LE(at)
    if (fileNo === 0xffff) continue
    const count = buf.readUInt16LE(at + 2)
    const file = files[fileNo]
    if (!file || count > HIK_SEGMENTS_PER_FILE) {
      warnings.push(`the header's current-file record ${r} names file ${fileNo} with ${count} segments, which does not exist; ignored`)
      continue
    }
    const start = buf.readUInt32LE(at + 4)
    const end = buf.readUInt32LE(at + 8)
    files[fileNo] = { ...file, inUse: true, channel: r, segmentCount: count, startEpochS: start || null, endEpochS: end || null, live: true }
  }

  const segments: HikvisionSegment[] = []
  for (const file of files) {
    const fileSegments: HikvisionSegment[] = []
    for (let slot = 0; slot < HIK_SEGMENTS_PER_FILE; slot++) {
      const at = segmentTableAt + (file.fileNo * HIK_SEGMENTS_PER_FILE + slot) * HIK_SEGMENT_BYTES
      const seg = readSegment(buf, at, file, slot)
      if (seg) fileSegments.push(seg)
    }
    classify(file, fileSegments)
    segments.push(...fileSegments)
  }

  return { version, modifyTimes: modify <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(modify) : null, fileCount, nextFileNo, lastFileNo, files, segments, summary: summarise(segments), clock: HIK_CLOCK_NOTE, warnings }
}

function readSegment(buf: Buffer, at: number, file: HikvisionFile, slot: number): HikvisionSegment | null {
  const startHigh = buf.readUInt32LE(at + 12)
  const startEpochS = buf.readUInt32LE(at + 8)
  const endHigh = buf.readUInt32LE(at + 20)
  const endEpochS = buf.readUInt32LE(at + 16)
  const startOffset = buf.readUInt32LE(at + 40)
  const endOffset = buf.readUInt32LE(at + 44)
  if (startEpochS === 0 && endEpochS === 0 && startHigh === 0 && endHigh === 0 && isZero(buf, at, HIK_SEGMENT_BYTES)) return null
  const micros = (high: number, seconds: number) => (seconds !== 0 && high < MICROS_PER_SECOND ? high : null)
  return {
    fileNo: file.fileNo,
    fileName: file.fileName,
    slot,
    startEpochS,
    endEpochS,
    startMicros: micros(startHigh, startEpochS),
    endMicros: micros(endHigh, endEpochS),
    startOffset: startOffset === 0 && endOffset === 0 ? null : startOffset,
    endOffset: endOffset === 0 ? null : endOffset,
    status: 'current',
    problems: [],
    mayHoldOldVideo: false
  }
}

function isZero(buf: Buffer, at: number, length: number): boolean {
  for (let i = at; i < at + length; i++) if (buf[i] !== 0) return false
  return true
}

/** Marks each segment current, recording or stale, with the reasons. */
function classify(file: HikvisionFile, segs: HikvisionSegment[]): void {
  const range = referenceRange(file, segs)
  const final = finalSegmentSlot(file, segs)
  for (const s of segs) {
    if (s.startEpochS === 0) s.problems.push('no start time')
    if (s.endEpochS === 0) {
      if (file.live && s.slot === file.segmentCount && s.startEpochS !== 0) s.status = 'recording'
      else s.problems.push('no end time')
    } else if (s.endEpochS < s.startEpochS) s.problems.push('ends before it starts')
    if (!file.inUse) s.problems.push("the file's table row is unused")
    else if (s.slot >= file.segmentCount && s.status !== 'recording' && s.slot !== final) {
      s.problems.push(`slot ${s.slot} is past the file's ${file.segmentCount} current segments: left from an earlier pass over the card`)
    }
    if (range && (s.slot < file.segmentCount || s.slot === final) && s.startEpochS !== 0) {
      const end = s.endEpochS || s.startEpochS
      if (s.startEpochS < range.start - FILE_RANGE_SLACK_S || end > range.end + FILE_RANGE_SLACK_S) {
        s.problems.push(`times lie more than a day outside ${range.basis}`)
      }
    }
    if (s.problems.length > 0) s.status = 'stale'
  }
  if (file.live) return
  // What the current pass wrote to this closed file: bytes 0 .. extent.
  let extent = 0
  for (const s of segs) if (s.status === 'current' && s.endOffset !== null) extent = Math.max(extent, s.endOffset)
  for (const s of segs) {
    s.mayHoldOldVideo = s.status === 'stale' && s.startOffset !== null && s.endOffset !== null && s.endOffset > s.startOffset && s.startOffset >= extent
  }
}

/**
 * In a closed file the segment count counts the segments before the last one: the slot at
 * index segmentCount is the file's final segment when it ends at the file-table end time
 * and starts (in time and bytes) after slot segmentCount-1. True of every closed file in
 * the v2 sample; a leftover from an earlier pass fails the test (older times, bytes inside).
 */
function finalSegmentSlot(file: HikvisionFile, segs: HikvisionSegment[]): number | null {
  if (file.live || !file.inUse || file.endEpochS === null || file.segmentCount >= HIK_SEGMENTS_PER_FILE) return null
  const s = segs.find((x) => x.slot === file.segmentCount)
  if (!s || s.startEpochS === 0 || s.endEpochS !== file.endEpochS || s.endEpochS < s.startEpochS) return null
  const prev = segs.find((x) => x.slot === file.segmentCount - 1)
  if (prev && (s.startEpochS < prev.endEpochS || (prev.endOffset ?? 0) > (s.startOffset ?? -1))) return null
  return s.slot
}

/** The file's own start/end when sane, else the span around the median start of its current slots. */
function referenceRange(file: HikvisionFile, segs: HikvisionSegment[]): { start: number; end: number; basis: string } | null {
  if (file.startEpochS !== null && file.endEpochS !== null && file.endEpochS >= file.startEpochS) {
    return { start: file.startEpochS, end: file.endEpochS, basis: "the file's recorded time range" }
  }
  const starts = segs
    .filter((s) => s.slot < file.segmentCount && s.startEpochS !== 0)
    .map((s) => s.startEpochS)
    .sort((a, b) => a - b)
  if (starts.length === 0) return null
  const median = starts[starts.length >> 1]!
  return { start: median, end: median, basis: "the median time of the file's segments" }
}

function summarise(segments: HikvisionSegment[]): HikvisionIndex['summary'] {
  const summary: HikvisionIndex['summary'] = {
    slotsUsed: segments.length,
    withEndTime: 0,
    current: 0,
    recording: 0,
    stale: 0,
    currentRange: null,
    allRange: null
  }
  const widen = (r: { startEpochS: number; endEpochS: number } | null, start: number, end: number) =>
    r ? { startEpochS: Math.min(r.startEpochS, start), endEpochS: Math.max(r.endEpochS, end) } : { startEpochS: start, endEpochS: end }
  for (const s of segments) {
    if (s.endEpochS !== 0) summary.withEndTime++
    summary[s.status]++
    if (s.startEpochS === 0 || (s.endEpochS !== 0 && s.endEpochS < s.startEpochS)) continue
    const end = s.endEpochS || s.startEpochS
    summary.allRange = widen(summary.allRange, s.startEpochS, end)
    if (s.status !== 'stale') summary.currentRange = widen(summary.currentRange, s.startEpochS, end)
  }
  return summary
}
