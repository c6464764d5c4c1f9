// A jump into footage never viewed: what the server does before the first byte goes out.
// The segment is answered from the bytes just made while it is written and recorded (the
// same bytes, ranges honoured, the record following); init.mp4 of an MP4 H.264 source comes
// from its sample table without a segment run; a file whose playlist was asked for has its
// table read ahead, once.
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { mediaBodyBytes, MediaServer, planKeyFor, type MediaResponse } from '../../../electron/core/media/mediaServer'
import { FRAGMENTER_TOOL } from '../../../electron/core/media/mp4Fragmenter'
import { importVideoEvidence, type VideoImportOutcome } from '../../../electron/core/media/videoStore'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, STANDARD_CLIPS, testMediaServer, testTools } from '../../helpers/videoFixtures'

const REMUX = planKeyFor('remux')
const tools = testTools()
const tmp = tempDir('iwb-media-fresh-')
let folder: CaseFolder
let server: MediaServer

const body = async (r: MediaResponse): Promise<Buffer> => (await mediaBodyBytes(r.body)) ?? Buffer.alloc(0)
const base = (o: VideoImportOutcome): string => `/media/hls/${o.file!.sha256}/${REMUX}`
const planDir = (o: VideoImportOutcome): string => join(folder.layout.derived, 'hls', o.file!.sha256, REMUX)
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const custodyOf = (rel: string) => listCustody(folder.db).filter((e) => e.action === 'media.derived' && e.object === `derived/${rel}`)

/** Another copy of the 10 s H.264 clip (other creation time: other bytes, nothing made yet). */
async function addCopy(created: string): Promise<VideoImportOutcome> {
  const clip = await cachedClip({ ...STANDARD_CLIPS.h264, seconds: 10, creationTime: created })
  const a = await acquireEvidence(folder, { path: clip.path }, { examiner: 'Ana' })
  return importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start: null })
}

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Fresh', examiner: 'Ana', timeZone: 'UTC' })
  server = testMediaServer(() => folder, 'Ana', tools)
})
afterAll(async () => {
  await server.idle()
  folder.close()
  tmp.cleanup()
})

describe('a segment never made before', () => {
  it('is answered with the bytes that then land on disk, ranges included, and recorded with their hash', async () => {
    const o = await addCopy('2024-03-05T16:00:00Z')
    const whole = await body(await server.handle('GET', `${base(o)}/seg1.m4s`, undefined))
    // Asked again at once (its write may still be under way): a range of the same bytes.
    const part = await server.handle('GET', `${base(o)}/seg1.m4s`, 'bytes=100-1099')
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 100-1099/${whole.length}`)
    expect(Buffer.compare(await body(part), whole.subarray(100, 1100))).toBe(0)
    expect((await server.handle('GET', `${base(o)}/seg1.m4s`, `bytes=${whole.length}-`)).status).toBe(416)

    await server.idle()
    expect(Buffer.compare(readFileSync(join(planDir(o), 'seg1.m4s')), whole)).toBe(0)
    const rec = custodyOf(`hls/${o.file!.sha256}/${REMUX}/seg1.m4s`)
    expect(rec).toHaveLength(1)
    expect(rec[0]!.details).toMatchObject({ kind: 'hls-segment', sha256: sha256(whole), size: whole.length, tool: FRAGMENTER_TOOL })
    // Nothing half-written left beside it.
    expect(readdirSync(planDir(o)).filter((n) => n.includes('.part') || n.startsWith('.tmp'))).toEqual([])
  })
})

describe('init.mp4 of an MP4 H.264 source', () => {
  it('comes from the sample table alone: no segment run, no segment made, recorded as the fragmenter’s init', async () => {
    const o = await addCopy('2024-03-05T16:10:00Z')
    const runs = [server.stats.fragmenterRuns, server.stats.ffmpegRuns]
    const init = await server.handle('GET', `${base(o)}/init.mp4`, undefined)
    expect(init.status).toBe(200)
    const bytes = await body(init)
    expect(bytes.includes(Buffer.from('avcC'))).toBe(true)
    expect(bytes.includes(Buffer.from('moof'))).toBe(false)
    expect([server.stats.fragmenterRuns, server.stats.ffmpegRuns]).toEqual(runs)
    await server.idle()
    expect(readdirSync(planDir(o)).sort()).toEqual(['init.mp4'])
    const rec = custodyOf(`hls/${o.file!.sha256}/${REMUX}/init.mp4`)
    expect(rec).toHaveLength(1)
    expect(rec[0]!.details).toMatchObject({ kind: 'hls-init', sha256: sha256(bytes), tool: FRAGMENTER_TOOL })
    expect((rec[0]!.details as { args: string[] }).args.at(-1)).toBe('-init')

    // The segment made afterwards plays with it: one run, and init.mp4 is not made twice.
    const seg = await server.handle('GET', `${base(o)}/seg2.m4s`, undefined)
    expect(seg.status).toBe(200)
    expect(server.stats.fragmenterRuns).toBe(runs[0]! + 1)
    await server.idle()
    expect(custodyOf(`hls/${o.file!.sha256}/${REMUX}/init.mp4`)).toHaveLength(1)
    expect(Buffer.compare(readFileSync(join(planDir(o), 'init.mp4')), bytes)).toBe(0)
  })
})

describe('warm-up', () => {
  it('reads a file’s sample table once, ahead of the first segment, and writes nothing', async () => {
    const o = await addCopy('2024-03-05T16:20:00Z')
    const read = server.stats.tablesRead
    server.warmUp(o.file!.sha256)
    server.warmUp(o.file!.sha256)
    expect(server.stats.tablesRead).toBe(read + 1)
    await server.idle()
    expect(existsSync(join(folder.layout.derived, 'hls', o.file!.sha256))).toBe(false)
    expect((await server.handle('GET', `${base(o)}/seg0.m4s`, undefined)).status).toBe(200)
    expect(server.stats.tablesRead).toBe(read + 1)
    // An unknown hash is ignored.
    server.warmUp('0'.repeat(64))
    expect(server.stats.tablesRead).toBe(read + 1)
  })
})
