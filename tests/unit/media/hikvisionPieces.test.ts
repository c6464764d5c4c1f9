// A Hikvision SD card made here: hiv00000.mp4 = three MPEG-PS motion recordings back to
// back (frames numbered on, 100 per recording) plus junk, and an index00.bin whose slots
// point at each recording's bytes with start times minutes and hours apart, one at the
// junk, one past the end of the file and one stale slot. Imported, the file becomes one
// piece per usable segment at its own start: the player's media path (HLS playlist and
// segments, stills at the cursor via the track lookup) shows the frame recorded at a
// wall-clock instant; a pause is no footage; every unusable segment is reported; custody
// traces each piece to the original's hash and byte range. Also: the index imported after
// the hiv file re-places it.
import { createHash } from 'node:crypto'
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CameraInfo, VideoFileInfo } from '../../../shared/contracts/video'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { evidenceById } from '../../../electron/core/case/evidence'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { mediaBodyBytes, type MediaServer, type MediaResponse, planKeyFor, REMUX_SEGMENT_S } from '../../../electron/core/media/mediaServer'
import { cutHikvisionPieces, findCardIndex } from '../../../electron/core/media/hikvisionPieces'
import { buildTrack, footageAt } from '../../../electron/core/media/placement/tracks'
import { getCamera, importVideoEvidence, listCameras, placeFile, updateCamera, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { decodeFrameCode } from '../../helpers/frameCode'
import { concatRecordings, makePsRecording, writeHikvisionIndex, type IndexSegment } from '../../helpers/hikvisionCard'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'
import { segmentFrameNumbers, testMediaServer, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-hik-pieces-')
const EXAMINER = 'Ana'
const FPS = 25
/** Camera wall clock (as if UTC) of the first recording; the camera is in Berlin (UTC+2 in June). */
const T0 = Date.UTC(2024, 5, 1, 8, 0, 0) * 1000
const BERLIN_US = 2 * 3600 * 1_000_000
const MIN = 60 * 1_000_000
const SEC = 1_000_000
let folder: CaseFolder
let server: MediaServer
let hivPath: string
let ranges: { start: number; end: number }[]
let segments: IndexSegment[]
let outcome: VideoImportOutcome
let hivSha: string

const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/** Three recordings of 4 s (100 frames each, numbered 0–99, 100–199, 200–299), then junk. */
async function makeCard(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true })
  const recs = await Promise.all([0, 100, 200].map((first, i) => makePsRecording(tmp.path, `rec${i}.mpg`, { firstFrame: first, frames: 100, fps: FPS })))
  hivPath = join(dir, 'hiv00000.mp4')
  ranges = concatRecordings(hivPath, recs.map((r) => r.path))
  const junkAt = ranges[2]!.end
  appendFileSync(hivPath, Buffer.from('not video at all, just text the index points at\n'.repeat(100)))
  const size = readFileSync(hivPath).length
  segments = [
    { startUs: T0, endUs: T0 + 4 * SEC, startOffset: ranges[0]!.start, endOffset: ranges[0]!.end },
    { startUs: T0 + 5 * MIN, endUs: T0 + 5 * MIN + 4 * SEC, startOffset: ranges[1]!.start, endOffset: ranges[1]!.end },
    // Sub-second start from the index's high word: 250 ms.
    { startUs: T0 + 120 * MIN + 250_000, endUs: T0 + 120 * MIN + 4_250_000, startOffset: ranges[2]!.start, endOffset: ranges[2]!.end },
    { startUs: T0 + 150 * MIN, endUs: T0 + 150 * MIN + 4 * SEC, startOffset: junkAt, endOffset: size }, // junk: not footage
    { startUs: T0 + 180 * MIN, endUs: T0 + 180 * MIN + 4 * SEC, startOffset: size, endOffset: size + 50_000 }, // past the end
    { startUs: T0 - 30 * 24 * 60 * MIN, endUs: T0 - 30 * 24 * 60 * MIN + 4 * SEC, startOffset: 0, endOffset: 4000 } // earlier pass: stale
  ]
  writeHikvisionIndex(join(dir, 'index00.bin'), [{ fileNo: 0, segments, segmentCount: 5 }])
}

async function take(path: string): Promise<number> {
  const a = await acquireEvidence(folder, { path }, { examiner: EXAMINER })
  if (!a.evidence) throw new Error(a.reason ?? 'not acquired')
  return a.evidence.id
}

