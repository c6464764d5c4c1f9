// End to end in Chromium: an access-control export from a vendor no importer knows is
// uploaded, detection gives up, the investigator maps its columns in the dialog (time
// column, format and zone, cardholder, card, door, action and what its values mean),
// the preview shows the right UTC times, the mapping is saved as a profile and offered
// in the Format select, and the import puts the events in the Events view.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { startHost, type RunningHost } from './webHostProcess'

let host: RunningHost
test.beforeEach(async () => {
  host = await startHost()
})
test.afterEach(async () => {
  await host.stop()
})

// ';'-separated, day-first dotted dates in the site's local time, German outcome words.
const CSV = [
  'Zeitpunkt;Inhaber;Chip;Tuer;Ergebnis;Bemerkung',
  '05.03.2024 09:15:00;Meyer, Anna;0041;Haupteingang;Zutritt;',
  '05.03.2024 09:16:30;Bauer, Tom;0042;Serverraum;Abgewiesen;PIN falsch',
  '15.07.2024 18:02:00;Meyer, Anna;0041;Serverraum;Zutritt;',
  'kaputt;;;;;',
  '31.10.2024 23:59:59;Kaya, Elif;0043;Lager;Zutritt;',
  ''
].join('\r\n')

test('map the columns of an unknown badge export, preview, save the profile, import', async ({ page }) => {
  const file = join(host.workDir, 'zutritt_export.csv')
  writeFileSync(file, CSV)

  await page.goto(host.url)
  const create = page.getByRole('form', { name: 'Create a case' })
  await create.getByLabel('Case folder').fill(join(host.workDir, 'case'))
  await create.getByLabel('Case name').fill('Server room access')
  await create.getByLabel('Case time zone').fill('America/New_York')
  await create.getByRole('button', { name: 'Create case' }).click()
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files…' }).click()
  await (await chooser).setFiles(file)
  await expect(page.getByRole('region', { name: 'Intake result' })).toContainText('Acquired')

  await page.getByRole('button', { name: 'Import zutritt_export.csv' }).click()
  const dialog = page.getByRole('dialog', { name: 'Import evidence' })
  await expect(dialog.getByRole('status', { name: 'Preview status' })).toContainText('not recognised')
  await expect(dialog.getByRole('button', { name: 'Import', exact: true })).toBeDisabled()
  await dialog.getByRole('button', { name: 'Map columns…' }).click()

  const form = dialog.getByRole('form', { name: 'Column mapping' })
  await expect(form).toContainText('Read as CSV (delimiter ";"), 6 columns')
  await form.getByLabel('Event category').selectOption('access')
  await form.getByLabel('Time column').selectOption('Zeitpunkt')
  await expect(form.getByLabel('Time samples')).toContainText('05.03.2024 09:15:00')
  await form.getByLabel('Time format').fill('dd.MM.yyyy HH:mm:ss')
  await expect(form.getByLabel('Time zone of the times')).toHaveValue('local')
  await form.getByLabel('Actor (person or user name)').selectOption('Inhaber')
  await form.getByLabel('Card number').selectOption('Chip')
  await form.getByLabel('Door', { exact: true }).selectOption('Tuer')
  await form.getByLabel('Action / event type').selectOption('Ergebnis')
  await form.getByLabel('Reason (why denied)').selectOption('Bemerkung')
  await form.getByLabel('Meaning of “Zutritt”').selectOption('granted')
  await form.getByLabel('Meaning of “Abgewiesen”').selectOption('denied')
  await expect(form).toContainText('The mapping is complete')

  // 09:15 EST is 14:15Z; in July New York keeps EDT (UTC−4); 31 October is still EDT.
  const rows = dialog.getByRole('table', { name: 'Preview' }).getByRole('row')
  await expect(rows).toHaveCount(5)
  await expect(rows.nth(1)).toContainText('05.03.2024 09:15:00')
  await expect(rows.nth(1)).toContainText('2024-03-05T14:15:00.000Z')
  await expect(rows.nth(1)).toContainText('Anna Meyer')
  await expect(rows.nth(1)).toContainText('granted')
  await expect(rows.nth(2)).toContainText('denied')
  await expect(rows.nth(3)).toContainText('2024-07-15T22:02:00.000Z')
  await expect(rows.nth(4)).toContainText('2024-11-01T03:59:59.000Z')
  await expect(dialog.getByRole('list', { name: 'Preview problems' })).toContainText('Line 5: unreadable time "kaputt"')

  await form.getByLabel('Profile name').fill('ACME Zutritt export')
  await form.getByRole('button', { name: 'Save as profile' }).click()
  // The saved profile is now the chosen format, and listed under saved profiles.
  const formatSelect = dialog.getByRole('combobox', { name: 'Format', exact: true })
  await expect(formatSelect).toHaveValue('mapping-profile:acme-zutritt-export')
  await expect(formatSelect.locator('optgroup[label="Saved mapping profiles"] option')).toHaveText(['ACME Zutritt export (mapping acme-zutritt-export)'])
  await expect(dialog.getByRole('status', { name: 'Preview status' })).toContainText('4 events shown as ACME Zutritt export')
  await expect(rows.nth(1)).toContainText('2024-03-05T14:15:00.000Z')

  await dialog.getByRole('button', { name: 'Import', exact: true }).click()
  const report = page.getByRole('status', { name: 'Import report for zutritt_export.csv' })
  await expect(report).toContainText('Imported 4 events from zutritt_export.csv as ACME Zutritt export')
  await expect(report).toContainText('unreadable time "kaputt"')
  await page.getByRole('button', { name: 'Close import dialog' }).click()

  await page.getByRole('button', { name: 'Events', exact: true }).click()
  const table = page.getByRole('table', { name: 'Events' })
  await expect(table.getByRole('row')).toHaveCount(5)
  await expect(table.getByRole('row').nth(1)).toContainText('2024-03-05T14:15:00.000Z')
  await expect(table.getByRole('row').nth(1)).toContainText('Anna Meyer')
  await expect(table.getByRole('row').nth(2)).toContainText('Tom Bauer')
  await expect(table.getByRole('row').nth(2)).toContainText('denied')
  await page.getByRole('searchbox', { name: 'Search events' }).fill('Serverraum')
  await expect(table.getByRole('row')).toHaveCount(3)

  // A fresh dialog on the same file offers the saved profile in the Format select.
  await page.getByRole('button', { name: 'Evidence' }).click()
  await page.getByRole('button', { name: 'Import zutritt_export.csv' }).click()
  await expect(page.getByRole('dialog', { name: 'Import evidence' }).getByRole('combobox', { name: 'Format', exact: true })).toContainText('ACME Zutritt export (mapping acme-zutritt-export)')
})
