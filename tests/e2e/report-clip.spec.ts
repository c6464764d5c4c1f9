// A camera clip (and a still of it) inside the bag's report, played as a recipient would: the report opened
// from file:// in Chromium, the clip found by its accessible name, played (muted, as a
// headless browser's autoplay policy asks), and the frames it shows read back from a
// canvas. The recording shows its own frame numbers, so the test knows that the report
// plays the footage recorded at the range's start, with no request leaving the bag's
// folder and no CSP violation.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { decodeFrameCode } from '../helpers/frameCode'
import { makeClip, testMediaServer, testTools } from '../helpers/videoFixtures'
import { CaseFolder } from '../../electron/core/case/caseFolder'
import { watchPage } from './pageWatch'

const root = resolve(__dirname, '..', '..')
const FPS = 25
/** The recording's first frame (given to the import with --start). */
const RECORDING_START = '2024-05-03T22:14:00Z'
/** The exported range: 2.0 s into the recording (frame 50) for 3 s. */
const FROM = '2024-05-03T22:14:02Z'
const TO = '2024-05-03T22:14:05Z'
const FIRST_FRAME = 2 * FPS
let work: string
let bag: string

// Cutting the clip and screenshots of a playing video are slow on a loaded 2-core machine.
test.describe.configure({ timeout: 180_000 })

function iwb(args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'electron', 'cli', 'iwb-bin.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, IWB_CONFIG_DIR: join(work, 'config') },
    timeout: 120_000
  })
  if (r.status !== 0) throw new Error(`iwb ${args.join(' ')} failed: ${r.stderr}${r.stdout}`)
  return r.stdout
}

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'iwb-report-clip-'))
  const caseDir = join(work, 'case')
  // 10 s at 25 fps, a keyframe every 2 s and B-frames, as a camera would record.
  const recording = await makeClip(work, { codec: 'h264', fps: FPS, seconds: 10, gop: 50, bframes: 2, fileName: 'dock-cam.mp4' })
  iwb(['case', 'create', caseDir, '--name', 'Loading dock', '--examiner', 'Robin Examiner', '--tz', 'UTC'])
  iwb(['import', caseDir, recording.path, '--camera', 'Dock cam', '--start', RECORDING_START, '--examiner', 'Robin Examiner'])
  // A still saved as the player's "Save still" does, 3 s into the recording (frame 75).
  const folder = CaseFolder.open(caseDir)
  try {
    const fileId = (folder.db.prepare('SELECT id FROM video_file').get() as { id: number }).id
    const tools = testTools()
    const media = testMediaServer(() => folder, 'Robin Examiner', tools)
    await media.saveStill(folder, fileId, 3 * 1e6)
  } finally {
    folder.close()
  }
  bag = join(work, 'bag')
  iwb(['export', caseDir, '--out', bag, '--camera', 'Dock cam', '--from', FROM, '--to', TO, '--recipient', 'District Court', '--purpose', 'Disclosure', '--examiner', 'Robin Examiner'])
})
test.afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

/**
 * The frame number a <video> or <img> shows now, as the recipient sees it: a screenshot of
 * the element, decoded on a blank page. (Reading it into a canvas in the report itself is
 * refused: each file:// URL is its own origin, so the canvas would be tainted.)
 */
async function frameShown(video: Locator, decoder: Page, pictureShare = 1): Promise<{ frame: number | null; problem: string | null }> {
  const png = await video.screenshot()
  const px = await decoder.evaluate(async (b64: string) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = img.naturalWidth
    canvas.height = img.naturalHeight
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(img, 0, 0)
    return { w: canvas.width, h: canvas.height, data: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data) }
  }, png.toString('base64'))
  // A still has its caption band under the picture: decode the picture's rows only.
  const rows = Math.round(px.h * pictureShare)
  const r = decodeFrameCode(px.data.slice(0, px.w * rows * 4), px.w, rows)
  return { frame: r.frame, problem: r.problem }
}

/** Seeks and resolves once the frame for the new time is the one presented. */
async function seekTo(video: Locator, seconds: number): Promise<void> {
  await video.evaluate(
    (el: HTMLVideoElement, t: number) =>
      new Promise<void>((done) => {
        el.addEventListener('seeked', () => done(), { once: true })
        el.currentTime = t
      }),
    seconds
  )
}

