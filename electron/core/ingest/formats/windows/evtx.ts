// Windows EVTX (Vista and later binary event log). Layout: a 4 KiB file header
// ("ElfFile\0", chunk count, CRC32 of its first 120 bytes) followed by 64 KiB chunks
// ("ElfChnk\0", CRC32 of the chunk header and of the record data, a string table and a
// template table) holding event records ("**\0\0", size, record number, written time,
// BinXML, size again). Records are rendered with binxml.ts.
//
// Time: the event's time is System/TimeCreated/@SystemTime, a UTC FILETIME (100 ns ticks,
// kept to the µs). The record header's "written" time is NOT used: files re-exported by
// some tools carry zero or shifted header times while SystemTime is right.
//
// Damage handling: the file is read one chunk at a time (constant memory). A chunk with a
// bad signature or header checksum, or a cut-off chunk, yields a numbered bad result and
// the reader moves to the next chunk. Inside a chunk, a record with a bad size or
// signature yields a bad result and the reader resynchronises on the next record
// signature (records are 8-byte aligned), so one broken record does not hide the rest.
// A record-data checksum mismatch is reported once per chunk and the chunk's events are
// still imported, each marked `chunkChecksumMismatch`, because a dirty (not cleanly
// closed) log legitimately has a stale checksum and the records are still evidence.
import { open } from 'node:fs/promises'
import { crc32 } from 'node:zlib'
import type { Importer, ParsedEvent, ParserContext, RecordOutput, SniffInput } from '../../types'
import { BinXmlError, ChunkBinXml } from './binxml'
import { filetimeToIso } from './binxmlValue'
import { winEventFromElement, winEventToParsed } from './eventRecord'
import { isElement, localName, type XmlElement } from './xmlTree'

export const FILE_HEADER_SIZE = 4096
export const CHUNK_SIZE = 65536
const CHUNK_HEADER_SIZE = 512
const RECORD_HEADER_SIZE = 24
const MIN_RECORD_SIZE = RECORD_HEADER_SIZE + 4
const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1')
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1')
const RECORD_MAGIC = Buffer.from('**\0\0', 'latin1')

const hex = (n: number) => `0x${n.toString(16)}`

export function fileHeaderChecksumOk(header: Buffer): boolean {
  return header.length >= 128 && crc32(header.subarray(0, 120)) === header.readUInt32LE(124)
}

/** CRC32 over the chunk header without its checksum field, as Windows computes it. */
export function chunkHeaderChecksum(chunk: Buffer): number {
  return crc32(chunk.subarray(128, CHUNK_HEADER_SIZE), crc32(chunk.subarray(0, 120)))
}

interface ChunkState {
  index: number
  fileOffset: number
  /** Record number to give a bad result when no record number can be read. */
  nextRecordNo: number
}

function safeRecordNo(n: bigint, fallback: number): number {
  return n > 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : fallback
}

function isZero(buf: Buffer, from = 0): boolean {
  for (let i = from; i < buf.length; i++) if (buf[i] !== 0) return false
  return true
}

/** Offset of the next plausible record at or after `from` (8-byte aligned, sane sizes), or -1. */
function resync(chunk: Buffer, from: number, end: number): number {
  let i = chunk.indexOf(RECORD_MAGIC, from)
  while (i !== -1 && i + MIN_RECORD_SIZE <= end) {
    if (i % 8 === 0) {
      const size = chunk.readUInt32LE(i + 4)
      if (size >= MIN_RECORD_SIZE && i + size <= end && chunk.readUInt32LE(i + size - 4) === size) return i
    }
    i = chunk.indexOf(RECORD_MAGIC, i + 1)
  }
  return -1
}

function toEvent(root: XmlElement, extraFields: Record<string, unknown>): ParsedEvent | string {
  const ev = winEventFromElement(root)
  if (ev.timeUs === null) return ev.timeText ? `TimeCreated/@SystemTime "${ev.timeText}" is not a time` : 'event has no TimeCreated/@SystemTime'
  // Windows never writes a zero SystemTime; a zero FILETIME is a wiped or damaged value.
  if (ev.timeText?.startsWith('1601-01-01T00:00:00.0000000')) return 'TimeCreated/@SystemTime is the zero FILETIME (1601-01-01)'
  return winEventToParsed({ ...ev, timeUs: ev.timeUs }, extraFields)
}

/**
 * Parses the records of one chunk. `available` is how many bytes of the chunk the file
 * holds (less than 64 KiB when the file is cut short).
 */
