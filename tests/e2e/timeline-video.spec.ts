// The timeline and the cameras on one cursor: a Lenel OnGuard badge export whose door is
// named like a camera, and a frame-numbered H.264 clip of that camera placed so the badge
// event falls inside it. Picking the event in the timeline's event list puts "Cursor time"
// on the event and the door's (suggested) camera on the frame recorded at that instant;
// the pre-roll lands earlier; Play (space) advances "Cursor time".
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { frameCodeFilters } from '../helpers/frameCode'
import { frameShown } from './videoPage'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const FFMPEG = process.env.IWB_TEST_FFMPEG ?? '/usr/bin/ffmpeg'
/** The clip's first frame (creation_time): 25 fps, 6 s. */
const CLIP_START = '2024-03-05T14:29:58.000Z'
/** The badge event at the door: 3.48 s into the clip, frame 87. */
const BADGE = '2024-03-05T14:30:01.480Z'
let host: RunningHost

test.beforeAll(async () => {
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    const badges = join(workDir, 'onguard_export.csv')
    writeFileSync(
      badges,
      [
        'EVENT_TIME_UTC,EVDESCR,CARDNUM,EMPID,FIRSTNAME,LASTNAME,READERDESC,PANELNAME,DEVID,SERIALNUM,SEQ,BADGEKEY',
        '2024-03-05 14:29:00,Access Granted,40211,E1001,John,Smith,Server Room,PANEL-02,7,9001,1,501',
        '2024-03-05 14:30:01.48,Access Granted,40212,E1002,Maria,Lopez,Lobby Entrance,PANEL-01,3,9002,2,502',
        '2024-03-05 14:31:00,Access Denied - Expired Badge,40213,E1003,Wei,Chen,Server Room,PANEL-02,7,9003,3,503',
        ''
      ].join('\r\n')
    )
    const lobby = join(workDir, 'lobby_entrance.mp4')
    const src = `color=c=0x808080:s=320x240:r=25:d=6,format=yuv420p,${frameCodeFilters(320, 240)}`
    execFileSync(
      FFMPEG,
      ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', src, '-c:v', 'libx264', '-preset', 'veryfast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', '-metadata', `creation_time=${CLIP_START}`, lobby],
      { stdio: 'ignore' }
    )
    // Another camera with footage over the same minute, not associated with the door.
    const parking = join(workDir, 'parking.mp4')
    execFileSync(
      FFMPEG,
      ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-metadata', `creation_time=${CLIP_START}`, parking],
      { stdio: 'ignore' }
    )
    iwb('case', 'create', caseDir, '--name', 'Badge and camera', '--tz', 'UTC')
    iwb('import', caseDir, badges)
    iwb('import', caseDir, lobby, '--camera', 'Lobby Entrance')
    iwb('import', caseDir, parking, '--camera', 'Parking')
    return ['--case', caseDir]
  })
})
test.afterAll(async () => {
  await host.stop()
})

const usOf = (iso: string): number => Date.parse(iso) * 1000

/** The UTC ISO instant in the "Cursor time" readout, as µs since the epoch. */
function usInReadout(readout: string): number {
  const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/.exec(readout)?.[0]
  if (!iso) throw new Error(`no UTC time in the cursor readout: ${readout}`)
  const frac = /\.(\d+)Z$/.exec(iso)?.[1] ?? ''
  return Math.floor(Date.parse(iso) / 1000) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6))
}


