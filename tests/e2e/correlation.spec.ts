// Findings and People in Chromium, on the generated correlation scenario imported by the CLI:
// selecting a finding puts the cursor on it and shows its time and events; confirming the
// link it rests on in People takes the "unconfirmed link" marker away.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { SCENARIO_SITES, writeScenario } from '../helpers/correlationScenario'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
let host: RunningHost

test.beforeEach(async () => {
  host = await startHost([], (workDir, env) => {
    const caseDir = join(workDir, 'case')
    const files = join(workDir, 'files')
    mkdirSync(files)
    const paths = writeScenario(files)
    const iwb = (...args: string[]): void => {
      execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
    }
    iwb('case', 'create', caseDir, '--name', 'Correlation test', '--tz', 'UTC')
    iwb('import', caseDir, paths.badge, paths.windows, paths.okta)
    writeFileSync(join(workDir, 'rules.json'), JSON.stringify({ sites: SCENARIO_SITES }))
    iwb('rules', caseDir, '--set', join(workDir, 'rules.json'), '--reason', 'site coordinates')
    iwb('findings', caseDir, '--run')
    return ['--case', caseDir]
  })
})
test.afterEach(async () => {
  await host.stop()
})

test('select a finding, see its time and events; confirm its link in People', async ({ page }) => {
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Findings', exact: true }).click()
  const findings = page.getByRole('region', { name: 'Findings' })
  const list = findings.getByRole('table', { name: 'Findings list' })
  await expect(list).toContainText('Impossible travel')
  const sam = list.getByRole('row', { name: /while Sam Taylor was badged in on site/ })
  await expect(sam).toContainText('unconfirmed link')

  // Filter by rule, then select.
  await findings.getByLabel('Filter by rule').selectOption('remote-on-site')
  await expect(list.getByRole('row')).toHaveCount(2)
  await sam.click()
  const detail = page.getByRole('region', { name: 'Finding detail' })
  await expect(detail.getByLabel('Finding time')).toContainText('2024-03-04 13:00:00')
  await expect(detail.getByRole('status', { name: 'Cursor time' })).toContainText('2024-03-04 13:00:00')
  const events = detail.getByRole('table', { name: 'Events' })
  await expect(events).toContainText('user.session.start')
  await expect(events).toContainText('granted')
  await expect(detail.getByLabel('Unconfirmed link')).toBeVisible()

  // Dismiss needs a reason.
  await expect(detail.getByRole('button', { name: 'Dismiss finding' })).toBeDisabled()

  await page.getByRole('button', { name: 'People', exact: true }).click()
  await page.getByRole('row', { name: 'Person Sam Taylor' }).click()
  const person = page.getByRole('region', { name: 'Person' })
  await expect(person.getByRole('list', { name: 'Badge path' })).toContainText('HQ / Lobby')
  await expect(person.getByRole('table', { name: 'Logons' })).toContainText('user.session.start')
  await person.getByRole('button', { name: 'Confirm link Sam Taylor ↔ sam.taylor@corp.example' }).click()
  await expect(person.getByLabel('Link status of sam.taylor@corp.example')).toHaveText('confirmed')

  await page.getByRole('button', { name: 'Findings', exact: true }).click()
  const row = page.getByRole('table', { name: 'Findings list' }).getByRole('row', { name: /while Sam Taylor was badged in on site/ })
  await expect(row).not.toContainText('unconfirmed link')
  await row.click()
  await expect(page.getByRole('region', { name: 'Finding detail' }).getByLabel('Unconfirmed link')).toHaveCount(0)
  await page.getByRole('region', { name: 'Finding detail' }).getByRole('button', { name: 'Confirm finding' }).click()
  await expect(row).toContainText('confirmed')
})
