// The /media/ handler on a real case: playlists from the keyframe index, segments made on
// demand (remux and transcode) and reused from derived/, HTTP Range, paths confined to
// derived/ (traversal, symlinks out, unknown names refused), every derived file recorded
// with its hash, the tool (ffmpeg version, or the MP4 fragmenter) and arguments; and the
// same through the web host.
import { execFileSync } from 'node:child_process'
import { symlinkSync, readFileSync, mkdirSync, unlinkSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { mediaBodyBytes, MediaServer, parseRange, type MediaResponse, planKeyFor, REMUX_SEGMENT_S } from '../../../electron/core/media/mediaServer'
import { splitFragmentedMp4 } from '../../../electron/core/media/hlsPlan'
import { FRAGMENTER_TOOL } from '../../../electron/core/media/mp4Fragmenter'
import { importVideoEvidence, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { tempDir } from '../../helpers/tmp'
import { decodeFrameCode } from '../../helpers/frameCode'
import { cachedClip, CLIP_CREATED, STANDARD_CLIPS, testMediaServer, testTools } from '../../helpers/videoFixtures'
import { runFfmpeg } from '../../../electron/core/media/ffmpegRunner'
import { writeFileSync } from 'node:fs'

const REMUX = planKeyFor('remux')
/** The 10 s H.264 clip (25 fps, a keyframe every second) in remuxed segments of REMUX_SEGMENT_S. */
const PER_SEG = REMUX_SEGMENT_S * 25
const SEGS = Math.ceil(10 / REMUX_SEGMENT_S)
const segNames = (): string[] => Array.from({ length: SEGS }, (_, i) => `seg${i}.m4s`)

const tools = testTools()
const tmp = tempDir('iwb-media-server-')
let folder: CaseFolder
let server: MediaServer
let h264: VideoImportOutcome
let hevc: VideoImportOutcome

const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)
const hlsBase = (o: VideoImportOutcome): string => `/media/hls/${o.file!.sha256}/${o.file!.playback === 'remux' ? REMUX : 'transcode-2'}`

beforeAll(async () => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Media', examiner: 'Ana', timeZone: 'UTC' })
  const add = async (path: string, start: string | null) => {
    const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
    return importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start })
  }
  h264 = await add((await cachedClip({ ...STANDARD_CLIPS.h264, seconds: 10 })).path, null)
  hevc = await add((await cachedClip(STANDARD_CLIPS.hevc)).path, '2024-03-05T14:31:00Z')
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(() => {
  folder.close()
  tmp.cleanup()
})