const pieceFiles = (cam: CameraInfo): VideoFileInfo[] => cam.files.filter((f) => f.piece)

/** Decodes every frame of one HLS segment (init + media) through the case's media server. */
async function hlsFrames(file: VideoFileInfo, seg: number): Promise<(number | null)[]> {
  const base = `/media/hls/${file.sha256}/${file.playback === 'remux' ? planKeyFor('remux') : 'transcode-2'}`
  const init = await body(await server.handle('GET', `${base}/init.mp4`, undefined))
  const media = await body(await server.handle('GET', `${base}/seg${seg}.m4s`, undefined))
  return segmentFrameNumbers(init, media, join(tmp.path, `${file.sha256.slice(0, 8)}-seg${seg}.mp4`), undefined, tools)
}

/** The frame the still export (frame at the cursor) shows for a wall-clock instant, via the track lookup. */
async function frameAtInstant(cam: CameraInfo, instantUs: number): Promise<number | null | 'no footage'> {
  const track = buildTrack(cam.files.filter((f) => f.startUs !== null && f.durationUs !== null).map((f) => ({ fileId: String(f.id), fileName: f.fileName, startUs: f.startUs!, durationUs: f.durationUs! })))
  const at = footageAt(track, instantUs)
  if (at.kind !== 'footage') return 'no footage'
  const still = await server.saveStill(folder, Number(at.fileId), at.offsetUs)
  const rgba = execFileSync(tools.ffmpeg, ['-v', 'error', '-i', still.path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 22 })
  return decodeFrameCode(rgba, 320, 240).frame
}

beforeAll(async () => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Card', examiner: EXAMINER, timeZone: 'UTC' })
  server = testMediaServer(() => folder, EXAMINER, tools)
  const card = join(tmp.path, 'card')
  await makeCard(card)
  await take(join(card, 'index00.bin'))
  const hivId = await take(hivPath)
  hivSha = evidenceById(folder.db, hivId)!.sha256
  outcome = await importVideoEvidence(folder, hivId, { examiner: EXAMINER, tools, caseZone: 'UTC', camera: 'Porch', timeZone: 'Europe/Berlin' })
}, 120_000)
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

