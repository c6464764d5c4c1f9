// A Hikvision SD card in Chromium through the web host: hiv00000.mp4 holds three motion
// recordings back to back (frames numbered 0–99, 100–199, 200–299) that the card's
// index00.bin places minutes apart. The camera's player must show, at an instant inside
// the second and the third recording, the frame recorded then; in a pause, no footage.
// The Cameras view lists the pieces with how each start was found and their byte ranges.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { concatRecordings, makePsRecording, writeHikvisionIndex } from '../helpers/hikvisionCard'
import { frameShown } from './videoPage'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
/** The Okta sample's one event (the timeline needs an event): 22:23:07.777Z, 2.777 s into the second recording. */
const EVENT = '2017-09-30T22:23:07.777Z'
const at = (iso: string): number => Date.parse(iso) * 1000
const STARTS = [at('2017-09-30T22:20:00.000Z'), at('2017-09-30T22:23:05.000Z'), at('2017-09-30T22:40:00.250Z')]
let host: RunningHost
let card: string

test.beforeAll(async () => {
  card = join(mkdtempSync(join(tmpdir(), 'iwb-e2e-card-')), 'DCIM')
  mkdirSync(card, { recursive: true })
  const recs = await Promise.all([0, 100, 200].map((first, i) => makePsRecording(join(card, '..'), `rec${i}.mpg`, { firstFrame: first, frames: 100 })))
  const ranges = concatRecordings(join(card, 'hiv00000.mp4'), recs.map((r) => r.path))
  writeHikvisionIndex(join(card, 'index00.bin'), [
    { fileNo: 0, segments: ranges.map((r, i) => ({ startUs: STARTS[i]!, endUs: STARTS[i]! + 4_000_000, startOffset: r.start, endOffset: r.end })) }
  ])
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    iwb('case', 'create', caseDir, '--name', 'Card test', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'cloud', 'okta_login.json'))
    iwb('import', caseDir, join(card, 'index00.bin'), join(card, 'hiv00000.mp4'), '--camera', 'Porch', '--tz', 'UTC')
    return ['--case', caseDir]
  })
})
test.afterAll(async () => {
  await host.stop()
  rmSync(join(card, '..'), { recursive: true, force: true })
})

test('the player shows the frame recorded at an instant inside each recording; a pause has no footage', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const grid = page.getByRole('region', { name: 'Video' })
  await expect(grid.getByRole('figure', { name: 'Camera Porch' })).toBeVisible()
  const goTo = async (iso: string): Promise<number> => {
    await grid.getByRole('textbox', { name: 'Go to time' }).fill(iso)
    await grid.getByRole('button', { name: 'Go', exact: true }).click()
    return at(iso)
  }
  // 2.777 s into the second recording: frame 100 + 69.
  let us = await goTo(EVENT)
  expect(Math.abs((await frameShown(page, 'Porch', us))! - 169)).toBeLessThanOrEqual(1)
  // 1.000 s into the third (it starts at .250): frame 200 + 25.
  us = await goTo('2017-09-30T22:40:01.250Z')
  expect(Math.abs((await frameShown(page, 'Porch', us))! - 225)).toBeLessThanOrEqual(1)
  // In the pause between the second and third recordings: nothing is shown.
  await goTo('2017-09-30T22:30:00.000Z')
  await expect(grid.getByRole('figure', { name: 'Camera Porch' }).getByRole('note')).toContainText('No footage at this time')
  // Back into the first: 1.5 s in, frame 37 or 38.
  us = await goTo('2017-09-30T22:20:01.500Z')
  expect(Math.abs((await frameShown(page, 'Porch', us))! - 37.5)).toBeLessThanOrEqual(1)
})

test('the Cameras view lists the pieces, how each start was found and their bytes', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Cameras', exact: true }).click()
  const files = page.getByRole('table', { name: 'Video files' })
  for (const slot of [0, 1, 2]) {
    const row = files.getByRole('row', { name: new RegExp(`hiv00000\\.mp4 slot ${slot}\\b`) })
    await expect(row).toContainText(`sidecar: Hikvision index00.bin, hiv00000.mp4 slot ${slot}`)
    await expect(row).toContainText(/bytes \[\d+, \d+\) of evidence #\d+ hiv00000\.mp4/)
  }
  // The whole file: listed, shown as its recordings, nothing to place.
  const whole = files.getByRole('row', { name: /hiv00000\.mp4 Porch/ })
  await expect(whole).toContainText('Shown on the timeline as its 3 recordings')
  await expect(page.getByRole('button', { name: 'Place hiv00000.mp4', exact: true })).toHaveCount(0)
  await expect(page.getByRole('table', { name: 'Cameras', exact: true })).toContainText('2 gaps')
})
