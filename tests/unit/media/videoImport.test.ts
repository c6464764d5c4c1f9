// Footage into a case with ffmpeg-made clips: probe, camera, placement by creation_time,
// by a Dahua / UniFi file name with the camera's zone, unplaced then placed by hand, the
// camera offset and its calibration (originals untouched, custody written), tracks with
// gaps and overlaps, door suggestions, and `iwb cameras --json` on the built CLI.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { calibrateCamera, getCamera, importVideoEvidence, listCameras, listDoorCameras, placeFile, setDoorCamera, suggestDoorCameras, updateCamera } from '../../../electron/core/media/videoStore'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, CLIP_CREATED, STANDARD_CLIPS, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-video-import-')
const EXAMINER = 'Ana Examiner'
let folder: CaseFolder
const caseDir = join(tmp.path, 'case')

async function importFile(path: string, opts: Partial<Parameters<typeof importVideoEvidence>[2]> = {}) {
  const acquired = await acquireEvidence(folder, { path }, { examiner: EXAMINER })
  if (!acquired.evidence) throw new Error(acquired.reason ?? 'not acquired')
  return importVideoEvidence(folder, acquired.evidence.id, { examiner: EXAMINER, tools, caseZone: 'UTC', ...opts })
}

const at = (iso: string): number => Date.parse(iso) * 1000

beforeAll(async () => {
  folder = CaseFolder.create(caseDir, { name: 'Footage', examiner: EXAMINER, timeZone: 'UTC' })
})
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

describe('importing footage', () => {
  it('H.264 MP4 with creation_time: placed by container metadata, remux playback', async () => {
    const clip = await cachedClip(STANDARD_CLIPS.h264)
    const r = await importFile(clip.path, { camera: 'Lobby' })
    expect(r.outcome).toBe('imported')
    expect(r.file).toMatchObject({ codec: 'h264', width: 320, height: 240, fps: 25, durationUs: 4_000_000, keyframes: 4, playback: 'remux', startMethod: 'creation-time', startUs: at(CLIP_CREATED), endUs: at(CLIP_CREATED) + 4_000_000 })
    const log = listCustody(folder.db, 0, 1000)
    expect(log.at(-1)).toMatchObject({ action: 'video.imported', details: { codec: 'h264', startMethod: 'creation-time' } })
  })

  it('HEVC with no time anywhere: unplaced with the reason, then placed by hand with custody', async () => {
    const clip = await cachedClip(STANDARD_CLIPS.hevc) // MPEG-TS: no creation_time
    const r = await importFile(clip.path, { camera: 'Lobby' })
    expect(r.outcome).toBe('imported')
    expect(r.file).toMatchObject({ codec: 'hevc', playback: 'transcode', startMethod: 'unplaced', startUs: null })
    expect(r.file!.unplacedReason).toMatch(/Place it by hand/)
    const placed = placeFile(folder.db, r.file!.id, { start: '2024-03-05T14:30:10Z', timeZone: null, basis: 'reference-clock', reason: 'overlay clock' }, EXAMINER, 'UTC')
    expect(placed).toMatchObject({ startMethod: 'manual', startUs: at('2024-03-05T14:30:10Z'), offsetApplied: false })
    expect(listCustody(folder.db, 0, 1000).at(-1)).toMatchObject({ action: 'video.placed', examiner: EXAMINER, details: { reason: 'overlay clock', previous: { method: 'unplaced' } } })
    // One camera, two files: a 6 s gap between them on its track.
    const lobby = listCameras(folder.db).find((c) => c.name === 'Lobby')!
    expect(lobby.files).toHaveLength(2)
    expect(lobby.track.gaps).toEqual([{ startUs: at('2024-03-05T14:30:04Z'), endUs: at('2024-03-05T14:30:10Z'), afterFileId: String(lobby.files[0]!.id), beforeFileId: String(placed.id) }])
  })

  it('Dahua SD-card name: time of day from the name, date from the folder, zone from the camera', async () => {
    const clip = await cachedClip(STANDARD_CLIPS.h264)
    const dir = join(tmp.path, 'sd', '2024-05-03', '001', 'dav', '19')
    mkdirSync(dir, { recursive: true })
    const named = join(dir, '19.53.47-19.53.51[M][0@0][0].mp4')
    copyFileSync(clip.path, named)
    // Different bytes than the first import (same content would be a duplicate): append nothing, use a copy of another clip.
    const hevc = await cachedClip({ codec: 'h264', seconds: 4, fileName: 'plain.mkv', container: 'mkv' })
    const dahua = join(dir, '19.53.47-19.53.51[M][0@0][1].mkv')
    copyFileSync(hevc.path, dahua)
    const r = await importFile(dahua, { timeZone: 'Europe/Berlin' })
    expect(r.file).toMatchObject({ startMethod: 'file-name', startUs: at('2024-05-03T17:53:47Z') })
    expect(r.file!.startDetail).toMatch(/dahua-sd/)
    const cam = getCamera(folder.db, r.file!.cameraId)
    expect(cam.timeZone).toBe('Europe/Berlin')
  })

  it('UniFi Protect name (local 12-hour clock): unplaced until the camera zone is known, then placed', async () => {
    const clip = await cachedClip({ codec: 'h264', seconds: 2, container: 'mov', fileName: 'unifi-src.mov' })
    const named = join(tmp.path, 'Front Door - 3-5-2024, 2.30.15pm.mov')
    copyFileSync(clip.path, named)
    const r = await importFile(named)
    expect(r.file).toMatchObject({ startMethod: 'unplaced', startDetail: 'camera-time-zone-unknown' })
    const cam = updateCamera(folder.db, r.file!.cameraId, { timeZone: 'America/Chicago', reason: 'site is in Chicago' }, EXAMINER)
    expect(cam.name).toBe('Front Door')
    expect(cam.files[0]).toMatchObject({ startMethod: 'file-name', startUs: at('2024-03-05T20:30:15Z') })
    expect(listCustody(folder.db, 0, 1000).at(-1)).toMatchObject({ action: 'camera.updated', details: { timeZone: { from: null, to: 'America/Chicago' }, filesMoved: 1 } })
  })

  it('a playlist disguised as .mp4 is refused at import, with custody', async () => {
    const fake = join(tmp.path, 'cam9.mp4')
    copyFileSync(join(__dirname, 'videoImport.test.ts'), fake) // text: not footage
    const r = await importFile(fake)
    expect(r).toMatchObject({ outcome: 'refused', file: null })
    expect(listCustody(folder.db, 0, 1000).at(-1)).toMatchObject({ action: 'video.refused' })
  })
})

