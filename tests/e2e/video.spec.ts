// Footage in Chromium through the web host: an H.264 clip (remuxed) and an HEVC clip
// (transcoded, camera clock offset −2 s) whose frames carry their own frame numbers. The
// cursor is set to an instant and each <video> must show the frame recorded then (±1),
// read back by drawing it to a canvas and decoding the frame number; Play moves the cursor.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, request, test } from '@playwright/test'
import { FFMPEG, numberedClip } from './videoClips'
import { frameShown } from './videoPage'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
/** The Okta sample's one event: the timeline needs an event to show. */
const EVENT = '2017-09-30T22:23:07.777Z'
let host: RunningHost

test.beforeAll(async () => {
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    const lobby = join(workDir, 'lobby.mp4')
    const door = join(workDir, 'door.ts')
    // H.264 with B-frames (libx264 default): first frame 22:23:06.000 by creation_time.
    numberedClip(lobby, 4, { extra: ['-metadata', 'creation_time=2017-09-30T22:23:06.000000Z'] })
    // HEVC in MPEG-TS: no metadata; its clock reads 22:23:07 at the first frame but runs 2 s fast.
    numberedClip(door, 4, { codec: 'hevc', extra: ['-f', 'mpegts'] })
    // A clip with no time anywhere: unplaced until placed in the Cameras view.
    const yard = join(workDir, 'yard.ts')
    execFileSync(FFMPEG, ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=1', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mpegts', yard], { stdio: 'ignore' })
    iwb('case', 'create', caseDir, '--name', 'Video test', '--tz', 'UTC')
    iwb('import', caseDir, yard, '--camera', 'Yard')
    iwb('import', caseDir, join(SAMPLES, 'cloud', 'okta_login.json'))
    iwb('import', caseDir, lobby, '--camera', 'Lobby')
    iwb('import', caseDir, door, '--camera', 'Door', '--start', '2017-09-30T22:23:07Z', '--offset=-2s')
    return ['--case', caseDir]
  })
})
test.afterAll(async () => {
  await host.stop()
})

/** The UTC ISO instant in the "Cursor time" readout, as ms since the epoch. */
function isoOf(readout: string): number {
  const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/.exec(readout)?.[0]
  if (!iso) throw new Error(`no UTC time in the cursor readout: ${readout}`)
  return Date.parse(iso)
}


test('cameras show the frame recorded at the cursor instant, and play moves the cursor', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const grid = page.getByRole('region', { name: 'Video' })
  await expect(grid.getByRole('figure', { name: 'Camera Lobby' })).toBeVisible()
  await expect(grid.getByRole('figure', { name: 'Camera Door' })).toBeVisible()

  // The grid has no readout of its own: the timeline's "Cursor time" is the one readout.
  const cursorTime = page.getByRole('status', { name: 'Cursor time' })
  await expect(grid.getByRole('status', { name: 'Camera cursor time' })).toHaveCount(0)
  const goTo = async (iso: string): Promise<number> => {
    await grid.getByRole('textbox', { name: 'Go to time' }).fill(iso)
    await grid.getByRole('button', { name: 'Go', exact: true }).click()
    return Date.parse(iso) * 1000 + Number(/\.(\d{3})(\d{0,3})Z$/.exec(iso)?.[2]?.padEnd(3, '0') ?? 0)
  }

  // 1.777 s into Lobby (frame 44 at 25 fps); Door's corrected start is 22:23:05, so 2.777 s (frame 69).
  let us = await goTo(EVENT)
  expect(Math.abs((await frameShown(page, 'Lobby', us))! - 44)).toBeLessThanOrEqual(1)
  expect(Math.abs((await frameShown(page, 'Door', us))! - 69)).toBeLessThanOrEqual(1)

  // A later instant: 3.130 s into Lobby (frame 78).
  us = await goTo('2017-09-30T22:23:09.130Z')
  expect(Math.abs((await frameShown(page, 'Lobby', us))! - 78)).toBeLessThanOrEqual(1)
  // Door's corrected footage ends at 22:23:09.000 (offset applied): nothing to show.
  await expect(grid.getByRole('figure', { name: 'Camera Door' }).getByRole('note')).toContainText('No footage at this time')

  // Drag the scrubber: seeks are throttled while it moves; once it stops, the frame shown is the cursor's.
  const scrub = grid.getByRole('slider', { name: 'Scrub footage' })
  const box = (await scrub.boundingBox())!
  await page.mouse.move(box.x + 4, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 25 })
  await page.mouse.up()
  const readoutText = (await cursorTime.textContent()) ?? ''
  const dragged = isoOf(readoutText) * 1000
  const lobbyStart = Date.parse('2017-09-30T22:23:06.000Z') * 1000
  if (dragged >= lobbyStart && dragged < lobbyStart + 4_000_000) {
    const expected = Math.floor((dragged - lobbyStart) / 40_000)
    expect(Math.abs((await frameShown(page, 'Lobby', dragged))! - expected)).toBeLessThanOrEqual(1)
  } else throw new Error(`the drag ended outside Lobby's footage: ${readoutText}`)

  // Play: the timeline's cursor readout (the one readout on the screen) advances.
  await goTo('2017-09-30T22:23:06.500Z')
  const readout = cursorTime
  await expect(readout).toContainText('2017-09-30T22:23:06.500Z')
  const before = await readout.textContent()
  await grid.getByRole('button', { name: 'Play' }).click()
  await expect(readout).not.toHaveText(before!, { timeout: 10_000 })
  await page.waitForTimeout(700)
  const later = (await readout.textContent()) ?? ''
  expect(isoOf(later)).toBeGreaterThan(Date.parse('2017-09-30T22:23:06.700Z'))
  await grid.getByRole('button', { name: 'Pause' }).click()

  // A still of what Lobby shows, written to derived/ with custody.
  await goTo(EVENT)
  await grid.getByRole('button', { name: 'Save still of Lobby' }).click()
  await expect(grid.getByRole('figure', { name: 'Camera Lobby' }).getByRole('status')).toContainText('Still saved: derived/stills/')
})

