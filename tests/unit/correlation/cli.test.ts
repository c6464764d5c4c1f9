// `iwb people / link / places / devices / findings / rules` on the generated scenario, through
// the built CLI (`npx electron-vite build` first), as an investigator would run them.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SCENARIO_SITES, writeScenario } from '../../helpers/correlationScenario'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-corr-cli-')
const env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
const caseDir = join(tmp.path, 'case')
const run = (...args: string[]) => iwb(args, env)

beforeAll(() => {
  const files = writeScenario(tmp.path)
  expect(run('case', 'create', caseDir, '--name', 'CLI', '--tz', 'UTC').code).toBe(0)
  expect(run('import', caseDir, files.badge, files.windows, files.okta).code).toBe(0)
  writeFileSync(join(tmp.path, 'rules.json'), JSON.stringify({ sites: SCENARIO_SITES }))
  expect(run('rules', caseDir, '--set', join(tmp.path, 'rules.json'), '--reason', 'sites').code).toBe(0)
}, 120_000)
afterAll(() => tmp.cleanup())

describe('iwb correlation commands', () => {
  it('findings runs the rules after an import and lists them as JSON', () => {
    const r = run('findings', caseDir, '--json')
    expect(r.code).toBe(0)
    const findings = JSON.parse(r.stdout) as { rule: string; unconfirmedLink: boolean }[]
    expect(findings.map((f) => f.rule).sort()).toEqual(
      ['after-hours', 'badge-logon', 'badge-logon', 'denied-repeat', 'door-alarm', 'impossible-travel', 'it-alert-presence', 'remote-on-site', 'tailgating'].sort()
    )
    expect(JSON.parse(run('findings', caseDir, '--rule', 'tailgating', '--json').stdout)).toHaveLength(1)
    expect(run('findings', caseDir, '--rule', 'nonsense').stderr).toMatch(/--rule is one of/)
  })

  it('people, link and the custody of a decision', () => {
    const people = JSON.parse(run('people', caseDir, '--json').stdout) as { people: { id: number; name: string; links: { identity: { value: string }; status: string }[] }[] }
    const sam = people.people.find((p) => p.name === 'Sam Taylor')!
    expect(sam.links.map((l) => [l.identity.value, l.status]).sort()).toEqual([
      ['sam.taylor@corp.example', 'suggested'],
      ['staylor', 'suggested']
    ])
    const linked = run('link', caseDir, String(sam.id), 'staylor', '--reject', '--note', 'shared account', '--json')
    expect(linked.code).toBe(0)
    expect(JSON.parse(linked.stdout)).toMatchObject({ status: 'rejected' })
    expect(run('link', caseDir, '999', 'staylor').stderr).toMatch(/No person #999/)
    expect(run('custody', caseDir, '--json').stdout).toContain('link.rejected')
  })

  it('places and devices', () => {
    const places = JSON.parse(run('places', caseDir, '--json').stdout) as { kind: string; name: string }[]
    expect(places.filter((p) => p.kind === 'door').map((p) => p.name).sort()).toEqual(['Entrance', 'Loading Dock', 'Lobby', 'Server Room', 'Side Door'])
    const devices = JSON.parse(run('devices', caseDir, '--json').stdout) as { kind: string; name: string }[]
    expect(devices.filter((d) => d.kind === 'door-controller').map((d) => d.name)).toEqual(['PANEL-BR', 'PANEL-HQ'])
  })
})
