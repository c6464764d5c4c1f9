// End to end in Chromium: import a real syslog export through the dialog (detected format,
// year and zone decisions, preview with raw and resolved time), read the report, find an
// event by free text and see its original bytes and reference; change a source's offset.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startHost, type RunningHost } from './webHostProcess'

const SAMPLES = join(__dirname, '..', '..', '..', 'shared', 'samples')
let host: RunningHost
test.beforeEach(async () => {
  host = await startHost()
})
test.afterEach(async () => {
  await host.stop()
})

async function createCaseWith(page: Page, file: string): Promise<void> {
  await page.goto(host.url)
  const create = page.getByRole('form', { name: 'Create a case' })
  await create.getByLabel('Case folder').fill(join(host.workDir, 'case'))
  await create.getByLabel('Case name').fill('Mail server break-in')
  await create.getByLabel('Case time zone').fill('America/New_York')
  await create.getByRole('button', { name: 'Create case' }).click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files…' }).click()
  await (await chooser).setFiles(file)
  await expect(page.getByRole('region', { name: 'Intake result' })).toContainText('Acquired')
}

test('import a syslog export with explicit year and zone, search it, read the original line', async ({ page }) => {
  const file = join(SAMPLES, 'syslog', 'Linux_2k.log')
  await createCaseWith(page, file)
  await page.getByRole('button', { name: 'Import Linux_2k.log' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import evidence' })
  await expect(dialog.getByLabel('Format')).toContainText(/best guess: .*syslog/i)
  await dialog.getByLabel('Time zone for zone-less times').fill('UTC')
  await dialog.getByLabel('Year for year-less times').fill('2005')
  // First line of the file: "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; …"
  const firstRow = dialog.getByRole('table', { name: 'Preview' }).getByRole('row').nth(1)
  await expect(firstRow).toContainText('Jun 14 15:16:01')
  await expect(firstRow).toContainText('2005-06-14T15:16:01.000Z')

  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  const report = page.getByRole('status', { name: 'Import report for Linux_2k.log' })
  await expect(report).toContainText('Imported 2000 events from Linux_2k.log')
  await expect(report).toContainText('2000 zone-less times read in UTC')
  await expect(report).toContainText('year 2005 given by the examiner')

  await page.getByRole('button', { name: 'Sources' }).click()
  const sources = page.getByRole('table', { name: 'Sources' })
  await expect(sources.getByRole('row', { name: /Linux_2k\.log/ })).toContainText('2000')

  await page.getByRole('button', { name: 'Events', exact: true }).click()
  await page.getByRole('searchbox', { name: 'Search events' }).fill('218.188.2.4')
  const table = page.getByRole('table', { name: 'Events' })
  // The address appears on 14 lines of the file (grep -c).
  await expect(table.getByRole('row')).toHaveCount(15)
  await table.getByRole('row').nth(1).click()
  const detail = page.getByRole('region', { name: 'Event detail' })
  const firstLine = readFileSync(file, 'utf8').split('\n')[0]!
  await expect(detail.getByLabel('Original record')).toHaveText(firstLine)
  await expect(detail.getByLabel('Evidence reference')).toContainText('byte 0 · line 1')
  await expect(detail).toContainText('Jun 14 15:16:01')
  await expect(detail).toContainText('2005-06-14T15:16:01.000Z')

  // The server clock is found to be 43 s fast: set the offset with a reason; times shift.
  await page.getByRole('button', { name: 'Sources' }).click()
  await page.getByRole('button', { name: 'Change time reading of Linux_2k.log' }).click()
  const form = page.getByRole('form', { name: 'Time reading of Linux_2k.log' })
  await form.getByLabel('Clock offset').fill('-43s')
  await form.getByLabel('Reason (recorded in custody)').fill('server clock 43 s fast against NTP, per IT ticket 5521')
  await form.getByRole('button', { name: 'Apply and re-read times' }).click()
  await expect(sources.getByRole('row', { name: /Linux_2k\.log/ })).toContainText('2005-06-14T15:15:18.000Z')
  await page.getByRole('button', { name: 'Evidence' }).click()
  await expect(page.getByRole('table', { name: 'Custody log' })).toContainText('source.time-changed')
})

test('a file of no known format is refused with a reason and nothing is imported', async ({ page }) => {
  await createCaseWith(page, join(SAMPLES, 'video', 'hikvision_sdcard_index_exampleV2.zip'))
  await page.getByRole('button', { name: 'Import hikvision_sdcard_index_exampleV2.zip' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import evidence' })
  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  // The archive is expanded: index00.bin becomes its own evidence item, and is refused as binary.
  await expect(page.getByRole('status', { name: /Import report for index00\.bin/ })).toContainText('looks like binary data')
  await page.getByRole('button', { name: 'Close import dialog' }).click()
  await expect(page.getByRole('table', { name: 'Evidence' })).toContainText('index00.bin')
  await page.getByRole('button', { name: 'Sources' }).click()
  await expect(page.getByRole('table', { name: 'Sources' }).getByRole('row')).toHaveCount(1)
})
