// A jump into a file: the player asks for init.mp4 and the segment at the jump together. The
// init comes out of that segment's ffmpeg run (one run, not a second one for segment 0 that
// would share the two cores with the segment the user waits for); init.mp4 asked for alone
// is still made.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { runFfmpeg } from '../../../electron/core/media/ffmpegRunner'
import { mediaBodyBytes, MediaServer, type MediaResponse } from '../../../electron/core/media/mediaServer'
import { importVideoEvidence, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { decodeFrameCode } from '../../helpers/frameCode'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, testMediaServer, testTools } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-media-init-')
let folder: CaseFolder
let server: MediaServer

const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)
const base = (o: VideoImportOutcome): string => `/media/hls/${o.file!.sha256}/transcode-2`

async function addCopy(name: string, start: string): Promise<VideoImportOutcome> {
  // HEVC in MP4 (transcoded), 4 s at 25 fps: segments of 50 frames; a copy per test (its own hash, nothing cached).
  const clip = await cachedClip({ codec: 'hevc', seconds: 4 })
  const path = join(tmp.path, name)
  await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: clip.path, demuxer: 'mov' }, output: { kind: 'file', path }, outputArgs: ['-c', 'copy', '-metadata', `title=${name}`, '-f', 'mp4'], timeoutMs: 20_000 })
  const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
  return importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start })
}

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Media init', examiner: 'Ana', timeZone: 'UTC' })
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(async () => {
  await server.idle()
  folder.close()
  tmp.cleanup()
})

describe('init.mp4 on a jump into a file', () => {
  it('comes out of the jumped-to segment’s run: one ffmpeg run, no segment 0, and init + segment show the right frame', async () => {
    const o = await addCopy('jump.mp4', '2024-03-05T14:50:00Z')
    const before = server.stats.ffmpegRuns
    // As hls.js does: init first, the segment a moment later.
    const initP = server.handle('GET', `${base(o)}/init.mp4`, undefined)
    await new Promise((r) => setTimeout(r, 5))
    const segP = server.handle('GET', `${base(o)}/seg1.m4s`, undefined)
    const [init, seg] = await Promise.all([initP, segP])
    expect([init.status, seg.status]).toEqual([200, 200])
    expect(server.stats.ffmpegRuns).toBe(before + 1)
    expect(existsSync(join(folder.layout.derived, 'hls', o.file!.sha256, 'transcode-2', 'seg0.m4s'))).toBe(false)
    const joined = join(tmp.path, 'jump-joined.mp4')
    writeFileSync(joined, Buffer.concat([await body(init), await body(seg)]))
    const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: joined, demuxer: 'mov' }, output: { kind: 'stdout' }, outputArgs: ['-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba'], timeoutMs: 20_000 })
    expect(decodeFrameCode(r.stdout, 320, 240).frame).toBe(50)
  })

  it('asked for alone, is made (with segment 0) once the short wait for a segment run is over', async () => {
    const o = await addCopy('alone.mp4', '2024-03-05T14:55:00Z')
    const before = server.stats.ffmpegRuns
    const init = await server.handle('GET', `${base(o)}/init.mp4`, undefined)
    expect(init.status).toBe(200)
    expect((await body(init)).includes(Buffer.from('avcC'))).toBe(true)
    expect(server.stats.ffmpegRuns).toBe(before + 1)
    expect(existsSync(join(folder.layout.derived, 'hls', o.file!.sha256, 'transcode-2', 'seg0.m4s'))).toBe(true)
  })
})
