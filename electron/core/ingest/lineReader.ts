// Splits a file into lines in constant memory, keeping each line's byte offset and
// number so every event can point at its exact bytes. UTF-8 is decoded with replacement
// and lines holding invalid sequences are flagged. A line longer than the limit is not
// buffered: it is reported once as too long and skipped to its end.
import { open } from 'node:fs/promises'

export const MAX_LINE_BYTES = 1024 * 1024
const READ_BYTES = 1024 * 1024

export interface Line {
  text: string
  lineNo: number
  /** Byte offset of the line's first byte in the file. */
  offset: number
  /** Byte length without the terminator. */
  length: number
  invalidUtf8: boolean
  /** Set when the line exceeded MAX_LINE_BYTES; `text` then holds only its first 200 bytes. */
  tooLong?: boolean
}

const decoder = new TextDecoder('utf-8', { fatal: false })
const strict = new TextDecoder('utf-8', { fatal: true })

function decode(bytes: Buffer): { text: string; invalid: boolean } {
  try {
    return { text: strict.decode(bytes), invalid: false }
  } catch {
    return { text: decoder.decode(bytes), invalid: true }
  }
}

export async function* readLines(
  path: string,
  options: { signal?: AbortSignal; onBytes?: (n: number) => void; maxLineBytes?: number } = {}
): AsyncGenerator<Line> {
  const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES)
    let carry: Buffer = Buffer.alloc(0)
    let carryStart = 0 // file offset of carry[0]
    let position = 0
    let lineNo = 0
    let skippingLong: Line | null = null
    let bom = true
    for (;;) {
      if (options.signal?.aborted) return
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position)
      if (bytesRead === 0) break
      options.onBytes?.(bytesRead)
      let chunk = buf.subarray(0, bytesRead)
      const chunkStart = position
      position += bytesRead
      if (bom) {
        bom = false
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          chunk = chunk.subarray(3)
          carryStart = 3
        }
      }
      let data: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk
      let dataStart = carry.length ? carryStart : chunkStart + (bytesRead - chunk.length)
      let from = 0
      for (;;) {
        const nl = data.indexOf(0x0a, from)
        if (nl === -1) break
        if (skippingLong) {
          skippingLong.length += nl - from
          yield skippingLong
          skippingLong = null
        } else {
          const end = nl > from && data[nl - 1] === 0x0d ? nl - 1 : nl
          const bytes = data.subarray(from, end)
          lineNo++
          if (bytes.length > maxLine) {
            yield { ...decodeHead(bytes), lineNo, offset: dataStart + from, length: bytes.length, tooLong: true }
          } else {
            const d = decode(bytes)
            yield { text: d.text, lineNo, offset: dataStart + from, length: bytes.length, invalidUtf8: d.invalid }
          }
        }
        from = nl + 1
      }
      const rest = data.subarray(from)
      if (skippingLong) {
        skippingLong.length += rest.length
        carry = Buffer.alloc(0)
      } else if (rest.length > maxLine) {
        lineNo++
        skippingLong = { ...decodeHead(rest), lineNo, offset: dataStart + from, length: rest.length, tooLong: true }
        carry = Buffer.alloc(0)
      } else {
        // Copy: `buf` is reused by the next read.
        carry = Buffer.from(rest)
        carryStart = dataStart + from
      }
      data = Buffer.alloc(0)
      dataStart = 0
    }
    if (skippingLong) yield skippingLong
    else if (carry.length > 0) {
      const end = carry[carry.length - 1] === 0x0d ? carry.length - 1 : carry.length
      const d = decode(carry.subarray(0, end))
      yield { text: d.text, lineNo: lineNo + 1, offset: carryStart, length: end, invalidUtf8: d.invalid }
    }
  } finally {
    await fh.close()
  }
}

function decodeHead(bytes: Buffer): { text: string; invalidUtf8: boolean } {
  const d = decode(bytes.subarray(0, 200))
  return { text: d.text, invalidUtf8: d.invalid }
}
