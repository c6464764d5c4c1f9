// The Export tab in Chromium through the web host: export the case with a recipient and a
// purpose, watch the job's progress, read the result (path, tag-manifest hash, key
// fingerprint), verify the bag ("verified"), then open the produced report from file://
// with no network request and its timeline picture drawn without scripts; and Cancel, which
// leaves no bag, lists none and records the cancel in custody.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test } from '@playwright/test'
import { startHost, type RunningHost } from './webHostProcess'
import { watchPage } from './pageWatch'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
let host: RunningHost
let caseDir: string

test.beforeEach(async () => {
  host = await startHost([], (workDir, env) => {
    caseDir = join(workDir, 'case')
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    iwb('case', 'create', caseDir, '--name', 'Export test', '--tz', 'Europe/Berlin', '--examiner', 'Robin Examiner')
    iwb('settings', 'examinerName=Robin Examiner')
    iwb('import', caseDir, join(SAMPLES, 'syslog', 'Linux_2k.log'), '--year', '2005', '--tz', 'UTC')
    iwb('import', caseDir, join(SAMPLES, 'windows', 'kerberos_pwd_spray_4771.evtx'))
    // A large original, so the copy takes long enough to watch its progress.
    const big = join(workDir, 'camera-dump.bin')
    const fd = openSync(big, 'w')
    const block = randomBytes(16 * 1024 * 1024)
    for (let i = 0; i < 48; i++) writeSync(fd, block)
    closeSync(fd)
    iwb('acquire', caseDir, big)
    return ['--case', caseDir]
  })
})
test.afterEach(async () => {
  await host.stop()
})

test('export the case from the Export tab, verify it, and open its report offline', async ({ page, context }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const view = page.getByRole('region', { name: 'Export' })
  const form = view.getByRole('form', { name: 'Export choices' })
  await expect(form.getByRole('checkbox', { name: /Linux_2k\.log/ })).toBeVisible()
  // Every control has an accessible name.
  for (const control of await form.locator('input, button, select').all()) {
    const name = await control.evaluate((el) => {
      const labels = (el as HTMLInputElement).labels
      return el.getAttribute('aria-label') ?? (labels && labels.length ? labels[0]!.textContent : null) ?? el.textContent
    })
    expect((name ?? '').trim(), await control.evaluate((el) => el.outerHTML)).not.toBe('')
  }

  await form.getByLabel('Recipient').fill('District Court, Case 12/3')
  await form.getByLabel('Purpose').fill('Disclosure to the defence')
  await form.getByRole('radio', { name: 'A folder' }).check()
  await form.getByRole('button', { name: 'Start export' }).click()

  const progress = page.getByRole('region', { name: 'Export progress' })
  await expect(progress).toBeVisible()
  await expect(progress.getByRole('button', { name: 'Cancel' })).toBeVisible()
  await expect(progress.getByRole('status')).toContainText(/ of .*\/s/)

  const result = page.getByRole('region', { name: 'Export result' })
  await expect(result).toBeVisible({ timeout: 60_000 })
  await expect(progress).toBeHidden()
  const path = (await result.getByLabel('Export path').textContent())!.trim()
  expect(path.startsWith(join(caseDir, 'exports', 'export-'))).toBe(true)
  await expect(result).toContainText('3 originals, ')
  const tagHash = (await result.getByLabel('Tag-manifest SHA-256').textContent())!.trim()
  expect(tagHash).toMatch(/^[0-9a-f]{64}$/)
  const fingerprint = (await result.getByLabel('Signing key fingerprint').textContent())!.trim()
  const signature = JSON.parse(readFileSync(join(path, 'signature.json'), 'utf8')) as { publicKeyFingerprintSha256: string }
  expect(fingerprint).toBe(signature.publicKeyFingerprintSha256)

  await result.getByRole('button', { name: 'Verify' }).click()
  const verified = page.getByRole('region', { name: 'Verification result' })
  await expect(verified.getByRole('status')).toContainText('verified', { timeout: 60_000 })

  const list = view.getByRole('table', { name: 'Exports' })
  await expect(list.getByRole('row')).toHaveCount(2)
  await expect(list).toContainText(tagHash)
  await expect(list).toContainText('District Court, Case 12/3')

  // The report, opened from the bag as a recipient would: nothing but the file itself loads.
  const report = await context.newPage()
  const reportUrl = pathToFileURL(join(path, 'data', 'report', 'index.html')).href
  const { requests, problems } = watchPage(report)
  await report.goto(reportUrl)
  await expect(report.locator('#summary')).toContainText('District Court, Case 12/3')
  await expect(report.locator('#summary')).toContainText('Disclosure to the defence')
  const picture = report.getByRole('img', { name: /Events per source/ })
  await expect(picture).toBeVisible()
  await expect(picture.locator('g.lane')).toHaveCount(2)
  await expect(report.locator('#bookmarks')).toContainText('none recorded')
  await expect(report.locator('#findings')).toContainText('none recorded')
  expect(requests.filter((u) => u !== reportUrl)).toEqual([])
  expect(problems).toEqual([])
})

test('Cancel in the export progress stops the export: no bag is left, none is listed, custody says cancelled', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Export', exact: true }).click()
  const view = page.getByRole('region', { name: 'Export' })
  const form = view.getByRole('form', { name: 'Export choices' })
  await form.getByLabel('Recipient').fill('Auditor')
  await form.getByRole('radio', { name: 'A folder' }).check()
  await form.getByRole('button', { name: 'Start export' }).click()

  const progress = page.getByRole('region', { name: 'Export progress' })
  // Wait until bytes are moving (the 768 MiB original is being copied), then cancel.
  await expect(progress.getByRole('status')).toContainText(/ of .*\/s/)
  await progress.getByRole('button', { name: 'Cancel' }).click()
  await expect(view.getByText(/Export cancelled: the unfinished bag was removed/)).toBeVisible({ timeout: 30_000 })
  await expect(progress).toBeHidden()
  await expect(page.getByRole('region', { name: 'Export result' })).toBeHidden()

  // Nothing under exports/ looks like a bag, and the list of finished exports is empty.
  const exportsDir = join(caseDir, 'exports')
  const left = existsSync(exportsDir) ? readdirSync(exportsDir) : []
  expect(left.filter((name) => existsSync(join(exportsDir, name, 'bagit.txt')) || name.endsWith('.zip'))).toEqual([])
  await expect(view.getByText('No export of this case yet.')).toBeVisible()

  // The custody log records the cancel (read through the CLI a recipient's examiner would use).
  const custody = execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), 'custody', caseDir, '--json'], { encoding: 'utf8' })
  expect(custody).toContain('export.cancelled')
})