describe('camera clock', () => {
  it('a manual offset moves the camera-clock files, never the originals; calibration computes it from an event', async () => {
    const lobby = listCameras(folder.db).find((c) => c.name === 'Lobby')!
    const h264 = lobby.files.find((f) => f.codec === 'h264')!
    const hevc = lobby.files.find((f) => f.codec === 'hevc')!
    const evidenceBefore = createHash('sha256').update(readFileSync(folder.evidencePath(h264.sha256))).digest('hex')

    const moved = updateCamera(folder.db, lobby.id, { offsetUs: -2_000_000, reason: 'clock 2 s fast' }, EXAMINER)
    expect(moved.clockOffsetUs).toBe(-2_000_000)
    expect(moved.files.find((f) => f.id === h264.id)!.startUs).toBe(at(CLIP_CREATED) - 2_000_000)
    // Placed by true time: no offset applies.
    expect(moved.files.find((f) => f.id === hevc.id)!.startUs).toBe(hevc.startUs)

    // The badge swipe at 14:30:01.500 is seen 2.5 s into the file: offset −1 s.
    const r = calibrateCamera(folder.db, { fileId: h264.id, positionUs: 2_500_000, eventUs: at('2024-03-05T14:30:01.500Z'), eventLabel: 'badge swipe', eventId: null, confirmLargeOffset: false }, EXAMINER)
    expect(r).toMatchObject({ previousOffsetUs: -2_000_000, newOffsetUs: -1_000_000, description: 'camera clock 1 s fast' })
    expect(r.camera).toMatchObject({ offsetMethod: 'calibration', clockOffsetUs: -1_000_000 })
    expect(r.camera.files.find((f) => f.id === h264.id)!.startUs).toBe(at(CLIP_CREATED) - 1_000_000)
    expect(listCustody(folder.db, 0, 1000).at(-1)).toMatchObject({ action: 'camera.clock-calibrated', details: { newOffsetUs: -1_000_000, originalsUntouched: true } })
    expect(createHash('sha256').update(readFileSync(folder.evidencePath(h264.sha256))).digest('hex')).toBe(evidenceBefore)
    expect(evidenceBefore).toBe(h264.sha256)
  })
})

