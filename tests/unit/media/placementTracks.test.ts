import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { extractMembers } from '../../../electron/core/ingest/archive/extractMembers'
import { readHikvisionIndex, type HikvisionIndex } from '../../../electron/core/media/hikvisionIndex'
import { decideStart } from '../../../electron/core/media/placement/placement'
import {
  buildTrack,
  footageAt,
  hikvisionFilePlacements,
  hikvisionTrackFiles,
  type HikvisionPlacements,
  type TrackFile
} from '../../../electron/core/media/placement/tracks'

const S = 1_000_000
const file = (fileId: string, startS: number, durationS: number): TrackFile => ({ fileId, fileName: `${fileId}.mp4`, startUs: startS * S, durationUs: durationS * S })

describe('one camera’s track', () => {
  // A 0-300 s, B 300.2-600 s (0.2 s seam), C 700-1000 s (100 s gap), D 950-1100 s (50 s overlap).
  const files = [file('C', 700, 300), file('A', 0, 300), file('D', 950, 150), file('B', 300.2, 299.8)]
  const track = buildTrack(files)

  it('sorts the files, lists gaps, flags overlaps with both files, keeps seams apart', () => {
    expect(track.pieces.map((p) => p.fileId)).toEqual(['A', 'B', 'C', 'D'])
    expect([track.startUs, track.endUs]).toEqual([0, 1100 * S])
    expect(track.gaps).toEqual([{ startUs: 600 * S, endUs: 700 * S, durationUs: 100 * S, afterFileId: 'B', beforeFileId: 'C' }])
    expect(track.overlaps).toEqual([{ fileA: 'C', fileB: 'D', startUs: 950 * S, endUs: 1000 * S, overlapUs: 50 * S }])
    expect(track.seams).toEqual([{ afterFileId: 'A', beforeFileId: 'B', deltaUs: 200_000 }])
    expect(track.coveredUs).toBe(999.8 * S)
  })

  it('finds the file and the position for an instant, or the gap', () => {
    expect(footageAt(track, 150 * S)).toMatchObject({ kind: 'footage', fileId: 'A', offsetUs: 150 * S, alsoIn: [] })
    expect(footageAt(track, 300.1 * S)).toMatchObject({ kind: 'gap', gap: null, tolerated: true, previousFileId: 'A', nextFileId: 'B' })
    expect(footageAt(track, 650 * S)).toMatchObject({ kind: 'gap', tolerated: false, gap: { afterFileId: 'B', beforeFileId: 'C' } })
    expect(footageAt(track, 960 * S)).toMatchObject({ kind: 'footage', fileId: 'C', offsetUs: 260 * S, alsoIn: [{ fileId: 'D', offsetUs: 10 * S }] })
    expect(footageAt(track, 1050 * S)).toMatchObject({ kind: 'footage', fileId: 'D', offsetUs: 100 * S })
    expect(footageAt(track, -1)).toEqual({ kind: 'outside', side: 'before' })
    expect(footageAt(track, 1100 * S)).toEqual({ kind: 'outside', side: 'after' })
    expect(footageAt(buildTrack([]), 0)).toEqual({ kind: 'outside', side: 'empty' })
  })

  it('tolerance is configurable: at zero the seam is a gap', () => {
    const strict = buildTrack(files, { gapToleranceUs: 0 })
    expect(strict.gaps.map((g) => [g.afterFileId, g.beforeFileId, g.durationUs])).toEqual([
      ['A', 'B', 200_000],
      ['B', 'C', 100 * S]
    ])
    expect(strict.seams).toEqual([])
  })

  it('a long file spanning short ones: each overlap named, no false gap', () => {
    const t = buildTrack([file('long', 0, 1000), file('x', 100, 100), file('y', 300, 100), file('z', 1000, 10)])
    expect(t.overlaps.map((o) => [o.fileA, o.fileB, o.overlapUs / S])).toEqual([
      ['long', 'x', 100],
      ['long', 'y', 100]
    ])
    expect(t.gaps).toEqual([])
    expect(footageAt(t, 250 * S)).toMatchObject({ fileId: 'long', alsoIn: [] })
    expect(footageAt(t, 350 * S)).toMatchObject({ fileId: 'long', alsoIn: [{ fileId: 'y', offsetUs: 50 * S }] })
  })

  it('files without a usable duration are set aside with the reason', () => {
    const t = buildTrack([file('ok', 0, 10), file('empty', 20, 0), { ...file('nan', 0, 5), startUs: Number.NaN }])
    expect(t.pieces.map((p) => p.fileId)).toEqual(['ok'])
    expect(t.excluded).toEqual([
      { fileId: 'empty', reason: 'duration 0 µs: nothing to place' },
      { fileId: 'nan', reason: 'no start on the timeline' }
    ])
  })
})

const SAMPLE_ZIP = join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'video', 'hikvision_sdcard_index_exampleV2.zip')
const NOW = Date.UTC(2026, 0, 1) * 1000
const KYIV = { timeZone: 'Europe/Kyiv', clockOffsetUs: 0 }
const iso = (us: number) => new Date(us / 1000).toISOString()

