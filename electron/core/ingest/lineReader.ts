// Splits a file into lines in constant memory, keeping each line's byte offset and
// number so every event can point at its exact bytes. UTF-8 is decoded with replacement
// and lines holding invalid sequences are flagged. A file that opens with a UTF-16 byte
// order mark (Excel "Unicode text", Event Viewer exports) is split on UTF-16 code units
// and decoded as UTF-16LE or BE; offsets and lengths stay in bytes of the file. A line
// longer than the limit is not buffered: it is reported once as too long and skipped to
// its end. Lines come in chunks (all the lines ending in one read) so that a caller pays
// one await per megabyte, not one per line; a read that is pure ASCII (nearly every log)
// is decoded once and its lines are substrings of it.
import { isAscii } from 'node:buffer'
import { open } from 'node:fs/promises'

export const MAX_LINE_BYTES = 1024 * 1024
/** Even, so that UTF-16 code units never straddle two reads. */
const READ_BYTES = 1024 * 1024
/**
 * Lines per chunk: enough to make the await per chunk negligible, few enough that what a
 * caller builds from one chunk dies young (a whole read's worth raised the peak RSS).
 */
const CHUNK_LINES = 512
/** Bytes of ASCII decoded at once (well below V8's large-object size). */
const ASCII_SEGMENT = 32 * 1024

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be'

export interface Line {
  text: string
  lineNo: number
  /** Byte offset of the line's first byte in the file. */
  offset: number
  /** Byte length without the terminator. */
  length: number
  /** The bytes are not valid in the file's encoding (UTF-8, or UTF-16 with a lone surrogate). */
  invalidUtf8: boolean
  /** Set when the line exceeded MAX_LINE_BYTES; `text` then holds only its first 200 bytes. */
  tooLong?: boolean
}

/** The encoding a file's first bytes announce with a byte order mark, and the mark's length. */
export function detectBom(head: Uint8Array): { encoding: TextEncoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 }
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 }
  return { encoding: 'utf-8', bom: 0 }
}

interface Codec {
  /** Bytes per code unit. */
  unit: 1 | 2
  decode(bytes: Uint8Array): { text: string; invalid: boolean }
  /** Index of the first byte of the next LF code unit at or after `from` (a unit boundary), or -1. */
  findLf(data: Buffer, from: number): number
  /** Whether the code unit that ends at `end` (exclusive) is a CR. */
  crBefore(data: Buffer, end: number): boolean
}

function codec(encoding: TextEncoding): Codec {
  const lax = new TextDecoder(encoding, { fatal: false })
  const strict = new TextDecoder(encoding, { fatal: true })
  const decode = (bytes: Uint8Array): { text: string; invalid: boolean } => {
    try {
      return { text: strict.decode(bytes), invalid: false }
    } catch {
      return { text: lax.decode(bytes), invalid: true }
    }
  }
  if (encoding === 'utf-8') {
    return { unit: 1, decode, findLf: (data, from) => data.indexOf(0x0a, from), crBefore: (data, end) => end > 0 && data[end - 1] === 0x0d }
  }
  // LE: LF is 0A 00; BE: 00 0A. `from` is always a unit boundary, so only even distances count.
  const lfByte = encoding === 'utf-16le' ? 0 : 1
  return {
    unit: 2,
    decode,
    findLf(data, from) {
      for (let i = data.indexOf(0x0a, from + lfByte); i !== -1; i = data.indexOf(0x0a, i + 1)) {
        const start = i - lfByte
        if ((start - from) % 2 !== 0 || start + 1 >= data.length) continue
        if (data[start + 1 - lfByte] === 0) return start
      }
      return -1
    },
    crBefore: (data, end) => end >= 2 && (encoding === 'utf-16le' ? data[end - 2] === 0x0d && data[end - 1] === 0 : data[end - 2] === 0 && data[end - 1] === 0x0d)
  }
}

export interface ReadLinesOptions {
  signal?: AbortSignal
  onBytes?: (n: number) => void
  maxLineBytes?: number
}

