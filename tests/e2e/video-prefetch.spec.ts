// Prefetch in the camera grid, in Chromium through the web host: paused with the cursor at
// rest, the grid has the remuxed segments a long jump would need made ahead (±30 s, and the
// next file's start), so "Forward 30 seconds" and the first jump into the next file find
// them made — and still land on the exact frame. With the switch off
// (localStorage iwb.videoPrefetch = off) nothing beyond the player's own neighbourhood is made.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { numberedClip } from './videoClips'
import { decodeFrameCode } from '../helpers/frameCode'
import { frameShown } from './videoPage'
import { startHost, type RunningHost } from './webHostProcess'
import { planKeyFor, REMUX_NEIGHBOURS_AFTER, REMUX_SEGMENT_S } from '../../electron/core/media/mediaServer'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
const FRAME_US = 40_000 // 25 fps
/** Two 60 s files back to back on one camera: 60 s from here, then 60 s from START + 60 s. */
const START_US = Date.parse('2019-04-02T08:00:00.000Z') * 1000
let host: RunningHost
let caseDir = ''
const sha: string[] = []

test.beforeAll(async () => {
  host = await startHost([], (workDir, env) => {
    caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    iwb('case', 'create', caseDir, '--name', 'Video prefetch', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'cloud', 'okta_login.json')) // the timeline needs an event
    for (const [i, created] of ['2019-04-02T08:00:00.000000Z', '2019-04-02T08:01:00.000000Z'].entries()) {
      const path = join(workDir, `hall${i}.mp4`)
      numberedClip(path, 60, { extra: ['-metadata', `creation_time=${created}`] })
      sha.push(createHash('sha256').update(readFileSync(path)).digest('hex'))
      iwb('import', caseDir, path, '--camera', 'Hall')
    }
    return ['--case', caseDir]
  })
})
test.afterAll(async () => {
  await host.stop()
})

/** Whether the remuxed segment holding `us` (REMUX_SEGMENT_S segments; keyframes every second) is on disk. */
function segmentMade(us: number): boolean {
  const file = us < START_US + 60_000_000 ? 0 : 1
  const k = Math.floor((us - START_US - file * 60_000_000) / (REMUX_SEGMENT_S * 1_000_000))
  return existsSync(join(caseDir, 'derived', 'hls', sha[file]!, planKeyFor('remux'), `seg${k}.m4s`))
}

async function openGrid(page: Page, prefetch: boolean) {
  await page.addInitScript(`localStorage.setItem('iwb.videoPrefetch', '${prefetch ? 'on' : 'off'}')`)
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const grid = page.getByRole('region', { name: 'Video' })
  await expect(grid.getByRole('figure', { name: 'Camera Hall' })).toBeVisible()
  const go = async (us: number): Promise<void> => {
    await grid.getByRole('textbox', { name: 'Go to time' }).fill(new Date(us / 1000).toISOString())
    await grid.getByRole('button', { name: 'Go', exact: true }).click()
  }
  return { grid, go }
}

test('off: only the jumped-to segment and its neighbours are made', async ({ page }) => {
  const { go } = await openGrid(page, false)
  const us = START_US + 3_000_000 // file 0, segment 0 (the next test's instants are 20 s and more on)
  await go(us)
  expect(await frameShown(page, 'Hall', us)).toBe(75)
  await page.waitForTimeout(2000)
  // The segment and a run's neighbourhood (those before it down to the file's start, and
  // after it — this run's, or the one that loaded the file's start out of sight when the grid
  // opened with no footage at the cursor), nothing further on, 30 s on or in the next file.
  const k = Math.floor(3 / REMUX_SEGMENT_S)
  const neighbourhood = Array.from({ length: k + REMUX_NEIGHBOURS_AFTER }, (_, i) => START_US + i * REMUX_SEGMENT_S * 1_000_000)
  expect(neighbourhood.map(segmentMade)).toEqual(neighbourhood.map(() => true))
  const past = START_US + (k + 1 + REMUX_NEIGHBOURS_AFTER) * REMUX_SEGMENT_S * 1_000_000
  expect([segmentMade(past), segmentMade(us + 30_000_000), segmentMade(START_US + 60_000_000)]).toEqual([false, false, false])
})

