import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { extractMembers } from '../../../electron/core/ingest/archive/extractMembers'
import {
  HIK_CLOCK_NOTE,
  HIK_HEADER_BYTES,
  HikvisionIndexError,
  parseHikvisionIndex,
  readHikvisionIndex,
  type HikvisionIndex,
  type HikvisionSegment
} from '../../../electron/core/media/hikvisionIndex'

const SAMPLE_ZIP = join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'video', 'hikvision_sdcard_index_exampleV2.zip')

let dir: string
let indexPath: string
let index: HikvisionIndex

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iwb-hik-'))
  for await (const item of extractMembers(SAMPLE_ZIP, dir, { archiveName: 'exampleV2.zip' })) {
    if (item.outcome === 'extracted' && item.member.path === 'index00.bin') indexPath = item.tempPath
  }
  index = await readHikvisionIndex(indexPath)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const seg = (fileNo: number, slot: number): HikvisionSegment => {
  const s = index.segments.find((x) => x.fileNo === fileNo && x.slot === slot)
  if (!s) throw new Error(`no segment ${fileNo}/${slot}`)
  return s
}
const iso = (epochS: number) => new Date(epochS * 1000).toISOString().replace('.000', '')

// Expected values were checked independently with a python3 one-off over the extracted
// index00.bin (struct.unpack_from, '<'): header '<Q4I' at 0; the header's 24-byte
// current-file record '<HHII' at 48; file rows '<IHHII' at 1280 + 32*f; segment slots at
// 1280 + 32*55 + (f*256 + s)*80 with '<QQ' at +8 (start, end: low 32 bits = epoch s, high 32
// = sub-second µs) and '<II' at +40 (start/end offset). It printed:
//   version 2, 55 files, next 43, last 42; live file 42: 65 segments 2025-05-25T16:32:28Z..22:57:56Z
//   slots used 5493, with end time 5492; by the count field alone current 2077, stale 3415.
//   In each of the 54 closed files the slot at index "count" ends at the file-table end time
//   and follows the slot before it (times and bytes): it is the final segment, so 2131 current,
//   3361 stale, and no stale slot lies past the bytes the current pass wrote (the final
//   segment runs to ~the end of each 256 MiB file).
//   0/0   1745856378..1745856392 (91000/931000 µs) bytes 0..2881484
//   0/17  1745864306..1745864321 bytes 220659712..224188616
//   0/19  2025-03-03T07:32:08Z..07:33:05Z bytes 114114560..120079152 (stale: past the 18 current)
//   19/0  1746425319..1746425356 bytes 0..1948500;  19/72 1746513215..1746513288 bytes 253181952..258927424
//   42/0  2025-05-25T16:32:28Z..16:33:51Z bytes 0..5225036; 42/64 22:56:57Z..22:57:56Z bytes 183795712..188343052
//   42/65 start 2025-05-25T22:58:23Z, no end (recording); 42/66 2024-02-02T12:21:15Z (stale)
describe('Hikvision SD-card index (sample exampleV2)', () => {
  it('reads the header and the file table', () => {
    expect(index).toMatchObject({ version: 2, fileCount: 55, nextFileNo: 43, lastFileNo: 42, clock: HIK_CLOCK_NOTE, warnings: [] })
    expect(index.files).toHaveLength(55)
    expect(index.files[0]).toMatchObject({ fileName: 'hiv00000.mp4', segmentCount: 18, live: false, channel: 1 })
    expect(index.files.filter((f) => f.live).map((f) => [f.fileName, f.segmentCount])).toEqual([['hiv00042.mp4', 65]])
    expect(iso(index.files[42]!.startEpochS!)).toBe('2025-05-25T16:32:28Z')
  })

  it('counts slots the way the extractors do, and separates current from stale', () => {
    // The catalog's 5,492 is the count of slots with an end time: confirmed. 2,131 of them
    // belong to the current pass over the card (2,077 counted segments + the 54 final
    // segments of closed files); 3,361 are leftovers from earlier passes.
    expect(index.summary).toMatchObject({ slotsUsed: 5493, withEndTime: 5492, current: 2131, recording: 1, stale: 3361 })
    // The final segments end near each file's end, so no leftover's bytes survive past them.
    expect(index.segments.filter((s) => s.mayHoldOldVideo)).toHaveLength(0)
    // Catalog: 2021-01-11 -> 2025-05-25 overall (confirmed); the current pass covers one
    // month. Both ranges end at the start of the segment still recording.
    const r = index.summary
    expect([iso(r.allRange!.startEpochS), iso(r.allRange!.endEpochS)]).toEqual(['2021-01-11T22:03:40Z', '2025-05-25T22:58:23Z'])
    expect([iso(r.currentRange!.startEpochS), iso(r.currentRange!.endEpochS)]).toEqual(['2025-04-26T00:24:22Z', '2025-05-25T22:58:23Z'])
  })

  it('gives times, sub-second parts and byte offsets per segment', () => {
    expect(seg(0, 0)).toMatchObject({
      fileName: 'hiv00000.mp4',
      startEpochS: 1745856378,
      endEpochS: 1745856392,
      startMicros: 91000,
      endMicros: 931000,
      startOffset: 0,
      endOffset: 2881484,
      status: 'current',
      problems: []
    })
    expect(seg(0, 17)).toMatchObject({ startEpochS: 1745864306, endEpochS: 1745864321, startOffset: 220659712, endOffset: 224188616, status: 'current' })
    expect(seg(19, 0)).toMatchObject({ startEpochS: 1746425319, endEpochS: 1746425356, startOffset: 0, endOffset: 1948500 })
    expect(seg(19, 72)).toMatchObject({ startEpochS: 1746513215, endEpochS: 1746513288, startOffset: 253181952, endOffset: 258927424, status: 'current' })
    expect(index.segments.filter((s) => s.fileNo === 19 && s.status === 'current')).toHaveLength(74)
  })

  it('flags stale slots and the segment still recording', () => {
    const old = seg(0, 19)
    expect([iso(old.startEpochS), iso(old.endEpochS), old.status]).toEqual(['2025-03-03T07:32:08Z', '2025-03-03T07:33:05Z', 'stale'])
    expect(old.problems[0]).toMatch(/past the file's 18 current segments/)
    expect(old.mayHoldOldVideo).toBe(false) // bytes 114114560.. were rewritten by the current pass
    // The fixed behaviour: each closed file's final segment (slot = count) is current.
    expect(seg(0, 18)).toMatchObject({ startEpochS: 1745864393, endEpochS: 1745864503, startOffset: 224198656, endOffset: 260521984, status: 'current', problems: [] })
    expect(seg(19, 73)).toMatchObject({ startOffset: 258932736, endOffset: 260030464, status: 'current' })
    const closed = index.files.filter((f) => f.inUse && !f.live)
    expect(closed).toHaveLength(54)
    expect(closed.every((f) => seg(f.fileNo, f.segmentCount).status === 'current' && seg(f.fileNo, f.segmentCount).endEpochS === f.endEpochS)).toBe(true)

    expect([iso(seg(42, 0).startEpochS), iso(seg(42, 0).endEpochS), seg(42, 0).status]).toEqual(['2025-05-25T16:32:28Z', '2025-05-25T16:33:51Z', 'current'])
    expect(seg(42, 64)).toMatchObject({ startOffset: 183795712, endOffset: 188343052, status: 'current' })
    expect(seg(42, 65)).toMatchObject({ startEpochS: 1748213903, endEpochS: 0, endOffset: null, status: 'recording', problems: [] })
    expect(iso(seg(42, 66).startEpochS)).toBe('2024-02-02T12:21:15Z')
    expect(seg(42, 66).status).toBe('stale')
  })
})

describe('Hikvision index on hostile input', () => {
  const sample = () => Buffer.from(readFileSync(indexPath))

  it('refuses truncated input with a clear error', () => {
    expect(() => parseHikvisionIndex(Buffer.alloc(100))).toThrow(/truncated: 100 bytes, but the index header alone is 1280/)
    expect(() => parseHikvisionIndex(sample().subarray(0, 500_000))).toThrow(/declares 55 files, which needs 1129440 bytes/)
  })

  it('refuses an unknown version and an absurd file count without looping over it', () => {
    const b = sample()
    b.writeUInt32LE(7, 8)
    expect(() => parseHikvisionIndex(b)).toThrow(HikvisionIndexError)
    const c = sample()
    c.writeUInt32LE(0xffffffff, 12)
    expect(() => parseHikvisionIndex(c)).toThrow(/declares 4294967295 files/)
  })

  it('survives garbage tables: every slot is classified, nothing throws', () => {
    const b = Buffer.alloc(HIK_HEADER_BYTES + 2 * 32 + 2 * 256 * 80, 0xa5)
    b.writeUInt32LE(2, 8)
    b.writeUInt32LE(2, 12)
    b.fill(0xff, 24, 24 + 1176) // no current-file records
    const parsed = parseHikvisionIndex(b)
    expect(parsed.segments).toHaveLength(512)
    // 0xa5a5 segments claimed per file is more than 256 slots: warned, capped.
    expect(parsed.warnings.some((w) => /claims 42405 segments/.test(w))).toBe(true)
    // Start and end are equal garbage (0xa5a5a5a5 = 2058-02-...): never a crash, just data.
    expect(parsed.segments.every((s) => s.startMicros === null)).toBe(true)
  })
})

describe('which segments of a written index can be cut into pieces (segmentProblem)', () => {
  it('gives the reason for each segment that cannot be used, and none for a good one', async () => {
    const { writeHikvisionIndex } = await import('../../helpers/hikvisionCard')
    const { segmentProblem } = await import('../../../electron/core/media/hikvisionPieces')
    const t0 = Date.UTC(2024, 5, 1, 8) * 1000
    const path = join(dir, 'written-index00.bin')
    const seg = (i: number, startOffset: number, endOffset: number, lengthUs = 4_000_000) => ({ startUs: t0 + i * 60_000_000, endUs: t0 + i * 60_000_000 + lengthUs, startOffset, endOffset })
    writeHikvisionIndex(path, [
      {
        fileNo: 1,
        segments: [seg(0, 0, 1000), seg(1, 5000, 4000), seg(2, 0, 0), seg(3, 9000, 20_000), seg(4, 2000, 3000, 0), seg(5, 1000, 2000)],
        segmentCount: 5
      }
    ])
    const parsed = parseHikvisionIndex(readFileSync(path))
    expect(parsed.warnings).toEqual([])
    const bySlot = new Map(parsed.segments.filter((s) => s.fileName === 'hiv00001.mp4').map((s) => [s.slot, segmentProblem(s, 10_000)]))
    expect(bySlot.get(0)).toBeNull()
    expect(bySlot.get(1)).toMatch(/ends \(4000\) at or before it starts \(5000\)/)
    expect(bySlot.get(2)).toMatch(/no byte range/)
    expect(bySlot.get(3)).toMatch(/\[9000, 20000\) runs past the end of the file \(10000 bytes\)/)
    expect(bySlot.get(4)).toMatch(/ends at or before it starts in time/)
    // Slot 5 is past the file's 5 current segments: left from an earlier pass.
    expect(bySlot.get(5)).toMatch(/^stale slot, not used: slot 5 is past the file's 5 current segments/)
  })
})
