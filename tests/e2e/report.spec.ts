// The bag's report opened as a recipient would: straight from the folder (file://) in
// Chromium. It must make no network request, raise no CSP violation, show the case, the
// time decisions, the hash table and the custody log, re-check the bag's hashes in the
// browser when the folder is chosen, and print on A4 and Letter.
import { spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, test } from '@playwright/test'
import { watchPage } from './pageWatch'

const root = resolve(__dirname, '..', '..')
const samples = resolve(root, '..', 'shared', 'samples')
let work: string
let bag: string

function iwb(args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'electron', 'cli', 'iwb-bin.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, IWB_CONFIG_DIR: join(work, 'config') }
  })
  if (r.status !== 0) throw new Error(`iwb ${args.join(' ')} failed: ${r.stderr}${r.stdout}`)
  return r.stdout
}

test.beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'iwb-report-'))
  const caseDir = join(work, 'case')
  iwb(['case', 'create', caseDir, '--name', 'Loading dock <night> & "day"', '--examiner', 'Robin Examiner', '--tz', 'Europe/Berlin'])
  iwb(['import', caseDir, join(samples, 'syslog', 'Linux_2k.log'), join(samples, 'windows', 'kerberos_pwd_spray_4771.evtx'), '--examiner', 'Robin Examiner'])
  bag = join(work, 'bag')
  iwb(['export', caseDir, '--out', bag, '--recipient', 'Court <script>alert(1)</script>', '--purpose', 'Disclosure', '--examiner', 'Robin Examiner'])
})
test.afterAll(() => {
  rmSync(work, { recursive: true, force: true })
})

test('the report opens from file:// with no network request, checks the bag in the browser, and prints', async ({ page }) => {
  const reportUrl = pathToFileURL(join(bag, 'data', 'report', 'index.html')).href
  const { requests, problems } = watchPage(page)

  await page.goto(reportUrl)
  await expect(page).toHaveTitle('Evidence export — Loading dock <night> & "day"')
  await expect(page.getByRole('heading', { name: '1. Summary' })).toBeVisible()
  await expect(page.locator('#summary')).toContainText('Court <script>alert(1)</script>')
  await expect(page.locator('#summary')).toContainText('Europe/Berlin')
  // Every source's time decisions: the syslog had no year and no zone.
  const time = page.locator('#time')
  await expect(time).toContainText('Linux_2k.log')
  await expect(time).toContainText("inferred from the file's modification time")
  await expect(time.locator('tbody tr')).toHaveCount(2)
  // The hash table lists each payload file (except the report) with the manifest's hash.
  const manifest = readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8').trim().split('\n').map((l) => ({ hash: l.slice(0, 64), path: l.slice(66) }))
  const hashes = page.locator('#hashes tbody tr')
  await expect(hashes).toHaveCount(manifest.length - 1)
  for (const m of manifest.filter((x) => x.path !== 'data/report/index.html')) await expect(page.locator('#hashes')).toContainText(m.hash)
  const custodyLines = readFileSync(join(bag, 'custody.jsonl'), 'utf8').trim().split('\n').length
  await expect(page.locator('#custody tbody tr')).toHaveCount(custodyLines)
  await expect(page.locator('#custody')).toContainText('export.started')

  // The page's own script ran (allowed by its CSP hash) and offers the folder check.
  await expect(page.locator('#check-js')).toBeVisible()
  await expect(page.locator('#check-nojs')).toBeHidden()
  await page.locator('#bag-folder').setInputFiles(bag)
  await page.getByRole('button', { name: 'Check hashes' }).click()
  await expect(page.locator('#check-status')).toContainText(`All ${manifest.length + 7} files match their SHA-256`)
  const fingerprint = (JSON.parse(readFileSync(join(bag, 'signature.json'), 'utf8')) as { publicKeyFingerprintSha256: string }).publicKeyFingerprintSha256
  await expect(page.locator('#check-status')).toContainText(`Signature: valid (key SHA-256 ${fingerprint})`)
  await expect(page.locator('#check-problems li')).toHaveCount(0)

  // A tampered copy of the bag is caught and the file named.
  const copy = join(work, 'tampered', 'bag')
  cpSync(bag, copy, { recursive: true })
  const original = join(copy, manifest.find((m) => m.path.startsWith('data/originals/'))!.path)
  chmodSync(original, 0o644)
  writeFileSync(original, 'changed\n')
  await page.locator('#bag-folder').setInputFiles(copy)
  await page.getByRole('button', { name: 'Check hashes' }).click()
  await expect(page.locator('#check-status')).toContainText('problem(s) found')
  await expect(page.locator('#check-problems')).toContainText(`${original.slice(copy.length + 1)} has changed`)

  // Printing: the check controls are hidden, and A4 and Letter PDFs come out.
  await page.emulateMedia({ media: 'print' })
  await expect(page.locator('#verify .screen-only')).toBeHidden()
  for (const format of ['A4', 'Letter'] as const) {
    const pdf = await page.pdf({ format })
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    expect(pdf.length).toBeGreaterThan(20_000)
  }

  expect(requests.filter((u) => u !== reportUrl)).toEqual([])
  expect(problems).toEqual([])
})
