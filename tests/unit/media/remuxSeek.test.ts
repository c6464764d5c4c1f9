// Remuxed segments hold exactly their own frames in MP4, MPEG-TS, Matroska, FLV, AVI and MPEG-PS. ffmpeg's
// input seek (-ss before -i) backs off 3/23 s on demuxers that seek by decode time when the
// stream has B-frames (Matroska, FLV, AVI…): without allowing for it, a segment of those
// files started one keyframe early and the player showed footage a GOP off its time.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { runFfmpeg } from '../../../electron/core/media/ffmpegRunner'
import { mediaBodyBytes, type MediaServer, type MediaResponse, planKeyFor, REMUX_SEGMENT_S } from '../../../electron/core/media/mediaServer'
import { importVideoEvidence } from '../../../electron/core/media/videoStore'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, segmentFrameNumbers, testMediaServer, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-remux-seek-')
let folder: CaseFolder
let server: MediaServer
const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)

const framesOf = (init: Buffer, media: Buffer, name: string): Promise<(number | null)[]> => segmentFrameNumbers(init, media, join(tmp.path, name), undefined, tools)

/** The 40 s H.264 clip (B-frames, a keyframe a second) copied into another container. */
async function inContainer(ext: string, muxer: string, bframes?: number): Promise<string> {
  const clip = await cachedClip({ codec: 'h264', container: 'mkv', seconds: 40, ...(bframes !== undefined ? { bframes } : {}) })
  if (ext === 'mkv') return clip.path
  const out = join(tmp.path, `clip-${bframes ?? 'b'}.${ext}`)
  const annexB = muxer === 'mpeg' || muxer === 'avi' ? ['-bsf:v', 'h264_mp4toannexb'] : []
  await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: clip.path, demuxer: 'matroska' }, output: { kind: 'file', path: out }, outputArgs: ['-map', '0:v:0', '-c', 'copy', ...annexB, '-f', muxer], timeoutMs: 30_000 })
  return out
}

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Remux seek', examiner: 'Ana', timeZone: 'UTC' })
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(async () => {
  await server.idle()
  folder.close()
  tmp.cleanup()
})

describe('a remuxed segment starts on its own keyframe', () => {
  for (const [ext, muxer, hour, bframes] of [
    ['mkv', 'matroska', 10, undefined],
    ['mkv', 'matroska', 14, 0],
    ['flv', 'flv', 11, undefined],
    ['flv', 'flv', 15, 0],
    ['mp4', 'mp4', 12, undefined],
    ['ts', 'mpegts', 13, undefined],
    ['avi', 'avi', 16, undefined],
    // MPEG-PS (Hikvision cards): small frames share a PES, keyframes among them have no time.
    ['mpg', 'mpeg', 17, 0]
  ] as const) {
    it(`${ext}${bframes === 0 ? ' without B-frames' : ''}: every segment holds exactly its own frames, jumped into from the middle`, async () => {
      const path = await inContainer(ext, muxer, bframes)
      const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
      const o = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: `Cam ${ext} ${hour}`, start: `2024-03-05T${hour}:00:00Z` })
      expect(o.file!.playback).toBe('remux')
      const base = `/media/hls/${o.file!.sha256}/${planKeyFor('remux')}`
      const playlist = (await body(await server.handle('GET', `${base}/index.m3u8`, undefined))).toString('utf8')
      const count = playlist.split('\n').filter((l) => /^seg\d+\.m4s$/.test(l)).length
      expect(count, `40 s cut at keyframes into ${REMUX_SEGMENT_S} s segments`).toBe(40 / REMUX_SEGMENT_S)
      // The middle segment first (a cold jump, as the player makes it), then all in order.
      const order = [Math.floor(count / 2), ...Array.from({ length: count }, (_, i) => i).filter((i) => i !== Math.floor(count / 2))]
      const framesBySegment = new Map<number, (number | null)[]>()
      for (const i of order) {
        const seg = await server.handle('GET', `${base}/seg${i}.m4s`, undefined)
        expect(seg.status).toBe(200)
        const init = await body(await server.handle('GET', `${base}/init.mp4`, undefined))
        framesBySegment.set(i, await framesOf(init, await body(seg), `${ext}-${hour}-${i}.mp4`))
      }
      // Together, in order, they hold every frame once: no segment starts a keyframe early.
      const all = Array.from({ length: count }, (_, i) => framesBySegment.get(i)!).flat()
      expect(all).toEqual(Array.from({ length: 1000 }, (_, k) => k))
      await server.idle()
    })
  }
})
