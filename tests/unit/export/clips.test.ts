// Clips: the cutter on an ffmpeg-generated recording (H.264 MP4 out, duration within one
// frame, provenance with source hash, ffmpeg build, exact args, wall clock and output hash),
// and clips inside a bag from footage imported with the video module — cut from the frame
// the player shows at the range's start (camera offset and placement applied), each clip's
// source an original of the bag or named as withheld, which the verifier checks.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { formatClockOffset } from '../../../electron/core/ingest/timeResolve'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { clipOutputArgs, cutClip, type ClipProvenance } from '../../../electron/core/export/clipCutter'
import type { StillProvenance } from '../../../electron/core/export/exportStills'
import type { Demuxer } from '../../../electron/core/media/ffmpegRunner'
import { planFor } from '../../../electron/core/media/mediaServer'
import { fileProbe, fileRow, importVideoEvidence } from '../../../electron/core/media/videoStore'
import { decodeFrameCode } from '../../helpers/frameCode'
import { allFrameNumbers, cachedClip, makeClip, STANDARD_CLIPS, testMediaServer, testTools } from '../../helpers/videoFixtures'
import { copyBag, has } from './exportFixture'
import { tempDir } from '../../helpers/tmp'

const FPS = 25
const at = (iso: string): number => Date.parse(iso) * 1000
let tmp: ReturnType<typeof tempDir>
let source = ''
let sourceSha: string

function probe(path: string): { codec: string; duration: number; frames: number; pixFmt: string } {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-count_frames', '-show_entries', 'stream=codec_name,pix_fmt,nb_read_frames:format=duration', '-of', 'json', path], { encoding: 'utf8' })
  const j = JSON.parse(out) as { streams: { codec_name: string; pix_fmt: string; nb_read_frames: string }[]; format: { duration: string } }
  return { codec: j.streams[0]!.codec_name, pixFmt: j.streams[0]!.pix_fmt, frames: Number(j.streams[0]!.nb_read_frames), duration: Number(j.format.duration) }
}

const ok = has('ffmpeg') && has('ffprobe')

beforeAll(async () => {
  tmp = tempDir()
  if (!ok) return
  // 10 s at 25 fps with a 2 s GOP and B-frames, each frame showing its number.
  source = (await makeClip(tmp.path, { codec: 'h264', fps: FPS, seconds: 10, gop: 50, bframes: 2, fileName: 'dock-cam.mp4', creationTime: '2024-05-03T22:14:00Z' })).path
  sourceSha = createHash('sha256').update(readFileSync(source)).digest('hex')
})
afterAll(() => tmp.cleanup())

describe.skipIf(!ok)('clip cutter', () => {
  it('cuts 2.0–5.0 s into a playable H.264 MP4 with provenance', async () => {
    const out = join(tmp.path, 'clip.mp4')
    const prov = await cutClip({
      ffmpegPath: '/usr/bin/ffmpeg',
      source,
      demuxer: 'mov',
      sourceSha256: sourceSha,
      sourceEvidenceId: 4,
      camera: 'Dock cam',
      inS: 2.0,
      outS: 5.0,
      startWallClock: '2024-05-03T22:14:02.000Z',
      offsetUs: -1_500_000,
      out
    })
    const p = probe(out)
    expect(p.codec).toBe('h264')
    expect(p.pixFmt).toBe('yuv420p')
    expect(Math.abs(p.duration - 3.0)).toBeLessThanOrEqual(1 / FPS + 1e-6)
    expect(Math.abs(p.frames - 3 * FPS)).toBeLessThanOrEqual(1)
    expect(prov).toMatchObject({
      kind: 'iwb-clip-provenance',
      camera: 'Dock cam',
      source: { evidenceId: 4, sha256: sourceSha, demuxer: 'mov' },
      cut: { inSeconds: 2, outSeconds: 5, durationSeconds: 3 },
      startWallClock: '2024-05-03T22:14:02.000Z',
      clockOffsetAppliedUs: -1_500_000,
      output: { file: 'clip.mp4', codec: 'h264', container: 'mp4', size: readFileSync(out).length }
    })
    expect(prov.output.sha256).toBe(createHash('sha256').update(readFileSync(out)).digest('hex'))
    expect(prov.ffmpeg.version).toMatch(/^ffmpeg version /)
    // The exact command: hardened input, the seek, the source, and our output options.
    const args = prov.ffmpeg.args
    expect(args).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file,pipe', '-f', 'mov', '-ss', '2.000000', '-i', source, out]))
    const outStart = args.indexOf('-t')
    expect(args.slice(outStart, outStart + clipOutputArgs(3).length)).toEqual(clipOutputArgs(3))
    // Frame-exact: source frames 50 (2.0 s) to 124, not from the keyframe before the in point.
    const frames = await allFrameNumbers({ path: out, demuxer: 'mov', width: 320, height: 240 }, 200)
    expect(frames).toEqual(Array.from({ length: 75 }, (_, i) => 50 + i))
  })

  it('refuses an empty or reversed range with advice', async () => {
    await expect(
      cutClip({ ffmpegPath: '/usr/bin/ffmpeg', source, demuxer: 'mov', sourceSha256: sourceSha, sourceEvidenceId: null, camera: 'x', inS: 5, outS: 5, startWallClock: '', offsetUs: 0, out: join(tmp.path, 'x.mp4') })
    ).rejects.toThrow(/0 ≤ in < out/)
  })
})