test('the report plays its clip in place from file://: the footage recorded at the range start, no request outside the bag', async ({ page, context }) => {
  const reportUrl = pathToFileURL(join(bag, 'data', 'report', 'index.html')).href
  const bagUrl = pathToFileURL(bag).href + '/'
  const { requests, problems } = watchPage(page)
  // A CSP violation is reported as an event in the page even when nothing is logged.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))
  })

  await page.goto(reportUrl)
  const clips = page.locator('#clips')
  await expect(clips.getByRole('heading', { name: 'Clips' })).toBeVisible()
  // The clip is named by its camera and the wall-clock time of its first frame.
  const video = clips.getByLabel('Clip of Dock cam from 2024-05-03T22:14:02.000Z')
  await expect(video).toBeVisible()
  await expect(clips.locator('figcaption')).toContainText('first frame 2024-05-03T22:14:02.000Z')

  // Shown at the picture's own size without the control bar, so a screenshot is the frame.
  await video.evaluate((el: HTMLVideoElement) => {
    el.style.width = `${el.videoWidth || 320}px`
    el.style.height = `${el.videoHeight || 240}px`
    el.removeAttribute('controls')
  })
  const decoder = await context.newPage()
  await decoder.goto('about:blank')

  // Play it as a recipient clicking play would (muted: headless autoplay policy).
  await video.evaluate(async (el: HTMLVideoElement) => {
    el.muted = true
    await el.play()
  })
  const time = (): Promise<number> => video.evaluate((el: HTMLVideoElement) => el.currentTime)
  // While it plays, the picture moves forward through the clip's own frames.
  await expect.poll(time, { timeout: 15_000 }).toBeGreaterThan(0.4)
  const early = await frameShown(video, decoder)
  await expect.poll(time, { timeout: 15_000 }).toBeGreaterThan(1.6)
  const later = await frameShown(video, decoder)
  expect([early.problem, later.problem]).toEqual([null, null])
  expect(early.frame!).toBeGreaterThanOrEqual(FIRST_FRAME)
  expect(later.frame!).toBeGreaterThan(early.frame! + FPS / 2)
  expect(later.frame!).toBeLessThan(FIRST_FRAME + 3 * FPS)
  const state = await video.evaluate((el: HTMLVideoElement) => {
    el.pause()
    return { time: el.currentTime, readyState: el.readyState, error: el.error ? `${el.error.code} ${el.error.message}` : null, duration: el.duration, width: el.videoWidth }
  })
  expect(state.error).toBeNull()
  expect(state.readyState).toBeGreaterThanOrEqual(2) // HAVE_CURRENT_DATA: a frame is there to show
  expect(Math.abs(state.duration - 3)).toBeLessThanOrEqual(1 / FPS + 1e-6)
  expect(state.width).toBe(320)
  // Paused where playing stopped, it shows the frame recorded at that time. (A paused
  // headless Chromium may keep painting a slightly older frame; the re-seek presents the exact one.)
  await seekTo(video, state.time)
  // (At the very end, time = duration, the last frame stays.)
  expect(await frameShown(video, decoder)).toEqual({ frame: FIRST_FRAME + Math.min(Math.floor(state.time * FPS + 1e-6), 3 * FPS - 1), problem: null })

  // The clip's first frame is the recording's frame at the range start, and 1 s later the frame 1 s later.
  await seekTo(video, 0)
  expect(await frameShown(video, decoder)).toEqual({ frame: FIRST_FRAME, problem: null })
  await seekTo(video, 1 + 0.5 / FPS)
  expect(await frameShown(video, decoder)).toEqual({ frame: FIRST_FRAME + FPS, problem: null })
  // Played to its end: no decode error anywhere in the clip.
  await video.evaluate(
    (el: HTMLVideoElement) =>
      new Promise<void>((done, fail) => {
        el.addEventListener('ended', () => done(), { once: true })
        el.addEventListener('error', () => fail(new Error(`MediaError ${el.error?.code}`)), { once: true })
        el.playbackRate = 4
        void el.play()
      })
  )
  expect(await video.evaluate((el: HTMLVideoElement) => el.error)).toBeNull()

  // The still shows beside the clip, loaded from the bag's data/stills/: the frame saved.
  const still = page.locator('#stills').getByRole('img', { name: 'Still of Dock cam at 2024-05-03T22:14:03.000Z' })
  await expect(still).toBeVisible()
  const size = await still.evaluate((img: HTMLImageElement) => ({ complete: img.complete, w: img.naturalWidth, h: img.naturalHeight }))
  expect(size.complete).toBe(true)
  expect(size.w).toBe(320)
  // 240 rows of picture, then the caption band (camera, times, source hash prefix).
  expect(size.h).toBeGreaterThan(240)
  expect(await frameShown(still, decoder, 240 / size.h)).toEqual({ frame: 3 * FPS, problem: null })

  // The clip the page played is the one the manifest hashes.
  const manifest = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8')
  expect(manifest).toMatch(/^[0-9a-f]{64} {2}data\/clips\/001-Dock_cam\.mp4$/m)
  expect(requests.length).toBeGreaterThan(1)
  expect(requests.filter((u) => !u.startsWith(bagUrl))).toEqual([])
  expect(requests).toContain(pathToFileURL(join(bag, 'data', 'clips', '001-Dock_cam.mp4')).href)
  expect(requests).toContain(pathToFileURL(join(bag, 'data', 'stills', '001-Dock_cam.png')).href)
  expect(problems).toEqual([])
})