describe('doors and cameras', () => {
  it('one clear name match is applied as "suggested", then confirmed or changed', () => {
    // Two access events at two doors (a minimal source row for them).
    const db = folder.db
    db.prepare("INSERT INTO evidence (sha256, size, original_name, original_path, acquired_us, examiner, workstation, tool, tool_version, acquired_via) VALUES (?, 0, 'badges.csv', '/x/badges.csv', 0, 'x', 'x', 'x', 'x', 'file')").run('f'.repeat(64))
    const evId = (db.prepare('SELECT id FROM evidence WHERE sha256 = ?').get('f'.repeat(64)) as { id: number }).id
    const src = Number(db.prepare("INSERT INTO source (evidence_id, format, format_chosen_by, time_zone, imported_us, examiner, event_count, bad_count) VALUES (?, 'badge', 'user', 'UTC', 0, 'x', 2, 0)").run(evId).lastInsertRowid)
    const cols = (db.prepare('PRAGMA table_info(event)').all() as { name: string; notnull: number; dflt_value: unknown }[]).filter((c) => c.notnull && c.dflt_value === null && c.name !== 'id')
    for (const door of ['Front Door', 'Server Room']) {
      const values: Record<string, unknown> = { source_id: src, ts: 1, source_ts: 1, raw_time: 'x', category: 'access', action: 'granted', outcome: 'success', message: 'm', location: door }
      for (const c of cols) if (!(c.name in values)) values[c.name] = 0
      const names = [...Object.keys(values)]
      db.prepare(`INSERT INTO event (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(...names.map((n) => values[n]))
    }
    const doors = suggestDoorCameras(db, EXAMINER)
    const front = doors.find((d) => d.door === 'Front Door')!
    expect(front).toMatchObject({ cameraName: 'Front Door', status: 'suggested' })
    expect(doors.find((d) => d.door === 'Server Room')).toMatchObject({ cameraId: null, status: 'none' })
    const lobby = listCameras(db).find((c) => c.name === 'Lobby')!
    const after = setDoorCamera(db, 'Server Room', lobby.id, EXAMINER)
    expect(after.find((d) => d.door === 'Server Room')).toMatchObject({ cameraName: 'Lobby', status: 'confirmed' })
    setDoorCamera(db, 'Front Door', front.cameraId, EXAMINER)
    expect(listDoorCameras(db).find((d) => d.door === 'Front Door')!.status).toBe('confirmed')
  })
})

describe('iwb cameras / place / import on the built CLI', () => {
  it('lists cameras with files, start methods and offsets as JSON; place works by evidence id', async () => {
    folder.close()
    const env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    const clip = await cachedClip({ codec: 'h264', seconds: 1, container: 'ts', fileName: 'cli.ts' })
    const imp = iwb(['import', caseDir, clip.path, '--camera', 'Gate', '--tz', 'Europe/London', '--offset=+1.5s', '--json'], env)
    expect(imp.code, imp.stderr).toBe(0)
    expect(JSON.parse(imp.stdout)).toMatchObject({ outcome: 'imported', video: { startMethod: 'unplaced' } })
    const evidenceId = (JSON.parse(imp.stdout) as { video: { evidenceId: number } }).video.evidenceId
    const placed = iwb(['place', caseDir, String(evidenceId), '--start', '2024-03-05T15:00:00', '--camera-clock', '--json'], env)
    expect(placed.code, placed.stderr).toBe(0)
    // Europe/London is UTC in March before DST; the camera clock is 1.5 s slow.
    expect(JSON.parse(placed.stdout)).toMatchObject({ startMethod: 'manual', startUs: at('2024-03-05T15:00:01.500Z') })
    const r = iwb(['cameras', caseDir, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    const cams = JSON.parse(r.stdout) as { name: string; clockOffsetUs: number; timeZone: string | null; files: { startMethod: string; startDetail: string }[]; track: { startUs: number | null } }[]
    expect(cams).toHaveLength(4) // Lobby, the Dahua card's channel, Front Door, Gate
    expect(cams.map((c) => c.name)).toEqual(expect.arrayContaining(['Front Door', 'Gate', 'Lobby']))
    expect(cams.find((c) => c.name === 'Gate')).toMatchObject({ clockOffsetUs: 1_500_000, timeZone: 'Europe/London', track: { startUs: at('2024-03-05T15:00:01.500Z') } })
    expect(cams.flatMap((c) => c.files.map((f) => f.startMethod)).sort()).toEqual(['creation-time', 'file-name', 'file-name', 'manual', 'manual'])
    // A log file given to the same command still goes to the log import.
    const log = iwb(['import', caseDir, join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'cloud', 'okta_login.json'), '--json'], env)
    expect(log.code, log.stderr).toBe(0)
    expect(JSON.parse(log.stdout)).toMatchObject({ status: 'complete', events: 1 })
    folder = CaseFolder.open(caseDir)
  })
})

describe('Hikvision SD card: hivNNNNN.mp4 placed by the card index (sidecar)', () => {
  it('the sample card index places the recording of slot 0 at its own start in the camera zone; every other segment is reported', async () => {
    const { extractMembers } = await import('../../../electron/core/ingest/archive/extractMembers')
    const { execFileSync } = await import('node:child_process')
    const card = join(tmp.path, 'card')
    mkdirSync(card, { recursive: true })
    for await (const item of extractMembers(join(__dirname, '..', '..', '..', '..', 'shared', 'samples', 'video', 'hikvision_sdcard_index_exampleV2.zip'), join(tmp.path, 'zip'), { archiveName: 'exampleV2.zip' })) {
      if (item.outcome === 'extracted' && item.member.path === 'index00.bin') copyFileSync(item.tempPath, join(card, 'index00.bin'))
    }
    // The sample has no video: an MPEG-PS stand-in under the card's file name, padded to
    // the end of slot 0's byte range [0, 2881484); slot 1 starts at 2883584, past its end.
    const hiv = join(card, 'hiv00000.mp4')
    execFileSync(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=2', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-f', 'mpeg', hiv])
    const ps = readFileSync(hiv)
    writeFileSync(hiv, Buffer.concat([ps, Buffer.alloc(2_881_484 - ps.length)]))
    folder.close()
    const env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    const r = iwb(['import', caseDir, join(card, 'index00.bin'), hiv, '--tz', 'Europe/Kyiv', '--json'], env)
    expect(r.code, r.stderr + r.stdout).toBe(0)
    type Piece = { id: number; startMethod: string; startUs: number; startDetail: string; container: string; warnings: string[]; piece: { byteStart: number; byteEnd: number } }
    type Out = { outcome: string; video?: Piece; pieces?: Piece[]; refusedSegments?: { slot: number; reason: string }[] }
    const out = JSON.parse(r.stdout) as Out[]
    expect(out[0]).toMatchObject({ outcome: 'sidecar' })
    // Slot 0 spans the whole stand-in: the file is that one recording, placed at its start.
    // Index: slot 0 of hiv00000.mp4 starts 2025-04-28 16:06:18.091 camera wall clock; Kyiv is UTC+3.
    expect(out[1]).toMatchObject({ outcome: 'imported', video: { startMethod: 'sidecar', startUs: at('2025-04-28T13:06:18.091Z'), container: 'mpeg', piece: { byteStart: 0, byteEnd: 2_881_484 } } })
    expect(out[1]!.video!.startDetail).toMatch(/Hikvision index00\.bin, hiv00000\.mp4 slot 0/)
    expect(out[1]!.pieces!.map((p) => p.id)).toEqual([out[1]!.video!.id])
    // Slots 1–18 (current) lie past the end of the stand-in; the rest are stale slots of an earlier pass.
    const refused = out[1]!.refusedSegments!
    expect(refused.filter((s) => /past the end of the file/.test(s.reason)).map((s) => s.slot)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1))
    expect(refused.filter((s) => s.slot > 18).every((s) => /^stale slot/.test(s.reason))).toBe(true)
    expect(refused.length).toBeGreaterThan(18)
    expect(out[1]!.video!.warnings).toHaveLength(refused.length)
    const cams = iwb(['cameras', caseDir], env)
    expect(cams.stdout).toMatch(/hiv00000\.mp4 .*\n.*start from sidecar: Hikvision index00\.bin, hiv00000\.mp4 slot 0.*\n\s+bytes \[0, 2881484\) of evidence #\d+ hiv00000\.mp4/)
    folder = CaseFolder.open(caseDir)
  })
})
