// ASCII text is decoded a segment at a time and its lines are substrings of the segment;
// any other bytes are decoded line by line. Both ways must give the same lines, byte
// offsets and flags as splitting the file by hand, across segment and read boundaries,
// with CRLF, long lines, multi-byte characters and invalid bytes mixed in.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readLineChunks, readLines, type Line } from '../../../electron/core/ingest/lineReader'
import { tempDir } from '../../helpers/tmp'

/** The file split by hand: each LF ends a line, a CR before it is dropped, UTF-8 decoded with replacement. */
function reference(bytes: Buffer): Pick<Line, 'text' | 'lineNo' | 'offset' | 'length' | 'invalidUtf8'>[] {
  const out: Pick<Line, 'text' | 'lineNo' | 'offset' | 'length' | 'invalidUtf8'>[] = []
  let from = 0
  let lineNo = 0
  while (from < bytes.length) {
    let nl = bytes.indexOf(0x0a, from)
    if (nl === -1) nl = bytes.length
    const end = nl > from && bytes[nl - 1] === 0x0d ? nl - 1 : nl
    const raw = bytes.subarray(from, end)
    let invalid = false
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(raw)
    } catch {
      invalid = true
    }
    out.push({ text: new TextDecoder().decode(raw), lineNo: ++lineNo, offset: from, length: end - from, invalidUtf8: invalid })
    from = nl + 1
  }
  return out
}

describe('line reader', () => {
  let tmp: ReturnType<typeof tempDir>
  let path: string
  let bytes: Buffer
  beforeAll(() => {
    tmp = tempDir()
    path = join(tmp.path, 'mixed.log')
    const parts: Buffer[] = []
    for (let i = 0; i < 60_000; i++) {
      let line = `Mar  1 00:00:${String(i % 60).padStart(2, '0')} host app[${i}]: message number ${i}`
      if (i % 997 === 0) line += ' café → Zürich' // multi-byte UTF-8
      if (i % 1009 === 0) line += ' x'.repeat(30_000) // longer than one ASCII segment
      const b = Buffer.from(line + (i % 13 === 0 ? '\r\n' : '\n'))
      parts.push(i % 4999 === 0 ? Buffer.concat([b.subarray(0, 10), Buffer.from([0xff, 0xfe]), b.subarray(10)]) : b)
    }
    parts.push(Buffer.from('last line without a newline'))
    bytes = Buffer.concat(parts)
    writeFileSync(path, bytes)
  })
  afterAll(() => tmp.cleanup())

  it('gives the same lines, offsets and flags as splitting the bytes by hand', async () => {
    const got: Line[] = []
    for await (const l of readLines(path)) got.push(l)
    const want = reference(bytes)
    expect(got.length).toBe(want.length)
    expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024)
    for (let i = 0; i < want.length; i++) {
      const g = got[i]!
      if (g.text !== want[i]!.text || g.offset !== want[i]!.offset || g.invalidUtf8 !== want[i]!.invalidUtf8 || g.length !== want[i]!.length) {
        expect({ text: g.text, lineNo: g.lineNo, offset: g.offset, length: g.length, invalidUtf8: g.invalidUtf8 }).toEqual(want[i])
      }
    }
    expect(got.filter((l) => l.invalidUtf8).length).toBe(want.filter((l) => l.invalidUtf8).length)
    expect(got.filter((l) => l.invalidUtf8).length).toBeGreaterThan(5)
  })

  it('hands lines over in chunks of a few hundred, in order', async () => {
    let n = 0
    let chunks = 0
    for await (const chunk of readLineChunks(path)) {
      expect(chunk.length).toBeGreaterThan(0)
      expect(chunk.length).toBeLessThanOrEqual(512)
      for (const l of chunk) expect(l.lineNo).toBe(++n)
      chunks++
    }
    expect(n).toBe(60_001)
    expect(chunks).toBeGreaterThan(60_000 / 512)
  })
})
