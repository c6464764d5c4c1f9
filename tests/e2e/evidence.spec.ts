// End to end in Chromium through the web host: create a case, add a file through the
// browser's file chooser, see its hash, verify the case; then tamper and see it named.
import { createHash } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
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

test('create a case, add a file, see its hash, verify, then detect tampering', async ({ page }) => {
  const problems: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  page.on('request', (r) => {
    if (!r.url().startsWith(host.origin)) problems.push(`request left the host: ${r.url()}`)
  })

  await page.goto(host.url)
  // The token was traded for a cookie and removed from the address bar.
  await expect(page).toHaveURL(`${host.origin}/`)

  const create = page.getByRole('form', { name: 'Create a case' })
  await create.getByLabel('Case folder').fill(join(host.workDir, 'case-e2e'))
  await create.getByLabel('Case name').fill('Loading dock, night of 3 May')
  await create.getByLabel('Examiner').fill('Robin Examiner')
  await create.getByLabel('Case time zone').fill('Europe/Berlin')
  await create.getByRole('button', { name: 'Create case' }).click()

  // Creating a case writes the settings, then the case database and its first custody entry:
  // well under a second here, but one clean-clone CI run on a fresh machine took over 5 s
  // (Playwright's default wait) for this first case of the run.
  await expect(page.getByLabel('Open case')).toHaveText('Loading dock, night of 3 May · Europe/Berlin', { timeout: 30_000 })
  await expect(page.getByRole('table', { name: 'Custody log' })).toContainText('case.created')

  const evidencePath = join(host.workDir, 'badge-export.csv')
  writeFileSync(evidencePath, 'time,door,card\n2024-05-03 22:14:03,Dock 2,00412\n'.repeat(5000))
  const expectedHash = createHash('sha256').update(readFileSync(evidencePath)).digest('hex')

  await page.getByLabel("Examiner's note for the next files").fill('exported by facilities, USB #7')
  const chooser = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files…' }).click()
  await (await chooser).setFiles(evidencePath)

  const table = page.getByRole('table', { name: 'Evidence' })
  await expect(table.getByRole('row', { name: /badge-export\.csv/ })).toContainText(expectedHash)
  await expect(table).toContainText('exported by facilities, USB #7')
  await expect(page.getByRole('region', { name: 'Intake result' })).toContainText(`Acquired badge-export.csv — SHA-256 ${expectedHash}`)

  await page.getByRole('button', { name: 'Verify case' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Case verified' })).toContainText('everything is intact')
  await expect(table.getByRole('row', { name: /badge-export\.csv/ })).toContainText('intact')

  // Adding the same file again says so and adds nothing.
  const again = page.waitForEvent('filechooser')
  await page.getByRole('button', { name: 'Add files…' }).click()
  await (await again).setFiles(evidencePath)
  await expect(page.getByRole('region', { name: 'Intake result' })).toContainText('Not added')
  await expect(table.getByRole('row')).toHaveCount(2)

  // Someone edits the stored copy behind the app's back.
  const stored = join(host.workDir, 'case-e2e', 'evidence', expectedHash)
  chmodSync(stored, 0o644)
  writeFileSync(stored, 'tampered\n')
  await page.getByRole('button', { name: 'Verify case' }).click()
  const failed = page.getByRole('status').filter({ hasText: 'Verification failed' })
  await expect(failed).toContainText('File changed: evidence #1 (badge-export.csv)')
  await expect(table.getByRole('row', { name: /badge-export\.csv/ })).toContainText('changed')

  expect(problems).toEqual([])
})

test('the start screen lists the case after reopening it', async ({ page }) => {
  await page.goto(host.url)
  const create = page.getByRole('form', { name: 'Create a case' })
  await create.getByLabel('Case folder').fill(join(host.workDir, 'case-b'))
  await create.getByLabel('Case name').fill('Second case')
  await create.getByRole('button', { name: 'Create case' }).click()
  await expect(page.getByLabel('Open case')).toContainText('Second case')
  await page.getByRole('button', { name: 'Case', exact: true }).click()
  const summary = page.getByRole('region', { name: 'Case summary' })
  await expect(summary).toContainText('Second case')
  await expect(summary.getByTestId('summary-custody-length')).toHaveText('1')
  await expect(page.getByRole('list', { name: 'Recent cases' })).toContainText('Second case')
  await page.getByRole('button', { name: 'About' }).click()
  await expect(page.getByRole('table', { name: 'Versions' })).toContainText('Browser (loopback web host)')
  await expect(page.getByRole('table', { name: 'Versions' })).toContainText(/ffmpeg\s*\d/)
})