describe('playlists and segments', () => {
  it('builds the VOD playlist at once from the keyframe index, with the footage wall clock', async () => {
    const r = await server.handle('GET', `${hlsBase(h264)}/index.m3u8`, undefined)
    expect(r.status).toBe(200)
    const text = (await body(r)).toString()
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD')
    expect(text).toContain(`#EXT-X-PROGRAM-DATE-TIME:${CLIP_CREATED.replace('.000000Z', '.000Z')}`)
    // Keyframes every 1 s, segments of at least REMUX_SEGMENT_S (2 s: 0–2, 2–4, … 8–10).
    expect(text.match(/seg\d+\.m4s/g)).toEqual(segNames())
    expect(server.stats.ffmpegRuns).toBe(0)
  })

  it('makes a remuxed segment on demand with its neighbours in one run, caches them in derived/, and reuses them', async () => {
    // H.264 in MP4: the in-process fragmenter's run, no ffmpeg started.
    const before = server.stats.fragmenterRuns
    const ffmpeg = server.stats.ffmpegRuns
    const seg = await server.handle('GET', `${hlsBase(h264)}/seg1.m4s`, undefined)
    expect(seg.status).toBe(200)
    expect([server.stats.fragmenterRuns, server.stats.ffmpegRuns]).toEqual([before + 1, ffmpeg])
    const init = await server.handle('GET', `${hlsBase(h264)}/init.mp4`, undefined)
    expect(init.status).toBe(200)
    const again = await server.handle('GET', `${hlsBase(h264)}/seg1.m4s`, undefined)
    expect(Buffer.compare(await body(again), await body(seg))).toBe(0)
    // init and the neighbours (the whole 10 s clip) came with the segment: no other run (each
    // neighbour asked for while its write waits is served once it is written; seg1 again is a cache hit)
    const all = []
    for (let i = 0; i < SEGS; i++) all.push(i === 1 ? seg : await server.handle('GET', `${hlsBase(h264)}/seg${i}.m4s`, undefined))
    expect([server.stats.fragmenterRuns, server.stats.ffmpegRuns]).toEqual([before + 1, ffmpeg])
    expect(server.stats.cacheHits).toBeGreaterThanOrEqual(1)

    // init + each segment decode, each starts on its own first frame (PER_SEG frames apart)
    // and holds exactly its frames: nothing lost or doubled at the cuts.
    for (const [i, media] of all.entries()) {
      const joined = join(tmp.path, `joined${i}.mp4`)
      writeFileSync(joined, Buffer.concat([await body(init), await body(media)]))
      const frames = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: joined, demuxer: 'mov' }, output: { kind: 'stdout' }, outputArgs: ['-f', 'rawvideo', '-pix_fmt', 'rgba'], timeoutMs: 20_000 })
      const size = 320 * 240 * 4
      const end = Math.min(250, (i + 1) * PER_SEG)
      expect(frames.stdout.length / size, `segment ${i}`).toBe(end - i * PER_SEG)
      expect(decodeFrameCode(frames.stdout.subarray(0, size), 320, 240).frame, `segment ${i}`).toBe(i * PER_SEG)
      expect(decodeFrameCode(frames.stdout.subarray(frames.stdout.length - size), 320, 240).frame, `segment ${i}`).toBe(end - 1)
    }
  })

  it('transcodes HEVC to H.264 segments with the same init for every segment', async () => {
    const s0 = await server.handle('GET', `${hlsBase(hevc)}/seg0.m4s`, undefined)
    const s1 = await server.handle('GET', `${hlsBase(hevc)}/seg1.m4s`, undefined)
    expect([s0.status, s1.status]).toEqual([200, 200])
    const init = await body(await server.handle('GET', `${hlsBase(hevc)}/init.mp4`, undefined))
    expect(init.includes(Buffer.from('avcC'))).toBe(true) // H.264 now
    const s1Bytes = await body(s1)
    expect(() => splitFragmentedMp4(Buffer.concat([init, s1Bytes]))).not.toThrow()
  })

  it('records every derived file: hash, tool (ffmpeg version or the fragmenter), exact arguments, source; custody per file', async () => {
    await server.idle()
    const rows = folder.db.prepare('SELECT * FROM derived_media ORDER BY id').all() as { path: string; sha256: string; ffmpeg_version: string; args: string; source_sha256: string }[]
    expect(rows.map((r) => r.path.split('/').slice(2).join('/')).sort()).toEqual([`${REMUX}/init.mp4`, ...segNames().map((n) => `${REMUX}/${n}`), 'transcode-2/init.mp4', 'transcode-2/seg0.m4s', 'transcode-2/seg1.m4s'].sort())
    for (const r of rows) {
      expect(createHash('sha256').update(readFileSync(join(folder.layout.derived, r.path))).digest('hex')).toBe(r.sha256)
      if (r.path.includes(`/${REMUX}/`)) {
        // Made in-process from the MP4: the fragmenter, and what it copied (samples, time offset).
        expect(r.ffmpeg_version).toBe(FRAGMENTER_TOOL)
        expect(JSON.parse(r.args)).toEqual(expect.arrayContaining(['-source', `evidence/${h264.file!.sha256}`, ...(r.path.endsWith('.m4s') ? ['-samples', '-output_ts_offset'] : ['-init'])]))
      } else {
        expect(r.ffmpeg_version).toMatch(/^ffmpeg version /)
        expect(JSON.parse(r.args)).toEqual(expect.arrayContaining(['-protocol_whitelist', 'file,pipe', '-format_whitelist']))
      }
    }
    expect(JSON.parse(rows.find((r) => r.path.endsWith(`${REMUX}/seg1.m4s`))!.args)).toEqual(expect.arrayContaining([`${PER_SEG}+${PER_SEG}`, '10.000000']))
    const derived = listCustody(folder.db, 0, 10_000).filter((e) => e.action === 'media.derived')
    expect(derived).toHaveLength(1 + SEGS + 3)
    expect(derived.find((e) => e.object.includes(`/${REMUX}/`))!.details).toMatchObject({ tool: FRAGMENTER_TOOL, sourceSha256: h264.file!.sha256 })
    expect(derived.find((e) => e.object.includes('/transcode-2/'))!.details).toMatchObject({ ffmpegVersion: expect.stringMatching(/^ffmpeg version/), sourceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })
  })

  it('saves a still as PNG in derived/ with custody', async () => {
    const still = await server.saveStill(folder, h264.file!.id, 1_770_000) // frame 44
    const png = readFileSync(still.path)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    // The still is the frame shown 1.77 s in: frame 44 (decoded by the test's own ffmpeg run).
    const rgba = execFileSync(tools.ffmpeg, ['-v', 'error', '-i', still.path, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 22 })
    expect(decodeFrameCode(rgba, 320, 240).frame).toBe(44)
    const served = await server.handle('GET', still.url, undefined)
    expect(served.status).toBe(200)
    expect(served.headers['cache-control']).toBe('no-store')
    expect(listCustody(folder.db, 0, 10_000).at(-1)).toMatchObject({ action: 'media.derived', details: { kind: 'still', sha256: still.sha256 } })
  })
})

