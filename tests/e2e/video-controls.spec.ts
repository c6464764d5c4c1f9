// The camera grid's transport in Chromium through the web host: the "Playback rate" menu
// (the cursor runs about 4× / 0.25× as fast as the wall clock, and once paused every camera
// shows the frame recorded at the cursor instant), the shuttle keys showing their rate in
// the same menu, and jumps of 30 s (buttons and Ctrl+Shift+arrows) landing on the exact
// frame, or on "No footage at this time" where a camera has none. The clips carry their
// own frame numbers (tests/helpers/frameCode.ts), read back from the <video> via a canvas.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { numberedClip } from './videoClips'
import { frameShown } from './videoPage'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
const FRAME_US = 40_000 // 25 fps
/** Both clips start here (creation_time); Lobby runs 60 s, Door 20 s. */
const START_US = Date.parse('2017-09-30T22:23:06.000Z') * 1000
let host: RunningHost

test.beforeAll(async () => {
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    const lobby = join(workDir, 'lobby.mp4')
    const door = join(workDir, 'door.mp4')
    const created = ['-metadata', 'creation_time=2017-09-30T22:23:06.000000Z']
    numberedClip(lobby, 60, { extra: created })
    numberedClip(door, 20, { extra: created })
    iwb('case', 'create', caseDir, '--name', 'Video controls', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'cloud', 'okta_login.json')) // the timeline needs an event
    iwb('import', caseDir, lobby, '--camera', 'Lobby')
    iwb('import', caseDir, door, '--camera', 'Door')
    return ['--case', caseDir]
  })
})
test.afterAll(async () => {
  await host.stop()
})

/** The UTC instant in a "Cursor time" readout, in µs since the epoch (all its digits). */
function usOf(readout: string): number {
  const m = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z/.exec(readout)
  if (!m) throw new Error(`no UTC time in the cursor readout: ${readout}`)
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(6, '0').slice(0, 6))
}


const expectedFrame = (us: number): number => Math.floor((us - START_US) / FRAME_US)

async function openGrid(page: Page) {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const grid = page.getByRole('region', { name: 'Video' })
  await expect(grid.getByRole('figure', { name: 'Camera Lobby' })).toBeVisible()
  await expect(grid.getByRole('figure', { name: 'Camera Door' })).toBeVisible()
  const cursorTime = page.getByRole('status', { name: 'Cursor time' })
  const goTo = async (iso: string): Promise<number> => {
    await grid.getByRole('textbox', { name: 'Go to time' }).fill(iso)
    await grid.getByRole('button', { name: 'Go', exact: true }).click()
    await expect(cursorTime).toContainText(iso.replace('Z', ''))
    return usOf((await cursorTime.textContent()) ?? '')
  }
  return { grid, cursorTime, goTo }
}

/**
 * Plays at the rate chosen in the menu and returns cursor seconds per wall-clock second,
 * measured inside the page over `ms` once the cursor has started moving; then pauses.
 */
async function measureRate(page: Page, rate: string, ms: number): Promise<number> {
  const grid = page.getByRole('region', { name: 'Video' })
  const cursorTime = page.getByRole('status', { name: 'Cursor time' })
  await grid.getByRole('combobox', { name: 'Playback rate' }).selectOption(rate)
  const before = await cursorTime.textContent()
  await grid.getByRole('button', { name: 'Play', exact: true }).click()
  await expect(cursorTime).not.toHaveText(before!, { timeout: 20_000 })
  const sample = await page.evaluate(async (waitMs) => {
    const el = document.querySelector('[aria-label="Cursor time"]')!
    const t0 = performance.now()
    const a = el.textContent ?? ''
    await new Promise((r) => setTimeout(r, waitMs))
    return { a, b: el.textContent ?? '', ms: performance.now() - t0 }
  }, ms)
  await grid.getByRole('button', { name: 'Pause', exact: true }).click()
  return (usOf(sample.b) - usOf(sample.a)) / 1000 / sample.ms
}

/** After a pause, both cameras show the frame recorded at the cursor instant (±1 frame). */
async function expectFramesAtCursor(page: Page, cameras: string[]): Promise<void> {
  const cursorTime = page.getByRole('status', { name: 'Cursor time' })
  await expect(cursorTime).not.toContainText('playing')
  const us = usOf((await cursorTime.textContent()) ?? '')
  for (const camera of cameras) {
    const frame = await frameShown(page, camera, us)
    expect(frame, `${camera} at ${new Date(us / 1000).toISOString()}`).not.toBeNull()
    expect(Math.abs(frame! - expectedFrame(us))).toBeLessThanOrEqual(1)
  }
}

