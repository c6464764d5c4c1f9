// ZIP64 when needed, not only when forced: an archive with more than 65,535 entries gets
// the ZIP64 end records on its own (the 16-bit entry count would overflow), and unzip reads
// every entry back. (Entries over 4 GiB take the same path through `size >= 0xffffffff`;
// writing one is left to the export bench's machine.)
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ZipWriter } from '../../../electron/core/export/zipWriter'
import { tempDir } from '../../helpers/tmp'
import { has, run } from './exportFixture'

const ENTRIES = 65_540
let tmp: ReturnType<typeof tempDir>
beforeAll(() => {
  tmp = tempDir('iwb-zip64-')
})
afterAll(() => tmp.cleanup())

describe('ZipWriter', () => {
  it('switches to ZIP64 by itself past 65,535 entries, and unzip lists every entry', async () => {
    const out = join(tmp.path, 'many.zip')
    const zip = await ZipWriter.create(out)
    await zip.addDirectory('bag')
    for (let i = 1; i < ENTRIES; i++) await zip.addBuffer(`bag/f${i}.txt`, Buffer.from(`${i}\n`))
    await zip.finish()
    const bytes = readFileSync(out)
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(true) // ZIP64 end of central directory
    expect(bytes.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]))).toBe(true) // ZIP64 locator
    // The classic end record says "see ZIP64" (0xffff entries).
    const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
    expect(bytes.readUInt16LE(eocd + 10)).toBe(0xffff)
    // A small archive stays classic.
    const few = join(tmp.path, 'few.zip')
    const small = await ZipWriter.create(few)
    await small.addBuffer('bag/a.txt', Buffer.from('a\n'))
    await small.finish()
    expect(readFileSync(few).includes(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBe(false)
    if (has('unzip')) {
      const listed = run('unzip', ['-Z1', out], tmp.path)
      expect(listed.code).toBe(0)
      const names = listed.stdout.trim().split('\n')
      expect(names).toHaveLength(ENTRIES)
      expect(names.at(-1)).toBe(`bag/f${ENTRIES - 1}.txt`)
      expect(run('unzip', ['-p', out, 'bag/f65537.txt'], tmp.path).stdout).toBe('65537\n')
    }
  }, 120_000)
})