test('picking a badge event shows its door camera at that instant; pre-roll; space plays', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const cursorTime = page.getByRole('status', { name: 'Cursor time' })
  const grid = page.getByRole('region', { name: 'Video' })
  // Both cameras are shown at first, and each has a camera lane on the timeline.
  await expect(grid.getByRole('figure', { name: 'Camera Lobby Entrance' })).toBeVisible()
  await expect(grid.getByRole('figure', { name: 'Camera Parking' })).toBeVisible()
  await expect(page.getByRole('list', { name: 'Camera lanes' })).toContainText('Lobby Entrance')
  await expect(page.getByRole('list', { name: 'Camera lanes' })).toContainText('Parking')
  // The cursor starts on the first event (14:29:00), not on the badge event.
  await expect(cursorTime).toContainText('2024-03-05T14:29:00')

  const events = page.getByRole('region', { name: 'Events in range' })
  const row = events.getByRole('row', { name: /Lobby Entrance/ })
  await row.click()
  await expect(cursorTime).toContainText(BADGE)
  expect(usInReadout((await cursorTime.textContent()) ?? '')).toBe(usOf(BADGE))
  // Only the door's camera (suggested by its name) is shown, on the frame recorded then.
  await expect(grid.getByRole('status', { name: "Cameras for the event's door" })).toContainText('Lobby Entrance: Lobby Entrance (suggested)')
  await expect(grid.getByRole('figure', { name: 'Camera Parking' })).toHaveCount(0)
  expect(Math.abs((await frameShown(page, 'Lobby Entrance', usOf(BADGE)))! - 87)).toBeLessThanOrEqual(1)

  // Pre-roll: picking the event again lands 2 s before it (frame 37); "Back by pre-roll" moves 2 s more.
  await events.getByRole('spinbutton', { name: 'Pre-roll seconds' }).fill('2')
  await row.click()
  const early = usOf(BADGE) - 2_000_000
  await expect(cursorTime).toContainText('2024-03-05T14:29:59.480Z')
  expect(Math.abs((await frameShown(page, 'Lobby Entrance', early))! - 37)).toBeLessThanOrEqual(1)
  await events.getByRole('button', { name: 'Back by pre-roll' }).click()
  await expect(cursorTime).toContainText('2024-03-05T14:29:57.480Z')

  // Back on the event, then Play with the space bar: "Cursor time" advances.
  await events.getByRole('spinbutton', { name: 'Pre-roll seconds' }).fill('0')
  await row.click()
  await expect(cursorTime).toContainText(BADGE)
  await page.keyboard.press(' ')
  await expect(cursorTime).toContainText('playing', { timeout: 5_000 })
  await expect.poll(async () => usInReadout((await cursorTime.textContent()) ?? ''), { timeout: 10_000 }).toBeGreaterThan(usOf(BADGE) + 300_000)
  await page.keyboard.press(' ')
  await expect(cursorTime).not.toContainText('playing')

  // Picking the event in the Events view moves the same cursor: the timeline opens on it, door camera on its frame.
  await page.getByRole('button', { name: 'Events', exact: true }).click()
  await page.getByRole('row', { name: /Lobby Entrance/ }).click()
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  await expect(cursorTime).toContainText(BADGE)
  await expect(grid.getByRole('figure', { name: 'Camera Parking' })).toHaveCount(0)
  expect(Math.abs((await frameShown(page, 'Lobby Entrance', usOf(BADGE)))! - 87)).toBeLessThanOrEqual(1)
})

test('the Evidence view imports footage as video, not as a log', async ({ page }) => {
  const clip = join(host.workDir, 'hall_cam.mp4')
  execFileSync(
    FFMPEG,
    ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=160x120:r=25:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-metadata', 'creation_time=2024-03-05T14:30:30.000Z', clip],
    { stdio: 'ignore' }
  )
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Evidence', exact: true }).click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files…' }).click()
  await (await chooser).setFiles(clip)
  await page.getByRole('button', { name: 'Import hall_cam.mp4' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import evidence' })
  await expect(dialog.getByRole('status', { name: 'Preview status' })).toContainText('is video footage')
  await expect(dialog.getByRole('button', { name: 'Import', exact: true })).toHaveCount(0)
  await dialog.getByRole('textbox', { name: 'Camera name' }).fill('Hall')
  await dialog.getByRole('button', { name: 'Import as video' }).click()
  await expect(dialog.getByRole('status', { name: 'Video import result' })).toContainText('hall_cam.mp4: imported')
  await page.getByRole('button', { name: 'Cameras', exact: true }).click()
  await expect(page.getByRole('table', { name: 'Cameras', exact: true })).toContainText('Hall')
})