describe('transcode from MP4 (exact keyframe seek)', () => {
  it('each transcoded segment starts on the right frame', async () => {
    const clip = await cachedClip({ codec: 'hevc', seconds: 4 }) // MP4: seeks land exactly on keyframes
    const a = await acquireEvidence(folder, { path: clip.path }, { examiner: 'Ana' })
    const o = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start: '2024-03-05T14:40:00Z' })
    expect(o.file!.playback).toBe('transcode')
    const init = await body(await server.handle('GET', `${hlsBase(o)}/init.mp4`, undefined))
    for (const [seg, frame] of [[1, 50], [0, 0]] as const) {
      const media = await body(await server.handle('GET', `${hlsBase(o)}/seg${seg}.m4s`, undefined))
      const joined = join(tmp.path, `hevc-seg${seg}.mp4`)
      writeFileSync(joined, Buffer.concat([init, media]))
      const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: joined, demuxer: 'mov' }, output: { kind: 'stdout' }, outputArgs: ['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba'], timeoutMs: 20_000 })
      expect(decodeFrameCode(r.stdout, 320, 240).frame, `segment ${seg}`).toBe(frame)
    }
  })
})

describe('HTTP semantics and confinement', () => {
  it('honours Range: 206 with Content-Range, suffix ranges, 416 when unsatisfiable', async () => {
    const url = `${hlsBase(h264)}/seg1.m4s`
    const whole = await body(await server.handle('GET', url, undefined))
    const part = await server.handle('GET', url, 'bytes=10-19')
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 10-19/${whole.length}`)
    expect(Buffer.compare(await body(part), whole.subarray(10, 20))).toBe(0)
    const tail = await server.handle('GET', url, 'bytes=-5')
    expect(Buffer.compare(await body(tail), whole.subarray(whole.length - 5))).toBe(0)
    expect((await server.handle('GET', url, `bytes=${whole.length}-`)).status).toBe(416)
    expect((await server.handle('GET', url, 'bytes=abc')).status).toBe(416)
    expect(parseRange('bytes=5-', 10)).toEqual({ start: 5, end: 9 })
    expect((await server.handle('HEAD', url, undefined)).body.kind).toBe('none')
  })

  it('tells the browser never to store footage: playlist, init and segments (made now or read from disk, whole or ranged)', async () => {
    // A copy in the browser's HTTP cache would be evidence outside the case folder.
    const copy = await cachedClip({ ...STANDARD_CLIPS.h264, seconds: 4, creationTime: '2024-03-05T17:00:00Z' })
    const a = await acquireEvidence(folder, { path: copy.path }, { examiner: 'Ana' })
    const o = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start: null })
    const responses = [
      await server.handle('GET', `${hlsBase(o)}/index.m3u8`, undefined),
      await server.handle('GET', `${hlsBase(o)}/init.mp4`, undefined),
      await server.handle('GET', `${hlsBase(o)}/seg0.m4s`, undefined), // made for this request
      await server.handle('GET', `${hlsBase(o)}/seg0.m4s`, 'bytes=0-99')
    ]
    await server.idle()
    responses.push(await server.handle('GET', `${hlsBase(o)}/seg0.m4s`, undefined), await server.handle('HEAD', `${hlsBase(o)}/seg0.m4s`, undefined)) // from disk
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 206, 200, 200])
    for (const r of responses) expect(r.headers['cache-control']).toBe('no-store')
  })

  it('refuses traversal, other names, other plans, unknown files and symlinks out of derived/', async () => {
    const sha = h264.file!.sha256
    mkdirSync(join(folder.layout.derived, 'stills'), { recursive: true })
    symlinkSync('/etc/passwd', join(folder.layout.derived, 'stills', 'evil.png'))
    // seg0 was made with seg1's neighbours: replace it by a symlink out of derived/.
    unlinkSync(join(folder.layout.derived, 'hls', sha, REMUX, 'seg0.m4s'))
    symlinkSync(folder.layout.db, join(folder.layout.derived, 'hls', sha, REMUX, 'seg0.m4s'))
    for (const path of [
      '/media/hls/../../case.db',
      `/media/hls/${sha}/${REMUX}/..%2F..%2F..%2Fcase.db`,
      `/media/hls/${sha}/${REMUX}/%2e%2e`,
      `/media/hls/${sha}/transcode-2/seg0.m4s`, // not this file's plan
      `/media/hls/${sha}/${REMUX}/seg99.m4s`,
      `/media/hls/${sha}/${REMUX}/index.m3u8.bak`,
      `/media/hls/${'0'.repeat(64)}/${REMUX}/index.m3u8`,
      '/media/stills/evil.png', // symlink to /etc/passwd
      `/media/hls/${sha}/${REMUX}/seg0.m4s`, // symlink to case.db: exists, so no ffmpeg run either
      '/media/evidence/' + sha,
      '/media/stills/%2e%2e%2fcase.db'
    ]) {
      const r = await server.handle('GET', path, undefined)
      expect(r.status, path).toBe(404)
    }
    expect((await server.handle('POST', `/media/hls/${sha}/${REMUX}/index.m3u8`, undefined)).status).toBe(405)
  })
})