test('on: at rest, ±30 s and the next file are made ahead; the jumps there land on the exact frame', async ({ page }) => {
  // hls.js reads each playlist from the text video.playlist returned: no round trip for it.
  const playlistFetches: string[] = []
  page.on('request', (r) => {
    if (r.url().includes('index.m3u8')) playlistFetches.push(r.url())
  })
  const { grid, go } = await openGrid(page, true)
  const us = START_US + 50_120_000 // file 0, frame 1253; +30 s is in file 1
  expect(segmentMade(us + 30_000_000)).toBe(false)
  expect(segmentMade(us - 30_000_000)).toBe(false)
  await go(us)
  expect(await frameShown(page, 'Hall', us)).toBe(1253)
  await expect.poll(() => segmentMade(us + 30_000_000) && segmentMade(us - 30_000_000) && segmentMade(START_US + 60_000_000), { timeout: 15_000 }).toBe(true)

  const mediaSourceUrl = (): Promise<string> => page.locator('video[aria-label="Video of Hall"]').evaluate((v: HTMLVideoElement) => v.src)
  const firstFileSource = await mediaSourceUrl()
  await grid.getByRole('button', { name: 'Forward 30 seconds' }).click()
  expect(await frameShown(page, 'Hall', us + 30_000_000)).toBe((50_120_000 + 30_000_000 - 60_000_000) / FRAME_US) // frame 503 of file 1
  // Into the camera's next file the player keeps its MediaSource (emptied, then handed on), so
  // Chromium does not set up a new one and a new decoder for the jump.
  expect(firstFileSource).toMatch(/^blob:/)
  expect(await mediaSourceUrl()).toBe(firstFileSource)
  await grid.getByRole('button', { name: 'Back 30 seconds' }).click()
  await grid.getByRole('button', { name: 'Back 30 seconds' }).click()
  expect(await frameShown(page, 'Hall', us - 30_000_000)).toBe(1253 - 750)
  expect(playlistFetches).toEqual([])
})

test('out of a gap, a camera is shown only once it holds the frame at the cursor, not the frame it held out of sight', async ({ page }) => {
  // The grid opens with the cursor before all footage: "no footage", and file 0's start loaded out of sight.
  const { go } = await openGrid(page, false)
  const video = page.locator('video[aria-label="Video of Hall"]')
  await expect(video).toBeHidden()
  await expect(video).toHaveAttribute('data-file-id', /\d+/)
  // The frame the video holds at each moment it is shown, read then (before it is painted).
  await video.evaluate((el: HTMLVideoElement) => {
    const shown: { w: number; h: number; data: number[] }[] = ((window as unknown as { __shown: unknown[] }).__shown = [] as { w: number; h: number; data: number[] }[])
    new MutationObserver(() => {
      if (el.hidden) return
      const canvas = document.createElement('canvas')
      canvas.width = el.videoWidth
      canvas.height = el.videoHeight
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(el, 0, 0)
      shown.push({ w: canvas.width, h: canvas.height, data: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data) })
    }).observe(el, { attributes: true, attributeFilter: ['hidden'] })
  })
  const us = START_US + 40_000_000 // file 0, frame 1000
  await go(us)
  expect(await frameShown(page, 'Hall', us)).toBe(1000)
  await expect(video).toBeVisible()
  const shown = await page.evaluate(() => (window as unknown as { __shown: { w: number; h: number; data: number[] }[] }).__shown)
  expect(shown.map((p) => decodeFrameCode(p.data, p.w, p.h).frame)).toEqual([1000])
})

test('a paused jump asks for its segment as the cursor moves, and hls.js plays those very bytes: one request each, none of its own', async ({ page }) => {
  // The early request needs the file's playlist info, which the grid fetches for the files
  // near the cursor once it rests: a user reads the screen first; the test waits for both.
  let playlists = 0
  page.on('response', (r) => {
    if (r.url().includes('/api/video.playlist') && r.ok()) playlists++
  })
  const { grid, go } = await openGrid(page, false)
  await expect.poll(() => playlists, { timeout: 15_000 }).toBe(2)
  const asked: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'GET' && r.url().includes(`/media/hls/${sha[1]}/`)) asked.push(`${r.resourceType()} ${r.url().replace(/^.*\/media\/hls\/(.{8})[^/]*\/[^/]+\//, '$1/')}`)
  })
  // Into file 1 (another file: its init too), frame 503.
  const us = START_US + 60_000_000 + 20_120_000
  await go(us)
  expect(await frameShown(page, 'Hall', us)).toBe(503)
  const k = Math.floor(20.12 / REMUX_SEGMENT_S)
  // Asked by the page's fetch() (hls.js's own loader uses XMLHttpRequest), each once.
  expect(asked.sort()).toEqual([`fetch ${sha[1]!.slice(0, 8)}/init.mp4`, `fetch ${sha[1]!.slice(0, 8)}/seg${k}.m4s`])
  // A frame step inside what is buffered asks for nothing.
  await grid.getByRole('button', { name: 'Next frame' }).click()
  expect(await frameShown(page, 'Hall', us + FRAME_US)).toBe(504)
  expect(asked).toHaveLength(2)
})