test('the playback rate menu: 4×, 0.25× and 16× move the cursor that fast, and the cameras stay on it', async ({ page }) => {
  test.setTimeout(240_000) // four timed plays, each waiting for footage on a loaded machine
  const { grid, goTo } = await openGrid(page)
  const menu = grid.getByRole('combobox', { name: 'Playback rate' })
  await expect(menu).toHaveValue('1')
  await expect(menu.getByRole('option')).toHaveText(['0.25×', '0.5×', '1×', '2×', '4×', '8×', '16×'])

  await goTo('2017-09-30T22:23:07.000Z')
  const fast = await measureRate(page, '4', 2500)
  test.info().annotations.push({ type: 'rate 4×', description: fast.toFixed(2) })
  expect(fast).toBeGreaterThan(2.5)
  expect(fast).toBeLessThan(5.5)
  await expectFramesAtCursor(page, ['Lobby', 'Door'])

  await goTo('2017-09-30T22:23:08.000Z')
  const slow = await measureRate(page, '0.25', 3000)
  test.info().annotations.push({ type: 'rate 0.25×', description: slow.toFixed(3) })
  expect(slow).toBeGreaterThan(0.12)
  expect(slow).toBeLessThan(0.4)
  await expectFramesAtCursor(page, ['Lobby', 'Door'])

  // 16×: more than a <video> reliably plays; the clock keeps the rate, Lobby follows, and
  // Door (its 20 s end at 22:23:26) runs out of footage on the way.
  await goTo('2017-09-30T22:23:10.000Z')
  const fastest = await measureRate(page, '16', 1500)
  test.info().annotations.push({ type: 'rate 16×', description: fastest.toFixed(2) })
  expect(fastest).toBeGreaterThan(10)
  expect(fastest).toBeLessThan(22)
  await expectFramesAtCursor(page, ['Lobby'])
  await expect(grid.getByRole('figure', { name: 'Camera Door' }).getByRole('note')).toContainText('No footage at this time')

  // From 4× (clock) down to 1× (the lead camera drives) while playing: the cursor never goes back.
  await goTo('2017-09-30T22:23:07.000Z')
  await menu.selectOption('4')
  await grid.getByRole('button', { name: 'Play', exact: true }).click()
  await page.waitForTimeout(1000)
  // Sampled in the page every animation frame from before the change to 1.5 s after it.
  const sampling = page.evaluate(async () => {
    const el = document.querySelector('[aria-label="Cursor time"]')!
    const out: string[] = []
    const t0 = performance.now()
    while (performance.now() - t0 < 2000) {
      out.push(el.textContent ?? '')
      await new Promise((r) => requestAnimationFrame(r))
    }
    return out
  })
  await page.waitForTimeout(300)
  await menu.selectOption('1')
  const readings = await sampling
  await grid.getByRole('button', { name: 'Pause', exact: true }).click()
  const times = readings.map(usOf)
  for (let i = 1; i < times.length; i++) expect(times[i]!).toBeGreaterThanOrEqual(times[i - 1]!)
  expect(times.at(-1)!).toBeGreaterThan(times[0]!)
  await expectFramesAtCursor(page, ['Lobby', 'Door'])

  // The shuttle shows its rate in the same menu: L, L = 2× forward; K stops.
  await grid.getByRole('button', { name: 'Go', exact: true }).focus()
  await page.keyboard.press('l')
  await page.keyboard.press('l')
  await expect(menu).toHaveValue('2')
  await expect(page.getByRole('status', { name: 'Cursor time' })).toContainText('playing 2×')
  await page.keyboard.press('k')
  await expect(page.getByRole('status', { name: 'Cursor time' })).not.toContainText('playing')
  await expect(menu).toHaveValue('2')
})

test('30-second jumps land on the exact frame, or on "No footage at this time"', async ({ page }) => {
  const { grid, cursorTime, goTo } = await openGrid(page)
  const door = grid.getByRole('figure', { name: 'Camera Door' })
  const us = await goTo('2017-09-30T22:23:08.130Z') // frame 53 in both clips
  expect(await frameShown(page, 'Lobby', us)).toBe(53)
  expect(await frameShown(page, 'Door', us)).toBe(53)

  await grid.getByRole('button', { name: 'Forward 30 seconds' }).click()
  await expect(cursorTime).toContainText('2017-09-30T22:23:38.130')
  expect(usOf((await cursorTime.textContent()) ?? '')).toBe(us + 30_000_000)
  expect(await frameShown(page, 'Lobby', us + 30_000_000)).toBe(53 + 750)
  // Door's 20 s ended at 22:23:26.
  await expect(door.getByRole('note')).toContainText('No footage at this time')

  await grid.getByRole('button', { name: 'Back 30 seconds' }).click()
  await expect(cursorTime).toContainText('2017-09-30T22:23:08.130')
  expect(await frameShown(page, 'Lobby', us)).toBe(53)
  expect(await frameShown(page, 'Door', us)).toBe(53)
  // Back where it was before the gap: shown (no seek was needed to land there).
  await expect(page.locator('video[aria-label="Video of Door"]')).toBeVisible()
  await expect(door.getByRole('note')).toHaveCount(0)

  // The keys: Ctrl+Shift+→ is +30 s, Shift+← is −5 s (focus off any field).
  await grid.getByRole('button', { name: 'Back 30 seconds' }).focus()
  await page.keyboard.press('Control+Shift+ArrowRight')
  await expect(cursorTime).toContainText('2017-09-30T22:23:38.130')
  await page.keyboard.press('Shift+ArrowLeft')
  await expect(cursorTime).toContainText('2017-09-30T22:23:33.130')
  expect(await frameShown(page, 'Lobby', us + 25_000_000)).toBe(53 + 625)
  await grid.getByRole('button', { name: 'Forward 5 seconds' }).click()
  await expect(cursorTime).toContainText('2017-09-30T22:23:38.130')

  // The shortcuts dialog documents the 30-second keys.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toContainText('30 seconds back / forward')
})
