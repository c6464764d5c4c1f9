// Defensive ISO BMFF (MP4/MOV) box reading for the fragmenter: every size is checked
// against its parent (and the file), boxes nest at most MAX_DEPTH deep, and the moov is
// read whole only when it is below MAX_MOOV_BYTES. A check that fails throws Mp4Refused
// with a reason, which sends the segment back to the ffmpeg path (never a guess).
import type { FileHandle } from 'node:fs/promises'

/** Why the fragmenter left a source to ffmpeg (logged and counted by the media server). */
export type FragmenterRefusal =
  | 'not-mp4' // no moov, or the file is not a box structure
  | 'fragmented' // moof/mvex: already fragmented input
  | 'edit-list' // several edits, an empty edit, a rate other than 1, or frames the edit cuts
  | 'ctts' // composition offsets that do not fit (negative, or presenting before decoding)
  | 'codec' // not H.264 in avc1/avc3, or several sample descriptions
  | 'probe-mismatch' // the sample table disagrees with the probe the plan was built from
  | 'limits' // a count, size or offset beyond the file or the sane limits below
  | 'parse' // any other malformed box

export class Mp4Refused extends Error {
  constructor(
    readonly reason: FragmenterRefusal,
    detail: string
  ) {
    super(`${reason}: ${detail}`)
  }
}

export const MAX_MOOV_BYTES = 128 * 1024 * 1024
export const MAX_DEPTH = 12
const MAX_TOP_LEVEL_BOXES = 10_000
const MAX_CHILDREN = 100_000

export interface Box {
  type: string
  /** Offset of the box header within its buffer (or file, for top-level boxes). */
  start: number
  /** Offset of the payload (after size, type and any largesize). */
  body: number
  end: number
}

const typeAt = (b: Uint8Array, at: number): string => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!)

/** The boxes directly inside [from, to) of `buf`; throws on any size that leaves the parent. */
export function childBoxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = []
  let off = from
  while (off < to) {
    if (to - off < 8) throw new Mp4Refused('parse', `${to - off} stray bytes at ${off}`)
    if (out.length >= MAX_CHILDREN) throw new Mp4Refused('limits', `more than ${MAX_CHILDREN} boxes in one parent`)
    let size = buf.readUInt32BE(off)
    const type = typeAt(buf, off + 4)
    let body = off + 8
    if (size === 1) {
      if (to - off < 16) throw new Mp4Refused('parse', `truncated largesize of '${type}' at ${off}`)
      const big = buf.readBigUInt64BE(off + 8)
      if (big > BigInt(to - off)) throw new Mp4Refused('limits', `box '${type}' at ${off} runs past its parent`)
      size = Number(big)
      body = off + 16
    } else if (size === 0) size = to - off
    if (size < body - off || off + size > to) throw new Mp4Refused('limits', `box '${type}' at ${off} (size ${size}) runs past its parent`)
    out.push({ type, start: off, body, end: off + size })
    off += size
  }
  return out
}

/** The one child of `type` (the first if several), or null. */
export function child(buf: Buffer, parent: Box, type: string): Box | null {
  return childBoxes(buf, parent.body, parent.end).find((b) => b.type === type) ?? null
}

/** Follows a path of box types from `parent`; every step must exist. */
export function path(buf: Buffer, parent: Box, types: string[], depth = 0): Box {
  if (depth + types.length > MAX_DEPTH) throw new Mp4Refused('limits', 'boxes nested too deep')
  let at = parent
  for (const t of types) {
    const next = child(buf, at, t)
    if (!next) throw new Mp4Refused('parse', `no '${t}' in '${at.type}'`)
    at = next
  }
  return at
}

/** Reads exactly `length` bytes at `position`, or throws (the file is shorter than its boxes say). */
export async function readExactly(fh: FileHandle, position: number, length: number, into?: Buffer, at = 0): Promise<Buffer> {
  const buf = into ?? Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await fh.read(buf, at + done, length - done, position + done)
    if (bytesRead === 0) throw new Mp4Refused('limits', `the file ends before byte ${position + length}`)
    done += bytesRead
  }
  return buf
}

export interface TopLevel {
  /** The whole moov box (header included); offsets inside are relative to this buffer. */
  moov: Buffer
  moovStart: number
  moovEnd: number
}

/**
 * Walks the file's top-level boxes with positioned reads (16 bytes each) to find the moov,
 * then reads it whole (bounded). A top-level moof means fragmented input: refused.
 */
export async function readTopLevel(fh: FileHandle, fileSize: number): Promise<TopLevel> {
  const head = Buffer.alloc(16)
  let off = 0
  let moov: { start: number; end: number; body: number } | null = null
  for (let n = 0; off < fileSize; n++) {
    if (n >= MAX_TOP_LEVEL_BOXES) throw new Mp4Refused('limits', `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`)
    if (fileSize - off < 8) break // trailing padding some writers leave
    await readExactly(fh, off, Math.min(16, fileSize - off), head)
    let size = head.readUInt32BE(0)
    const type = typeAt(head, 4)
    if (n === 0 && !['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid'].includes(type)) throw new Mp4Refused('not-mp4', `the file starts with '${type}'`)
    let body = off + 8
    if (size === 1) {
      if (fileSize - off < 16) throw new Mp4Refused('limits', `truncated largesize of '${type}'`)
      const big = head.readBigUInt64BE(8)
      if (big > BigInt(fileSize - off)) throw new Mp4Refused('limits', `top-level '${type}' at ${off} runs past the end of the file`)
      size = Number(big)
      body = off + 16
    } else if (size === 0) size = fileSize - off
    if (size < body - off || off + size > fileSize) throw new Mp4Refused('limits', `top-level '${type}' at ${off} (size ${size}) runs past the end of the file`)
    if (type === 'moof' || type === 'mfra' || type === 'sidx' || type === 'styp') throw new Mp4Refused('fragmented', `top-level '${type}'`)
    if (type === 'moov') {
      if (moov) throw new Mp4Refused('parse', 'two moov boxes')
      moov = { start: off, end: off + size, body }
    }
    off += size
  }
  if (!moov) throw new Mp4Refused('not-mp4', 'no moov box')
  const length = moov.end - moov.start
  if (length > MAX_MOOV_BYTES) throw new Mp4Refused('limits', `a moov of ${length} bytes`)
  const buf = await readExactly(fh, moov.start, length)
  return { moov: buf, moovStart: moov.start, moovEnd: moov.end }
}

/** The version and flags of a full box, and where its fields start. */
export function fullBox(buf: Buffer, box: Box, minBody: number): { version: number; flags: number; at: number } {
  if (box.end - box.body < 4 + minBody) throw new Mp4Refused('parse', `'${box.type}' too short`)
  return { version: buf[box.body]!, flags: buf.readUIntBE(box.body + 1, 3), at: box.body + 4 }
}

/**
 * The entry count of a table box, checked against the bytes the box holds before anything
 * is allocated for it: `entrySize` bytes per entry after `headerBytes` of fields.
 */
export function tableCount(buf: Buffer, box: Box, at: number, entrySize: number, headerBytes = 4): number {
  if (box.end - at < headerBytes) throw new Mp4Refused('parse', `'${box.type}' too short`)
  const count = buf.readUInt32BE(at + headerBytes - 4)
  const room = box.end - (at + headerBytes)
  if (count * entrySize > room) throw new Mp4Refused('limits', `'${box.type}' claims ${count} entries in ${room} bytes`)
  return count
}