export async function* readLines(path: string, options: ReadLinesOptions = {}): AsyncGenerator<Line> {
  for await (const chunk of readLineChunks(path, options)) yield* chunk
}

/** The file's lines, in order, as one array per read (never empty). */
export async function* readLineChunks(path: string, options: ReadLinesOptions = {}): AsyncGenerator<Line[]> {
  const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES)
    let carry: Buffer = Buffer.alloc(0)
    let carryStart = 0 // file offset of carry[0]
    let position = 0
    let lineNo = 0
    let skippingLong: Line | null = null
    let c: Codec | null = null
    const head = (bytes: Buffer): { text: string; invalidUtf8: boolean } => {
      const d = c!.decode(bytes.subarray(0, 200))
      return { text: d.text, invalidUtf8: d.invalid }
    }
    for (;;) {
      if (options.signal?.aborted) return
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position)
      if (bytesRead === 0) break
      options.onBytes?.(bytesRead)
      let chunk = buf.subarray(0, bytesRead)
      const chunkStart = position
      position += bytesRead
      if (!c) {
        const { encoding, bom } = detectBom(chunk)
        c = codec(encoding)
        chunk = chunk.subarray(bom)
        carryStart = bom
      }
      const { unit } = c
      let data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk
      let dataStart = carry.length ? carryStart : chunkStart + (bytesRead - chunk.length)
      let from = 0
      let out: Line[] = []
      // ASCII: one decode per segment of whole lines, each line a substring of it (offsets are
      // byte offsets). Segments stay small: a string of a megabyte would be a large object
      // that only a full garbage collection frees, and the peak RSS would grow by the file.
      let segment: string | null = null
      let segmentStart = 0
      let segmentEnd = -1
      for (;;) {
        const nl = c.findLf(data, from)
        if (nl === -1) break
        if (skippingLong) {
          skippingLong.length += nl - from
          out.push(skippingLong)
          skippingLong = null
        } else {
          const end = nl > from && c.crBefore(data, nl) ? nl - unit : nl
          lineNo++
          if (unit === 1 && end > segmentEnd) {
            segmentStart = from
            segmentEnd = Math.max(end, data.lastIndexOf(0x0a, Math.min(from + ASCII_SEGMENT, data.length - 1)))
            segment = segmentEnd - from <= ASCII_SEGMENT && isAscii(data.subarray(from, segmentEnd)) ? data.toString('latin1', from, segmentEnd) : null
          }
          if (end - from > maxLine) {
            out.push({ ...head(data.subarray(from, end)), lineNo, offset: dataStart + from, length: end - from, tooLong: true })
          } else if (segment !== null) {
            out.push({ text: segment.slice(from - segmentStart, end - segmentStart), lineNo, offset: dataStart + from, length: end - from, invalidUtf8: false })
          } else {
            const d = c.decode(data.subarray(from, end))
            out.push({ text: d.text, lineNo, offset: dataStart + from, length: end - from, invalidUtf8: d.invalid })
          }
        }
        from = nl + unit
        if (out.length >= CHUNK_LINES) {
          yield out
          out = []
        }
      }
      if (out.length > 0) yield out
      const rest = data.subarray(from)
      if (skippingLong) {
        skippingLong.length += rest.length
        carry = Buffer.alloc(0)
      } else if (rest.length > maxLine) {
        lineNo++
        skippingLong = { ...head(rest), lineNo, offset: dataStart + from, length: rest.length, tooLong: true }
        carry = Buffer.alloc(0)
      } else {
        // Copy: `buf` is reused by the next read.
        carry = Buffer.from(rest)
        carryStart = dataStart + from
      }
      data = Buffer.alloc(0)
      dataStart = 0
    }
    if (skippingLong) yield [skippingLong]
    else if (carry.length > 0 && c) {
      const end = c.crBefore(carry, carry.length) ? carry.length - c.unit : carry.length
      const d = c.decode(carry.subarray(0, end))
      yield [{ text: d.text, lineNo: lineNo + 1, offset: carryStart, length: end, invalidUtf8: d.invalid }]
    }
  } finally {
    await fh.close()
  }
}