function* readChunk(chunk: Buffer, available: number, st: ChunkState): Generator<RecordOutput> {
  const at = (o: number) => st.fileOffset + o
  const where = (o: number) => `chunk ${st.index} (file offset ${hex(st.fileOffset)}), offset ${hex(at(o))}`
  const firstRecordNo = available >= 16 ? safeRecordNo(chunk.readBigUInt64LE(8), st.nextRecordNo) : st.nextRecordNo
  if (available < CHUNK_HEADER_SIZE) {
    yield { bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)} is cut off after ${available} bytes (file truncated)`, offset: st.fileOffset, recordNo: firstRecordNo }
    return
  }
  if (!chunk.subarray(0, 8).equals(CHUNK_MAGIC)) {
    yield { bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)} has no ElfChnk signature; chunk skipped`, offset: st.fileOffset, recordNo: st.nextRecordNo }
    return
  }
  const stored = chunk.readUInt32LE(124)
  const computed = chunkHeaderChecksum(chunk)
  if (stored !== computed) {
    yield {
      bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)}: header checksum ${hex(stored)} does not match ${hex(computed)}; chunk skipped (its string and template tables cannot be trusted)`,
      offset: st.fileOffset,
      recordNo: firstRecordNo
    }
    return
  }
  const freeSpace = chunk.readUInt32LE(48)
  if (freeSpace < CHUNK_HEADER_SIZE || freeSpace > CHUNK_SIZE) {
    yield { bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)}: free-space offset ${hex(freeSpace)} out of range; chunk skipped`, offset: st.fileOffset, recordNo: firstRecordNo }
    return
  }
  const truncated = available < freeSpace
  const end = Math.min(freeSpace, available)
  let checksumMismatch = false
  if (!truncated) {
    const dataStored = chunk.readUInt32LE(52)
    const dataComputed = crc32(chunk.subarray(CHUNK_HEADER_SIZE, freeSpace))
    if (dataStored !== dataComputed) {
      checksumMismatch = true
      yield {
        bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)}: record data checksum ${hex(dataStored)} does not match ${hex(dataComputed)}; its records are imported but marked chunkChecksumMismatch`,
        offset: st.fileOffset,
        recordNo: firstRecordNo
      }
    }
  }

  const binxml = new ChunkBinXml(chunk.subarray(0, available))
  let pos = CHUNK_HEADER_SIZE
  while (pos + RECORD_HEADER_SIZE <= end) {
    if (!chunk.subarray(pos, pos + 4).equals(RECORD_MAGIC)) {
      if (isZero(chunk.subarray(pos, end))) break
      const next = resync(chunk, pos + 1, end)
      yield { bad: `${where(pos)}: no record signature; skipped ${(next === -1 ? end : next) - pos} bytes`, offset: at(pos), recordNo: st.nextRecordNo }
      if (next === -1) break
      pos = next
      continue
    }
    const size = chunk.readUInt32LE(pos + 4)
    const recordNo = safeRecordNo(chunk.readBigUInt64LE(pos + 8), st.nextRecordNo)
    if (size < MIN_RECORD_SIZE || pos + size > freeSpace || size % 8 !== 0) {
      const next = resync(chunk, pos + 8, end)
      yield { bad: `record ${recordNo} (${where(pos)}): size ${size} out of range (${MIN_RECORD_SIZE}..${freeSpace - pos}, multiple of 8)`, offset: at(pos), recordNo }
      st.nextRecordNo = recordNo + 1
      if (next === -1) break
      pos = next
      continue
    }
    if (pos + size > available) {
      yield { bad: `record ${recordNo} (${where(pos)}): cut off by the end of the file (truncated; needs ${size} bytes)`, offset: at(pos), recordNo }
      st.nextRecordNo = recordNo + 1
      break
    }
    if (chunk.readUInt32LE(pos + size - 4) !== size) {
      const next = resync(chunk, pos + 8, end)
      yield { bad: `record ${recordNo} (${where(pos)}): trailing size copy ${chunk.readUInt32LE(pos + size - 4)} differs from size ${size}`, offset: at(pos), recordNo }
      st.nextRecordNo = recordNo + 1
      if (next === -1) break
      pos = next
      continue
    }
    st.nextRecordNo = recordNo + 1
    const headerTicks = chunk.readBigUInt64LE(pos + 16)
    try {
      const roots = binxml.renderRecord(pos + RECORD_HEADER_SIZE, pos + size - 4)
      const root = roots.find((n): n is XmlElement => isElement(n) && localName(n.name) === 'Event')
      if (!root) throw new BinXmlError('record holds no <Event> element')
      const extra: Record<string, unknown> = {
        evtxChunk: st.index,
        evtxRecordNumber: recordNo,
        evtxWrittenTime: headerTicks === 0n ? null : filetimeToIso(headerTicks)
      }
      if (checksumMismatch) extra.chunkChecksumMismatch = true
      const ev = toEvent(root, extra)
      if (typeof ev === 'string') yield { bad: `record ${recordNo} (${where(pos)}): ${ev}`, offset: at(pos), recordNo }
      else yield { events: [ev], offset: at(pos), length: size, recordNo }
    } catch (err) {
      // Anything else thrown here is a parser bug met on odd input: still one bad record, not a failed import.
      const reason = err instanceof BinXmlError ? err.message : `parser error: ${(err as Error).message}`
      yield { bad: `record ${recordNo} (${where(pos)}): ${reason}`, offset: at(pos), recordNo }
    }
    pos += size
  }
  if (truncated) {
    yield { bad: `chunk ${st.index} at file offset ${hex(st.fileOffset)} is cut off after ${available} of ${freeSpace} bytes of records (file truncated)`, offset: at(available), recordNo: st.nextRecordNo }
  }
}

export async function* readEvtx(path: string, ctx: ParserContext): AsyncGenerator<RecordOutput> {
  const fh = await open(path, 'r')
  try {
    const size = (await fh.stat()).size
    const head = Buffer.alloc(Math.min(FILE_HEADER_SIZE, size))
    await fh.read(head, 0, head.length, 0)
    let firstChunk = FILE_HEADER_SIZE
    let declaredChunks: number | null = null
    if (head.subarray(0, 8).equals(CHUNK_MAGIC)) {
      // A chunk carved out of a larger log: no file header.
      firstChunk = 0
      ctx.note('file starts with a chunk (no EVTX file header): read as carved chunks')
    } else if (head.length < 128 || !head.subarray(0, 8).equals(FILE_MAGIC)) {
      yield { bad: 'no EVTX file header (ElfFile signature missing); chunks read from offset 0x1000 anyway', offset: 0, recordNo: 0 }
    } else {
      declaredChunks = head.readUInt16LE(42)
      if (!fileHeaderChecksumOk(head)) yield { bad: 'EVTX file header checksum mismatch; chunks read anyway', offset: 0, recordNo: 0 }
      const flags = head.readUInt32LE(120)
      if (flags & 1) ctx.note('EVTX file header is marked dirty (log not closed cleanly): chunk checksums may be stale')
    }
    ctx.note('event time taken from System/TimeCreated/@SystemTime (UTC FILETIME); record header times ignored')

    const st: ChunkState = { index: 0, fileOffset: firstChunk, nextRecordNo: 1 }
    let skippedEmpty = 0
    for (let offset = firstChunk; offset < size; offset += CHUNK_SIZE, st.index++) {
      if (ctx.signal?.aborted) return
      st.fileOffset = offset
      const chunk = Buffer.alloc(CHUNK_SIZE)
      const { bytesRead } = await fh.read(chunk, 0, CHUNK_SIZE, offset)
      const beyondDeclared = declaredChunks !== null && st.index >= declaredChunks
      if (isZero(chunk.subarray(0, bytesRead))) {
        skippedEmpty++
        continue
      }
      if (beyondDeclared && !chunk.subarray(0, 8).equals(CHUNK_MAGIC)) {
        // Space past the chunks the header counts is allowed to hold anything.
        ctx.note('data after the last chunk the file header counts, without a chunk signature, was ignored')
        continue
      }
      if (beyondDeclared) ctx.note('chunks beyond the count in the file header were read (header not updated when the log was last written)')
      yield* readChunk(chunk, bytesRead, st)
    }
    if (skippedEmpty) ctx.note(`${skippedEmpty} empty (all-zero) chunk(s) skipped`)
  } finally {
    await fh.close()
  }
}

export const evtxImporter: Importer = {
  id: 'evtx',
  name: 'Windows EVTX',
  description: 'Windows event log files (.evtx): Security, System, Sysmon… Time from TimeCreated/@SystemTime (UTC).',
  sniff(input: SniffInput): number {
    const h = input.head
    if (h.length >= 8 && h.subarray(0, 8).equals(FILE_MAGIC)) return 1
    if (h.length >= 8 && h.subarray(0, 8).equals(CHUNK_MAGIC)) return 0.9
    return 0
  },
  readRecords: readEvtx
}