describe.skipIf(!ok)('clips in a bag', () => {
  it('cuts the selected camera over the range, from the frame the player shows, with provenance; verify checks the source', async () => {
    const folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Clips', examiner: 'Robin', timeZone: 'UTC' })
    try {
      // The recording says it starts 22:14:00 UTC (creation_time); the camera runs 1.5 s slow.
      const acquired = await acquireEvidence(folder, { path: source }, { examiner: 'Robin' })
      const imported = await importVideoEvidence(folder, acquired.evidence!.id, { examiner: 'Robin', tools: testTools(), caseZone: 'UTC', camera: 'Dock cam', offsetUs: 1_500_000 })
      expect(imported.file).toMatchObject({ startUs: at('2024-05-03T22:14:01.500Z'), offsetApplied: true })
      // Another camera over the same time: not selected, so not cut.
      const lobby = await cachedClip(STANDARD_CLIPS.h264)
      const lobbyEv = await acquireEvidence(folder, { path: lobby.path }, { examiner: 'Robin' })
      const lobbyFile = (await importVideoEvidence(folder, lobbyEv.evidence!.id, { examiner: 'Robin', tools: testTools(), caseZone: 'UTC', camera: 'Lobby cam', start: '2024-05-03T22:14:00Z' })).file!
      // Stills saved as the player does: Dock cam 2.0 s in (22:14:03.500, frame 50) is in the
      // range; Dock cam at its start (22:14:01.500) is not; Lobby cam's camera is not chosen.
      const media = testMediaServer(() => folder, 'Robin')
      const still = await media.saveStill(folder, imported.file!.id, 2_000_000)
      await media.saveStill(folder, imported.file!.id, 0)
      await media.saveStill(folder, lobbyFile.id, 3_500_000)

      const A = at('2024-05-03T22:14:03.020Z')
      const r = await exportBag(folder, {
        out: join(tmp.path, 'bag'),
        examiner: 'Robin',
        keysDir: join(tmp.path, 'keys'),
        from: '2024-05-03T22:14:03.020Z',
        to: '2024-05-03T22:14:06Z',
        cameras: ['Dock cam'],
        ffmpegPath: '/usr/bin/ffmpeg'
      })
      expect(r.clips).toBe(1)
      const clip = join(r.path, 'data', 'clips', '001-Dock_cam.mp4')
      const p = probe(clip)
      expect(p.codec).toBe('h264')
      expect(Math.abs(p.duration - 3)).toBeLessThanOrEqual(1 / FPS + 1e-6)

      // The frame the player shows at A: its HLS plan puts the first frame at start_us.
      const row = fileRow(folder.db, imported.file!.id)
      const plan = planFor({ fileId: row.id, evidenceId: row.evidence_id, sha256: row.sha256, demuxer: row.demuxer as Demuxer, mode: row.playback_mode, startUs: row.start_us, probe: fileProbe(row) })
      const expected = Math.floor((A - plan.segments[0]!.wallClockUs) / 1e6 / plan.frameDurationS + 1e-6)
      expect(expected).toBe(38) // (22:14:03.020 − 22:14:01.500) × 25 fps
      const frames = await allFrameNumbers({ path: clip, demuxer: 'mov', width: 320, height: 240 }, 200)
      expect(Math.abs(frames[0]! - expected)).toBeLessThanOrEqual(1)
      expect(frames).toHaveLength(75)

      const prov = JSON.parse(readFileSync(join(r.path, 'data', 'clips', '001-Dock_cam.provenance.json'), 'utf8')) as ClipProvenance & { source: { withheld: string | null } }
      expect(prov).toMatchObject({
        camera: 'Dock cam',
        startWallClock: '2024-05-03T22:14:03.020Z',
        clockOffsetAppliedUs: 1_500_000,
        cut: { inSeconds: 1.52, outSeconds: 4.52 },
        // A range export holds the originals of its event sources; the recording is not one.
        source: { sha256: sourceSha, demuxer: 'mov', withheld: expect.stringMatching(/not among the originals/) },
        output: { sha256: createHash('sha256').update(readFileSync(clip)).digest('hex'), codec: 'h264', container: 'mp4' }
      })
      expect(prov.ffmpeg.version).toMatch(/^ffmpeg version /)
      expect(prov.ffmpeg.args).toEqual(expect.arrayContaining(['-ss', '1.520000', '-i', folder.evidencePath(sourceSha)]))
      const html = readFileSync(join(r.path, 'data', 'report', 'index.html'), 'utf8')
      expect(html).toMatch(/<video controls preload="metadata" src="\.\.\/clips\/001-Dock_cam\.mp4"/)
      expect(html).toContain('clock offset applied 1500000 µs')
      // The time section lists every camera's clock offset and how it was found.
      const clocks = html.slice(html.indexOf('<h3>Camera clocks</h3>'), html.indexOf('</section>', html.indexOf('<h3>Camera clocks</h3>')))
      expect(clocks).toContain(`<tr><td>Dock cam</td><td>not recorded</td><td>${formatClockOffset(1_500_000)}</td><td>given when the footage was imported</td>`)
      expect(clocks).toContain(`<tr><td>Lobby cam</td><td>not recorded</td><td>${formatClockOffset(0)}</td><td>no offset applied</td>`)
      expect(html).toContain("media-src 'self' file:")
      expect((await verifyBag(r.path)).problems).toEqual([])
      expect(readFileSync(join(r.path, 'README.txt'), 'utf8')).toMatch(/data\/clips\/ +camera clips, H\.264 MP4 cut by ffmpeg/)

      // case.jsonld: the cut is an action of the examiner with ffmpeg (its exact build) on the
      // recording (withheld here, so known by its hash), resulting in the clip and its record.
      const doc = JSON.parse(readFileSync(join(r.path, 'case.jsonld'), 'utf8')) as { '@graph': Record<string, unknown>[] }
      const node = (v: unknown): Record<string, unknown> => doc['@graph'].find((n) => n['@id'] === (v as { '@id': string })['@id'])!
      const cuts = doc['@graph'].filter((n) => n['@type'] === 'case-investigation:InvestigativeAction' && n['uco-core:name'] === 'clip cut')
      expect(cuts).toHaveLength(1)
      const cutAction = cuts[0]!
      expect(node(cutAction['uco-action:instrument'])).toMatchObject({ '@type': 'uco-tool:Tool', 'uco-core:name': 'ffmpeg', 'uco-tool:version': prov.ffmpeg.version })
      expect(node(cutAction['uco-action:performer'])).toMatchObject({ '@type': 'uco-identity:Person', 'uco-core:name': 'Robin' })
      expect(Date.parse((cutAction['uco-action:startTime'] as { '@value': string })['@value'])).toBeLessThanOrEqual(Date.parse((cutAction['uco-action:endTime'] as { '@value': string })['@value']))
      const objects = cutAction['uco-action:object'] as unknown[]
      expect(objects).toHaveLength(1)
      expect(JSON.stringify(node(objects[0]))).toContain(sourceSha)
      const results = (cutAction['uco-action:result'] as unknown[]).map(node)
      expect(results.map((n) => n['@type'])).toEqual(['uco-observable:File', 'case-investigation:ProvenanceRecord'])
      expect(JSON.stringify(results[0])).toContain(prov.output.sha256)
      expect(JSON.stringify(results[0])).toContain('"uco-observable:filePath":"data/clips/001-Dock_cam.mp4"')

      // The still of the range and chosen camera, byte for byte, shown in the report.
      expect(readdirSync(join(r.path, 'data', 'stills'))).toEqual(['001-Dock_cam.png', '001-Dock_cam.provenance.json'])
      const stillPng = join(r.path, 'data', 'stills', '001-Dock_cam.png')
      expect(readFileSync(stillPng)).toEqual(readFileSync(still.path))
      const rgba = execFileSync(testTools().ffmpeg, ['-v', 'error', '-i', stillPng, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 22 })
      expect(decodeFrameCode(rgba, 320, 240).frame).toBe(50)
      const stillProv = JSON.parse(readFileSync(join(r.path, 'data', 'stills', '001-Dock_cam.provenance.json'), 'utf8')) as StillProvenance
      expect(stillProv).toMatchObject({
        camera: 'Dock cam',
        positionSeconds: 2,
        wallClock: '2024-05-03T22:14:03.500Z',
        savedBy: 'Robin',
        source: { sha256: sourceSha, withheld: expect.stringMatching(/not among the originals/) },
        output: { sha256: still.sha256, format: 'png' },
        ffmpeg: { version: expect.stringMatching(/^ffmpeg version /) },
        // The caption burnt into the still travels with it (camera, times, source hash prefix).
        caption: still.caption
      })
      expect(stillProv.caption).toContain('Dock cam')
      expect(stillProv.caption).toContain(sourceSha.slice(0, 16))
      expect(html).toContain('<img src="../stills/001-Dock_cam.png" alt="Still of Dock cam at 2024-05-03T22:14:03.500Z">')
      expect(html).toContain("img-src 'self' file:")
      expect(readFileSync(join(r.path, 'README.txt'), 'utf8')).toMatch(/data\/stills\/ +stills \(PNG\) the examiner saved/)

      // Every clip and still file, changed by one byte or deleted, fails verification and is named.
      const tampered = copyBag(r.path, join(tmp.path, 'bag-tampered'))
      for (const file of ['data/clips/001-Dock_cam.mp4', 'data/clips/001-Dock_cam.provenance.json', 'data/stills/001-Dock_cam.png', 'data/stills/001-Dock_cam.provenance.json']) {
        const path = join(tampered, file)
        const original = readFileSync(path)
        chmodSync(path, 0o644)
        const changed = Buffer.from(original)
        changed[changed.length >> 1] = changed[changed.length >> 1]! ^ 0x01
        writeFileSync(path, changed)
        const one = await verifyBag(tampered)
        expect(one.ok, `one byte of ${file}`).toBe(false)
        expect(one.problems.map((x) => x.message).join('\n'), `one byte of ${file}`).toContain(file)
        unlinkSync(path)
        const gone = await verifyBag(tampered)
        expect(gone.ok, `${file} deleted`).toBe(false)
        expect(gone.problems.map((x) => x.message).join('\n'), `${file} deleted`).toMatch(new RegExp(`${file.replace(/\./g, '\\.')}.*missing`))
        writeFileSync(path, original)
      }
      expect((await verifyBag(tampered)).problems).toEqual([])

      // A provenance that neither finds its source in the bag nor names it withheld is a problem.
      const bad = copyBag(r.path, join(tmp.path, 'bag-bad'))
      const provPath = join(bad, 'data', 'clips', '001-Dock_cam.provenance.json')
      const edited = JSON.parse(readFileSync(provPath, 'utf8')) as { source: { withheld: string | null } }
      edited.source.withheld = null
      writeFileSync(provPath, JSON.stringify(edited))
      const report = await verifyBag(bad)
      expect(report.ok).toBe(false)
      expect(report.problems.find((x) => x.kind === 'clip')?.message).toMatch(/neither among this bag's originals nor named as withheld/)

      // A still changed in the case since it was saved aborts the export, naming it; custody says so.
      chmodSync(still.path, 0o644)
      writeFileSync(still.path, Buffer.concat([readFileSync(still.path), Buffer.from('x')]))
      const again = join(tmp.path, 'bag-still-changed')
      await expect(
        exportBag(folder, { out: again, examiner: 'Robin', keysDir: join(tmp.path, 'keys'), from: '2024-05-03T22:14:03.020Z', to: '2024-05-03T22:14:06Z', cameras: ['Dock cam'], ffmpegPath: '/usr/bin/ffmpeg' })
      ).rejects.toThrow(/The still derived\/stills\/[0-9a-f]{16}-2000000-c[0-9a-f]{12}\.png no longer matches the hash recorded when it was saved/)
      expect(existsSync(again)).toBe(false)
      expect(listCustody(folder.db, 0, 100_000).at(-1)).toMatchObject({ action: 'export.failed', details: { problem: 'still-changed' } })
    } finally {
      folder.close()
    }
  }, 120_000)

  it('says why no clip was cut: an unknown camera, or no recording in the range', async () => {
    const folder = CaseFolder.create(join(tmp.path, 'case2'), { name: 'No video', examiner: 'Robin', timeZone: 'UTC' })
    try {
      const r = await exportBag(folder, { out: join(tmp.path, 'bag2'), examiner: 'Robin', keysDir: join(tmp.path, 'keys'), from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z', cameras: ['Dock cam'] })
      expect(r.clips).toBe(0)
      expect(r.notes.join(' ')).toMatch(/No camera named Dock cam in this case/)

      const acquired = await acquireEvidence(folder, { path: source }, { examiner: 'Robin' })
      await importVideoEvidence(folder, acquired.evidence!.id, { examiner: 'Robin', tools: testTools(), caseZone: 'UTC', camera: 'Dock cam' })
      const r2 = await exportBag(folder, { out: join(tmp.path, 'bag3'), examiner: 'Robin', keysDir: join(tmp.path, 'keys'), from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z', cameras: ['Dock cam'] })
      expect(r2.clips).toBe(0)
      expect(r2.notes.join(' ')).toMatch(/No placed recording of Dock cam overlaps the selected range/)
    } finally {
      folder.close()
    }
  })
})