test('Cameras view lists cameras, offsets and how each start was found', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Cameras', exact: true }).click()
  const table = page.getByRole('table', { name: 'Cameras', exact: true })
  await expect(table).toContainText('Lobby')
  await expect(table.getByRole('row', { name: /Door/ })).toContainText('−2 s')
  const files = page.getByRole('table', { name: 'Video files' })
  await expect(files).toContainText('creation-time')
  await expect(files).toContainText('manual')

  // The unplaced clip is placed by hand.
  await expect(files.getByRole('row', { name: /yard\.ts/ })).toContainText('unplaced')
  await files.getByRole('button', { name: 'Place yard.ts' }).click()
  const form = page.getByRole('form', { name: 'Place yard.ts' })
  await form.getByLabel('Start (ISO 8601)').fill('2017-09-30T22:23:00Z')
  await form.getByLabel('Reason').fill('read off the overlay')
  await form.getByRole('button', { name: 'Place file' }).click()
  await expect(files.getByRole('row', { name: /yard\.ts/ })).toContainText('2017-09-30T22:23:00.000Z')

  // Calibration: the Okta event (22:23:07.777) is seen 2.777 s into Lobby (22:23:08.777 by its clock): camera 1 s fast, offset −1 s.
  const cal = page.getByRole('region', { name: 'Calibration' })
  const lobbyOption = (await cal.getByRole('combobox', { name: 'Video file' }).locator('option', { hasText: 'lobby.mp4' }).textContent())!
  await cal.getByRole('combobox', { name: 'Video file' }).selectOption({ label: lobbyOption })
  await cal.getByLabel('Seen at (seconds into the file)').fill('2.777')
  await cal.getByLabel('or reference time (UTC)').fill(EVENT)
  await cal.getByRole('button', { name: 'Calibrate' }).click()
  await expect(cal.getByRole('status')).toContainText('camera clock 1 s fast')
  await expect(table.getByRole('row', { name: /Lobby/ })).toContainText('−1 s')

  // /media/ sits behind the same gate as /api: the page's session reads it, nobody else.
  const playlist = await page.evaluate(async () => {
    const post = async (method: string, params: unknown): Promise<unknown> =>
      ((await (await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) })).json()) as { result: unknown }).result
    const cams = (await post('cameras.list', {})) as { name: string; files: { id: number }[] }[]
    const lobby = cams.find((c) => c.name === 'Lobby')!.files[0]!.id
    return ((await post('video.playlist', { fileId: lobby })) as { url: string }).url
  })
  expect((await page.request.get(host.origin + playlist)).status()).toBe(200)
  const seg = await page.request.get(host.origin + playlist.replace('index.m3u8', 'seg0.m4s'), { headers: { range: 'bytes=0-9' } })
  expect([seg.status(), seg.headers()['content-range']]).toEqual([206, expect.stringMatching(/^bytes 0-9\//)])
  const anonymous = await request.newContext()
  expect((await anonymous.get(host.origin + playlist)).status()).toBe(401)
  await anonymous.dispose()
  expect((await page.request.get(`${host.origin}/media/hls/..%2F..%2Fcase.db`)).status()).toBe(404)
})