describe('a hiv file with its card index: one piece per recording, each at its own start', () => {
  it('the camera track has the three recordings at their index starts, with the pauses as gaps', () => {
    expect(outcome.outcome).toBe('imported')
    const cam = listCameras(folder.db).find((c) => c.name === 'Porch')!
    const pieces = pieceFiles(cam)
    expect(pieces.map((p) => p.piece!.index.slot)).toEqual([0, 1, 2])
    const starts = [T0, T0 + 5 * MIN, T0 + 120 * MIN + 250_000].map((t) => t - BERLIN_US)
    expect(pieces.map((p) => p.startUs)).toEqual(starts)
    for (const p of pieces) {
      expect(p).toMatchObject({ startMethod: 'sidecar', container: 'mpeg', codec: 'h264' })
      expect(p.durationUs! / 1e6).toBeCloseTo(4, 1)
    }
    expect(pieces[1]!.startDetail).toMatch(/^Hikvision index00\.bin, hiv00000\.mp4 slot 1 \(evidence index00\.bin [0-9a-f]{12}…\): camera wall clock 2024-06-01 08:05:00/)
    // Two pauses: ~4 min 56 s and ~1 h 55 min; nothing closes them up.
    expect(cam.track.gaps).toHaveLength(2)
    expect(cam.track.gaps[0]).toMatchObject({ startUs: pieces[0]!.endUs, endUs: starts[1], afterFileId: String(pieces[0]!.id), beforeFileId: String(pieces[1]!.id) })
    expect(cam.track.gaps[1]).toMatchObject({ startUs: pieces[1]!.endUs, endUs: starts[2] })
    expect(cam.track.coveredUs / 1e6).toBeCloseTo(12, 0)
    // The whole file is listed with its pieces, off the track (no single start is true of it).
    const whole = cam.files.find((f) => f.split)!
    expect(whole).toMatchObject({ fileName: 'hiv00000.mp4', startUs: null, startDetail: 'hikvision-split', sha256: hivSha })
    expect(whole.split!.pieces.map((p) => p.videoFileId)).toEqual(pieces.map((p) => p.id))
    expect(whole.unplacedReason).toMatch(/3 recordings listed by index00\.bin/)
  })

  it('every segment that cannot be used is reported with its reason; the rest imported', () => {
    const refused = outcome.outcome === 'imported' ? outcome.refusedSegments! : []
    expect(refused.map((r) => r.slot)).toEqual([3, 4, 5])
    expect(refused[0]!.reason).toMatch(/not readable footage/)
    expect(refused[1]!.reason).toMatch(/runs past the end of the file/)
    expect(refused[2]!.reason).toMatch(/^stale slot.*earlier pass/)
    const whole = getCamera(folder.db, outcome.file!.cameraId).files.find((f) => f.split)!
    expect(whole.warnings).toHaveLength(3)
    expect(whole.warnings[1]).toMatch(/slot 4 .*past the end/)
    expect(outcome.message).toMatch(/3 recordings placed by index00\.bin.*3 segments not used/)
  })

  it('the HLS playlist of a piece starts at its wall-clock start and its frames are the ones recorded then', async () => {
    const pieces = pieceFiles(getCamera(folder.db, outcome.file!.cameraId))
    const third = pieces[2]!
    const playlist = (await body(await server.handle('GET', `/media/hls/${third.sha256}/${third.playback === 'remux' ? planKeyFor('remux') : 'transcode-2'}/index.m3u8`, undefined))).toString()
    expect(playlist).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date((third.startUs!) / 1000).toISOString()}`)
    // 4 s with a keyframe each second, in segments of REMUX_SEGMENT_S: together its frames are 200..299 in order.
    const frames: (number | null)[] = []
    for (let i = 0; i < 4 / REMUX_SEGMENT_S; i++) frames.push(...(await hlsFrames(third, i)))
    expect(frames).toHaveLength(100)
    expect(frames[0]).toBe(200)
    expect(frames[60]).toBe(260)
  })

  it('for an instant inside the second and third recordings the frame recorded then is shown; a pause shows no footage', async () => {
    const cam = getCamera(folder.db, outcome.file!.cameraId)
    // 2.0 s into the second recording: frame 100 + 50.
    const second = await frameAtInstant(cam, T0 + 5 * MIN + 2 * SEC - BERLIN_US)
    expect(second).not.toBe('no footage')
    expect(Math.abs((second as number) - 150)).toBeLessThanOrEqual(1)
    // 3.0 s into the third (which starts at .250): frame 200 + 75.
    const third = await frameAtInstant(cam, T0 + 120 * MIN + 250_000 + 3 * SEC - BERLIN_US)
    expect(Math.abs((third as number) - 275)).toBeLessThanOrEqual(1)
    // The old behaviour (the file as one 12 s recording from slot 0) would show frame 150 at 6 s in; the pause has nothing.
    expect(await frameAtInstant(cam, T0 + 6 * SEC - BERLIN_US)).toBe('no footage')
    expect(await frameAtInstant(cam, T0 + 60 * MIN - BERLIN_US)).toBe('no footage')
  })

  it('custody and evidence trace each piece to the original hash and byte range; the original is untouched', () => {
    const original = readFileSync(hivPath)
    const entries = listCustody(folder.db, 0, 10_000).filter((e) => e.action === 'video.hikvision-piece')
    expect(entries).toHaveLength(3)
    for (const [i, e] of entries.entries()) {
      const d = e.details as { sha256: string; byteRange: { start: number; end: number }; original: { sha256: string }; index: { slot: number; fileName: string } }
      expect(d.byteRange).toMatchObject(ranges[i]!)
      expect(d.original.sha256).toBe(hivSha)
      expect(d.index).toMatchObject({ slot: i, fileName: 'index00.bin' })
      // The piece is exactly those bytes of the original.
      expect(d.sha256).toBe(sha(original.subarray(ranges[i]!.start, ranges[i]!.end)))
      expect(sha(readFileSync(folder.evidencePath(d.sha256)))).toBe(d.sha256)
    }
    const pieces = pieceFiles(getCamera(folder.db, outcome.file!.cameraId))
    const ev = evidenceById(folder.db, pieces[1]!.evidenceId)!
    expect(ev).toMatchObject({ parentId: outcome.file!.evidenceId, acquiredVia: 'archive-member', originalName: 'hiv00000.mp4 slot 1' })
    expect(listCustody(folder.db, 0, 10_000).find((e) => e.action === 'video.hikvision-split')).toMatchObject({ details: { refused: [{ slot: 3 }, { slot: 4 }, { slot: 5 }], originalsUntouched: true } })
    expect(sha(readFileSync(folder.evidencePath(hivSha)))).toBe(hivSha)
    expect(sha(original)).toBe(hivSha)
  })

  it('a zone change moves every piece; the whole file stays off the track and cannot be placed as one', () => {
    const cam = updateCamera(folder.db, outcome.file!.cameraId, { timeZone: 'UTC', reason: 'camera clock kept UTC' }, EXAMINER)
    expect(pieceFiles(cam).map((p) => p.startUs)).toEqual([T0, T0 + 5 * MIN, T0 + 120 * MIN + 250_000])
    expect(cam.files.find((f) => f.split)!.startUs).toBeNull()
    expect(() => placeFile(folder.db, outcome.file!.id, { start: '2024-06-01T08:00:00Z', timeZone: null, basis: 'camera-clock', reason: 'x' }, EXAMINER, 'UTC')).toThrow(/each at its own start/)
    updateCamera(folder.db, outcome.file!.cameraId, { timeZone: 'Europe/Berlin', reason: 'back' }, EXAMINER)
  })

  it('importing the same hiv file again changes nothing', async () => {
    const before = listCameras(folder.db).find((c) => c.name === 'Porch')!.files.length
    const again = await importVideoEvidence(folder, outcome.file!.evidenceId, { examiner: EXAMINER, tools, caseZone: 'UTC' })
    expect(again.outcome).toBe('already')
    expect(listCameras(folder.db).find((c) => c.name === 'Porch')!.files).toHaveLength(before)
  })
})

describe('the index imported after the hiv file', () => {
  it('re-places the hiv file as its pieces, with custody of the earlier placement', async () => {
    const other = CaseFolder.create(join(tmp.path, 'case2'), { name: 'Card later', examiner: EXAMINER, timeZone: 'UTC' })
    try {
      const takeInto = async (path: string) => (await acquireEvidence(other, { path }, { examiner: EXAMINER })).evidence!.id
      const hivId = await takeInto(hivPath)
      const first = await importVideoEvidence(other, hivId, { examiner: EXAMINER, tools, caseZone: 'UTC', camera: 'Yard', timeZone: 'UTC' })
      // No index yet: as before, one MPEG-PS file with no time of its own.
      expect(first.file).toMatchObject({ startMethod: 'unplaced', piece: null, split: null })
      const r = await importVideoEvidence(other, await takeInto(join(tmp.path, 'card', 'index00.bin')), { examiner: EXAMINER, tools, caseZone: 'UTC' })
      expect(r).toMatchObject({ outcome: 'imported', file: null })
      expect(r.message).toMatch(/re-placed 1 hiv file: hiv00000\.mp4: 3 recordings placed by index00\.bin/)
      const cam = listCameras(other.db).find((c) => c.name === 'Yard')!
      expect(pieceFiles(cam).map((p) => p.startUs)).toEqual([T0, T0 + 5 * MIN, T0 + 120 * MIN + 250_000])
      expect(cam.track.gaps).toHaveLength(2)
      expect(cam.files.find((f) => f.evidenceId === hivId)).toMatchObject({ startUs: null, split: { pieces: [{ slot: 0 }, { slot: 1 }, { slot: 2 }] } })
      expect(listCustody(other.db, 0, 10_000).find((e) => e.action === 'video.hikvision-split')).toMatchObject({ details: { previous: { method: 'unplaced', start: null } } })
      // The index given again finds nothing left to re-place.
      const again = await importVideoEvidence(other, evidenceIdOf(other, 'index00.bin'), { examiner: EXAMINER, tools, caseZone: 'UTC' })
      expect(again).toMatchObject({ outcome: 'already', file: null })
      expect(listCameras(other.db).find((c) => c.name === 'Yard')!.files).toHaveLength(4)
    } finally {
      other.close()
    }
  })
})

function evidenceIdOf(f: CaseFolder, name: string): number {
  return (f.db.prepare('SELECT id FROM evidence WHERE original_name = ?').get(name) as { id: number }).id
}

describe('an import interrupted after the pieces were cut', () => {
  it('the next import reuses the pieces already taken (same hash), with no second copy', async () => {
    const other = CaseFolder.create(join(tmp.path, 'case3'), { name: 'Interrupted', examiner: EXAMINER, timeZone: 'UTC' })
    try {
      const takeInto = async (path: string) => (await acquireEvidence(other, { path }, { examiner: EXAMINER })).evidence!.id
      await takeInto(join(tmp.path, 'card', 'index00.bin'))
      const hiv = evidenceById(other.db, await takeInto(hivPath))!
      // As if the process died after cutting: piece evidence rows exist, no video rows.
      const card = (await findCardIndex(other, hiv.originalPath))!
      const first = await cutHikvisionPieces(other, hiv, card, { examiner: EXAMINER, tools, videoEvidence: () => null })
      expect(first.pieces).toHaveLength(3)
      const evidenceRows = (): number => (other.db.prepare('SELECT COUNT(*) AS n FROM evidence').get() as { n: number }).n
      expect(evidenceRows()).toBe(5)
      const r = await importVideoEvidence(other, hiv.id, { examiner: EXAMINER, tools, caseZone: 'UTC', camera: 'Dock', timeZone: 'UTC' })
      expect(r.outcome === 'imported' && r.pieces!.map((p) => p.evidenceId)).toEqual(first.pieces.map((p) => p.evidence.id))
      expect(evidenceRows()).toBe(5)
    } finally {
      other.close()
    }
  })
})

describe('on the built CLI: the hiv file first, the index later', () => {
  it('`iwb import` of the index re-places the file; `iwb cameras --json` lists the pieces with their byte ranges and starts', () => {
    const caseDir = join(tmp.path, 'case-cli')
    CaseFolder.create(caseDir, { name: 'CLI card', examiner: EXAMINER, timeZone: 'UTC' }).close()
    const env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    const hiv = iwb(['import', caseDir, hivPath, '--camera', 'Gate', '--tz', 'UTC', '--json'], env)
    expect(hiv.code, hiv.stderr + hiv.stdout).toBe(0)
    expect(JSON.parse(hiv.stdout)).toMatchObject({ outcome: 'imported', video: { startMethod: 'unplaced' } })
    const idx = iwb(['import', caseDir, join(tmp.path, 'card', 'index00.bin'), '--json'], env)
    expect(idx.code, idx.stderr + idx.stdout).toBe(0)
    expect(JSON.parse(idx.stdout)).toMatchObject({ outcome: 'sidecar', message: expect.stringMatching(/re-placed 1 hiv file: hiv00000\.mp4: 3 recordings/) as unknown })
    const r = iwb(['cameras', caseDir, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    const [gate] = JSON.parse(r.stdout) as CameraInfo[]
    const pieces = pieceFiles(gate!)
    expect(pieces.map((p) => [p.startUs, p.piece!.byteStart, p.piece!.byteEnd, p.piece!.index.slot])).toEqual([
      [T0, ranges[0]!.start, ranges[0]!.end, 0],
      [T0 + 5 * MIN, ranges[1]!.start, ranges[1]!.end, 1],
      [T0 + 120 * MIN + 250_000, ranges[2]!.start, ranges[2]!.end, 2]
    ])
    expect(pieces.every((p) => p.piece!.of.sha256 === hivSha && /^Hikvision index00\.bin, hiv00000\.mp4 slot \d/.test(p.startDetail))).toBe(true)
    expect(gate!.track.gaps).toHaveLength(2)
    expect(gate!.files.find((f) => f.split)!.split!.refused.map((s) => s.slot)).toEqual([3, 4, 5])

    // In an exported bag, each piece is an observable whose acquisition was a byte-range cut
    // of the hiv file (its object), not an archive extraction.
    const bag = join(tmp.path, 'bag-cli')
    const ex = iwb(['export', caseDir, '--out', bag, '--json'], env)
    expect(ex.code, ex.stderr + ex.stdout).toBe(0)
    const graph = (JSON.parse(readFileSync(join(bag, 'case.jsonld'), 'utf8')) as { '@graph': Record<string, unknown>[] })['@graph']
    const cuts = graph.filter((n) => n['uco-core:name'] === 'cut from its parent file by byte range')
    expect(cuts).toHaveLength(3)
    for (const [i, cut] of cuts.entries()) {
      expect(cut['uco-core:description']).toContain(`hiv00000.mp4!/bytes [${ranges[i]!.start}, ${ranges[i]!.end}) per index00.bin slot ${i}`)
      expect(cut['uco-action:object']).toBeDefined()
    }
    expect(graph.some((n) => n['uco-core:name'] === 'extracted from archive')).toBe(false)
  })
})