describe('Hikvision SD card (sample exampleV2) → per-file placements', () => {
  let dir: string
  let index: HikvisionIndex
  let placements: HikvisionPlacements
  const byName = (name: string) => {
    const f = placements.files.find((x) => x.fileName === name)
    if (!f) throw new Error(`no ${name}`)
    return f
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'iwb-hikplace-'))
    let indexPath = ''
    for await (const item of extractMembers(SAMPLE_ZIP, dir, { archiveName: 'exampleV2.zip' })) {
      if (item.outcome === 'extracted' && item.member.path === 'index00.bin') indexPath = item.tempPath
    }
    index = await readHikvisionIndex(indexPath)
    placements = hikvisionFilePlacements(index)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // Checked by hand with a python3 struct one-off over the extracted index00.bin: file-table
  // row f at 1280 + 32f ('<IHHII'); slot s at 1280 + 32*55 + (256f + s)*80, '<QQ' at +8 (low
  // 32 bits epoch s, high 32 bits µs), '<II' at +40 (byte offsets). It printed:
  //   file 0: table count 18, end 2025-04-28T18:21:43; 103 slots used;
  //     slot 0  16:06:18 (91000 µs)..16:06:32 (931000) bytes 0..2881484
  //     slot 17 18:18:26 (760000)..18:18:41 (640000) bytes 220659712..224188616
  //     slot 18 18:19:53 (40000)..18:21:43 (52000)  bytes 224198656..260521984  <- ends at the table's end
  //   file 19: table count 73, end 2025-05-06T06:36:28; 107 slots used;
  //     slot 0 2025-05-05T06:08:39 (117000); slot 73 06:36:09 (281000)..06:36:28 (425000) bytes 258932736..260030464
  //   file 42 (live): 65 complete + slot 65 recording from 2025-05-25T22:58:23
  // In all 54 closed files the slot at index "count" ends exactly at the file-table end
  // and its bytes follow the previous slot: it is the final segment, not a leftover.
  it('hiv00000.mp4: 19 segments, the final one included (the index reader counts it current)', () => {
    const f = byName('hiv00000.mp4')
    expect(f.pieces.map((p) => p.slot)).toEqual([...Array(19).keys()])
    expect(iso(f.startEpochUs)).toBe('2025-04-28T16:06:18.091Z') // camera wall clock, written as if UTC
    expect(iso(f.endEpochUs)).toBe('2025-04-28T18:21:43.052Z')
    expect(f.pieces[0]!.byteRange).toEqual({ start: 0, end: 2881484 })
    expect(f.pieces[18]).toMatchObject({ status: 'current', byteRange: { start: 224198656, end: 260521984 } })
    expect(f.staleExcluded).toBe(103 - 19)
    expect(f.internalGaps[0]).toMatchObject({ afterSlot: 0, beforeSlot: 1, durationUs: (1745858082680000 - 1745856392931000) })
    expect(f.sidecar).toEqual({ startEpochUs: 1745856378091000, endEpochUs: 1745864503052000, source: 'Hikvision index00.bin, hiv00000.mp4 slot 0' })
  })

  it('hiv00019.mp4 and the live hiv00042.mp4', () => {
    const f = byName('hiv00019.mp4')
    expect(f.pieces).toHaveLength(74)
    expect([iso(f.startEpochUs), iso(f.endEpochUs)]).toEqual(['2025-05-05T06:08:39.117Z', '2025-05-06T06:36:28.425Z'])
    expect(f.pieces[73]).toMatchObject({ slot: 73, byteRange: { start: 258932736, end: 260030464 } })
    expect(f.staleExcluded).toBe(107 - 74)
    const live = byName('hiv00042.mp4')
    expect(live.live).toBe(true)
    expect(live.pieces).toHaveLength(66)
    expect(live.pieces[65]).toMatchObject({ slot: 65, status: 'recording', endEpochUs: null })
  })

  it('stale slots are excluded and counted', () => {
    expect(placements.files).toHaveLength(55)
    expect(placements.staleExcluded.count).toBe(index.summary.stale)
    expect(placements.staleExcluded.count).toBe(3361)
    expect(placements.warnings).toEqual([])
  })

  it('a file placed on the timeline from the sidecar, with the camera’s zone', () => {
    const d = decideStart({ sidecar: byName('hiv00000.mp4').sidecar, camera: KYIV, nowUs: NOW })
    expect(d).toMatchObject({ status: 'placed', method: 'sidecar', zoneUsed: { zone: 'Europe/Kyiv', offsetMinutes: 180 } })
    if (d.status !== 'placed') return
    expect([iso(d.startUs), iso(d.endUs!)]).toEqual(['2025-04-28T13:06:18.091Z', '2025-04-28T15:21:43.052Z'])
    // Zone unknown: the index's clock is the camera's; no guess.
    expect(decideStart({ sidecar: byName('hiv00000.mp4').sidecar, camera: { timeZone: null, clockOffsetUs: 0 }, nowUs: NOW })).toMatchObject({ status: 'unplaced', reason: 'camera time zone unknown' })
  })

  it('segments as track pieces: motion gaps shown as gaps, an instant found with its byte range', () => {
    const { files, notPlaced } = hikvisionTrackFiles([byName('hiv00000.mp4'), byName('hiv00019.mp4'), byName('hiv00042.mp4')], { camera: KYIV, nowUs: NOW })
    expect(files).toHaveLength(19 + 74 + 65)
    expect(notPlaced).toEqual([{ fileId: 'hiv00042.mp4#65', reason: 'still being recorded when the index was saved: no end', decision: null }])
    const track = buildTrack(files)
    expect(track.overlaps).toEqual([])
    expect(track.gaps[0]).toMatchObject({ afterFileId: 'hiv00000.mp4#0', beforeFileId: 'hiv00000.mp4#1', startUs: Date.UTC(2025, 3, 28, 13, 6, 32, 931) * 1000 })
    // 18:18:30 on the camera (EEST) = 15:18:30Z: slot 17 began 18:18:26.760.
    expect(footageAt(track, Date.UTC(2025, 3, 28, 15, 18, 30) * 1000)).toEqual({
      kind: 'footage',
      fileId: 'hiv00000.mp4#17',
      fileName: 'hiv00000.mp4',
      offsetUs: 3_240_000,
      byteRange: { start: 220659712, end: 224188616 },
      alsoIn: []
    })
  })
})
