// The timeline in Chromium: lanes from SQL counts, zoom and fit, the brush filtering the
// event list, and the cursor following a clicked event, on a case imported by the CLI.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
let host: RunningHost

test.beforeEach(async () => {
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    iwb('case', 'create', caseDir, '--name', 'Timeline test', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'syslog', 'Linux_2k.log'), '--year', '2005', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'windows', 'kerberos_pwd_spray_4771.evtx'))
    return ['--case', caseDir]
  })
})
test.afterEach(async () => {
  await host.stop()
})

test('zoom, fit, brush and cursor on the timeline', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await expect(timeline.getByRole('list', { name: 'Lanes' })).toContainText('Linux_2k.log')
  await expect(timeline.getByRole('list', { name: 'Lanes' })).toContainText('kerberos_pwd_spray_4771.evtx')
  const visible = timeline.getByLabel('Visible range')
  await expect(visible).toContainText('2012 events')
  const full = await visible.textContent()

  await timeline.getByRole('button', { name: 'Zoom in' }).click()
  await timeline.getByRole('button', { name: 'Zoom in' }).click()
  await expect(visible).not.toHaveText(full!)
  await page.keyboard.press('0')
  await expect(visible).toHaveText(full!)

  // Brush the left part of the axis: Linux_2k.log starts on 14 June 2005.
  const brush = timeline.getByLabel('Select a time range')
  const box = (await brush.boundingBox())!
  await page.mouse.move(box.x + 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.1, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  const list = page.getByRole('region', { name: 'Events in range' })
  await expect(list.getByRole('heading')).toContainText('Events in the selected range')
  const rows = list.getByRole('table', { name: 'Events' }).getByRole('row')
  await expect(rows.nth(1)).toContainText('2005-06-14 15:16:01')

  await rows.nth(3).click()
  const cursor = page.getByRole('status', { name: 'Cursor time' })
  await expect(cursor).toContainText(((await rows.nth(3).getByRole('cell').first().textContent()) ?? '').slice(0, 19))
})
