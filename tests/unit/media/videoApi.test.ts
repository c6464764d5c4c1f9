// The video calls through the contract (what both transports run): requests validated on
// arrival, the import job with its typed result, placement, playlist, calibration, and
// errors that say what to do.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerEvent } from '@shared/contract'
import { VideoImportResult } from '@shared/contracts/video'
import { Workbench } from '../../../electron/core/api/workbench'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, CLIP_CREATED, STANDARD_CLIPS } from '../../helpers/videoFixtures'
import { planKeyFor } from '../../../electron/core/media/mediaServer'

const tmp = tempDir('iwb-video-api-')
let wb: Workbench

async function call(method: string, params: unknown): Promise<unknown> {
  const r = await wb.call(method, params)
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
  return r.result
}

function jobResult(jobId: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const off = wb.onEvent((e: ServerEvent) => {
      if (!('jobId' in e) || e.jobId !== jobId) return
      if (e.type === 'job.done') {
        off()
        resolve(e.result)
      } else if (e.type === 'job.failed') {
        off()
        reject(new Error(e.error.message))
      }
    })
  })
}

beforeAll(async () => {
  wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
  await call('case.create', { dir: join(tmp.path, 'case'), name: 'API', examiner: 'Ana', timeZone: 'UTC' })
  const h264 = await cachedClip(STANDARD_CLIPS.h264)
  const hevc = await cachedClip(STANDARD_CLIPS.hevc)
  const { jobId } = (await call('evidence.acquire', { paths: [h264.path, hevc.path] })) as { jobId: string }
  await jobResult(jobId)
})
afterAll(() => {
  wb.close()
  tmp.cleanup()
})

describe('video calls', () => {
  it('import.preview recognises footage and routes it to video.import instead of trying log formats', async () => {
    const preview = (await call('import.preview', { evidenceId: 1 })) as { video: { demuxer: string } | null; format: string | null; detection: unknown[]; message: string }
    expect(preview).toMatchObject({ video: { demuxer: 'mov' }, format: null, detection: [] })
    expect(preview.message).toMatch(/is video footage .*import it as video/)
    const ts = (await call('import.preview', { evidenceId: 2 })) as { video: { demuxer: string } | null }
    expect(ts.video).toMatchObject({ demuxer: 'mpegts' })
    // A format chosen by the investigator is still tried as asked.
    const forced = (await call('import.preview', { evidenceId: 1, format: 'badge-lenel-onguard' })) as { video?: unknown; format: string | null }
    expect(forced.video ?? null).toBeNull()
    expect(forced.format).toBe('badge-lenel-onguard')
  })

  it('video.import runs as a job and returns a typed result', async () => {
    const { jobId } = (await call('video.import', { evidenceIds: [1, 2], camera: 'Hall' })) as { jobId: string }
    const result = VideoImportResult.parse(await jobResult(jobId))
    expect(result.items.map((i) => [i.outcome, i.file?.startMethod])).toEqual([
      ['imported', 'creation-time'],
      ['imported', 'unplaced']
    ])
  })

  it('validates requests and answers with errors that say what to do', async () => {
    await expect(call('video.place', { fileId: 2, start: 'yesterday' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(call('video.place', { fileId: 99, start: '2024-03-05T14:30:00Z' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/iwb cameras/) })
    await expect(call('cameras.update', { cameraId: 1, offset: 'soon', reason: 'x' })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    await expect(call('cameras.update', { cameraId: 1, offset: '+1s' })).rejects.toMatchObject({ code: 'BAD_REQUEST' }) // a reason is required
    await expect(call('video.playlist', { fileId: 2 })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/unplaced: place it first/) })
    await expect(call('video.playlist', { fileId: 1, extra: true })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('place, playlist, calibrate', async () => {
    const placed = (await call('video.place', { fileId: 2, start: '2024-03-05T14:30:04Z', basis: 'camera-clock', reason: 'follows file 1' })) as { startUs: number }
    expect(placed.startUs).toBe(Date.parse('2024-03-05T14:30:04Z') * 1000)
    const playlist = (await call('video.playlist', { fileId: 1 })) as { url: string; startUs: number; frameUs: number; mode: string; segments: number; m3u8: string }
    expect(playlist).toMatchObject({ mode: 'remux', startUs: Date.parse(CLIP_CREATED) * 1000, frameUs: 40_000 })
    // The playlist text itself (what the player hands hls.js instead of fetching it): one EXTINF per segment, wall clock on the first.
    expect(playlist.m3u8).toMatch(/^#EXTM3U\n/)
    expect(playlist.m3u8.match(/^#EXTINF:/gm)).toHaveLength(playlist.segments)
    expect(playlist.m3u8).toContain(`#EXT-X-PROGRAM-DATE-TIME:${new Date(playlist.startUs / 1000).toISOString()}`)
    expect(playlist.url).toMatch(new RegExp(`^/media/hls/[0-9a-f]{64}/${planKeyFor('remux')}/index\\.m3u8$`))
    const cal = (await call('video.calibrate', { fileId: 1, positionUs: 1_000_000, eventTime: '2024-03-05T14:30:00.500Z' })) as { newOffsetUs: number; camera: { files: { startUs: number }[] } }
    expect(cal.newOffsetUs).toBe(-500_000)
    // Both files were placed by the camera clock: both move.
    expect(cal.camera.files.map((f) => f.startUs)).toEqual([Date.parse('2024-03-05T14:30:00Z') * 1000 - 500_000, Date.parse('2024-03-05T14:30:04Z') * 1000 - 500_000])
    const custody = (await call('custody.list', {})) as { action: string }[]
    expect(custody.map((c) => c.action)).toEqual(expect.arrayContaining(['video.imported', 'video.placed', 'camera.clock-calibrated']))
  })
})
