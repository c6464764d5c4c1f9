// Remux neighbourhoods and prefetch: a remuxed segment asked for comes with its missing
// neighbours out of the same run (the MP4 fragmenter's for MP4, one -c copy ffmpeg run for
// MPEG-TS; each cut on its own frames), a later jump nearby costs no run, and HEAD (the renderer's prefetch)
// makes a neighbourhood in the one background lane: a second prefetch meanwhile is refused.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { mediaBodyBytes, MediaServer, REMUX_NEIGHBOURS_AFTER, REMUX_NEIGHBOURS_BEFORE, REMUX_SEGMENT_S, type MediaResponse, planKeyFor } from '../../../electron/core/media/mediaServer'
import { importVideoEvidence, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, segmentFrameNumbers, testMediaServer, testTools, type ClipContainer } from '../../helpers/videoFixtures'

const tools = testTools()
const tmp = tempDir('iwb-media-neighbours-')
let folder: CaseFolder
let server: MediaServer

const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)
const base = (o: VideoImportOutcome): string => `/media/hls/${o.file!.sha256}/${planKeyFor('remux')}`
const made = (o: VideoImportOutcome, i: number): boolean => existsSync(join(folder.layout.derived, 'hls', o.file!.sha256, planKeyFor('remux'), `seg${i}.m4s`))

async function add(container: ClipContainer, start: string, seconds = 40): Promise<VideoImportOutcome> {
  // 40 s of H.264 at 25 fps, a keyframe every second: segments of REMUX_SEGMENT_S (PER_SEG packets).
  const clip = await cachedClip({ codec: 'h264', container, seconds })
  const a = await acquireEvidence(folder, { path: clip.path }, { examiner: 'Ana' })
  const o = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: `Cam ${container}`, start })
  expect(o.file!.playback).toBe('remux')
  return o
}

const PER_SEG = REMUX_SEGMENT_S * 25
const SEGS = 40 / REMUX_SEGMENT_S

/** Segment-making runs of either kind: ffmpeg's, or the in-process MP4 fragmenter's. */
const segmentRuns = (): number => server.stats.ffmpegRuns + server.stats.fragmenterRuns

const framesOf = (init: Buffer, media: Buffer, name: string): Promise<(number | null)[]> => segmentFrameNumbers(init, media, join(tmp.path, name), undefined, tools)

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Neighbours', examiner: 'Ana', timeZone: 'UTC' })
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(async () => {
  await server.idle()
  folder.close()
  tmp.cleanup()
})

describe('remux neighbourhoods', () => {
  for (const [container, start] of [
    ['mp4', '2024-03-05T10:00:00Z'],
    ['ts', '2024-03-05T11:00:00Z']
  ] as const) {
    it(`${container}: one run makes the segment and its neighbours, each holding exactly its own frames`, async () => {
      const o = await add(container, start)
      const before = segmentRuns()
      const ffmpeg = server.stats.ffmpegRuns
      const seg = await server.handle('GET', `${base(o)}/seg5.m4s`, undefined)
      expect(seg.status).toBe(200)
      expect(segmentRuns()).toBe(before + 1)
      // MP4 is fragmented in-process: no ffmpeg start at all.
      expect(server.stats.ffmpegRuns).toBe(container === 'mp4' ? ffmpeg : ffmpeg + 1)
      await server.idle() // the neighbours are written after the segment asked for is answered
      const from = 5 - REMUX_NEIGHBOURS_BEFORE
      const to = 5 + REMUX_NEIGHBOURS_AFTER
      for (let i = 0; i < SEGS; i++) expect(made(o, i), `seg${i}`).toBe(i >= from && i <= to)
      const init = await body(await server.handle('GET', `${base(o)}/init.mp4`, undefined))
      for (let i = from; i <= to; i++) {
        const frames = await framesOf(init, await body(await server.handle('GET', `${base(o)}/seg${i}.m4s`, undefined)), `${container}-${i}.mp4`)
        expect(frames, `${container} seg${i}`).toEqual(Array.from({ length: PER_SEG }, (_, k) => i * PER_SEG + k))
      }
      expect(segmentRuns()).toBe(before + 1)

      // A jump just past the neighbourhood: one run, which stops at the segments already made.
      await server.handle('GET', `${base(o)}/seg${to + 1}.m4s`, undefined)
      await server.idle()
      expect(segmentRuns()).toBe(before + 2)
      expect([made(o, from - 1), made(o, to + 1 + REMUX_NEIGHBOURS_AFTER)]).toEqual([false, true])
    })
  }
})

describe('a neighbour asked for while its run writes the others', () => {
  it('is answered once it is written, first, not once the whole neighbourhood is', async () => {
    const o = await add('mp4', '2024-03-05T14:00:00Z', 38) // another file: nothing made yet
    const before = segmentRuns()
    expect((await server.handle('GET', `${base(o)}/seg5.m4s`, undefined)).status).toBe(200)
    const from = 5 - REMUX_NEIGHBOURS_BEFORE
    const to = 5 + REMUX_NEIGHBOURS_AFTER
    // The earliest neighbour, last in the run's order (those after go first): asked for at once.
    const early = await server.handle('GET', `${base(o)}/seg${from}.m4s`, undefined)
    expect(early.status).toBe(200)
    expect(made(o, to)).toBe(false) // the farthest one is still to be written
    const init = await body(await server.handle('GET', `${base(o)}/init.mp4`, undefined))
    expect(await framesOf(init, await body(early), `early-${from}.mp4`)).toEqual(Array.from({ length: PER_SEG }, (_, k) => from * PER_SEG + k))
    await server.idle()
    for (let i = from; i <= to; i++) expect(made(o, i), `seg${i}`).toBe(true)
    expect(segmentRuns()).toBe(before + 1)
  })
})

describe('prefetch (HEAD)', () => {
  it('makes a neighbourhood in the background lane; a second prefetch meanwhile is refused, a player request is not', async () => {
    const o = await add('mp4', '2024-03-05T13:00:00Z', 36) // another file: nothing made yet
    const runs = server.stats.backgroundRuns
    const first = server.handle('HEAD', `${base(o)}/seg1.m4s`, undefined)
    while (server.stats.backgroundRuns === runs) await new Promise((r) => setTimeout(r, 2))
    const refused = await server.handle('HEAD', `${base(o)}/seg8.m4s`, undefined)
    expect(refused.status).toBe(503)
    // A player's GET is never refused, even while the prefetch runs.
    const played = server.handle('GET', `${base(o)}/seg8.m4s`, undefined)
    expect((await first).status).toBe(200)
    expect((await first).body.kind).toBe('none')
    expect((await played).status).toBe(200)
    expect(server.stats.backgroundRuns).toBe(runs + 1)
    await server.idle()
    for (let i = 0; i <= 1 + REMUX_NEIGHBOURS_AFTER; i++) expect(made(o, i), `seg${i}`).toBe(true)
    // Once it is over, the next prefetch runs; one of a made segment costs nothing.
    const made2 = segmentRuns()
    expect((await server.handle('HEAD', `${base(o)}/seg2.m4s`, undefined)).status).toBe(200)
    expect(segmentRuns()).toBe(made2)
    const next = 36 / REMUX_SEGMENT_S - 2 // past what the two runs made
    expect(made(o, next)).toBe(false)
    expect((await server.handle('HEAD', `${base(o)}/seg${next}.m4s`, undefined)).status).toBe(200)
    expect(server.stats.backgroundRuns).toBe(runs + 2)
    expect(made(o, next)).toBe(true)
    await server.idle()
    expect(made(o, next + 1)).toBe(true)
  })
})
