// The access-audit report on a generated Lenel OnGuard CSV imported with the CLI: entries,
// denied attempts, forced and held doors, after-hours access in the case zone, area
// matching by prefix, camera coverage (none, then set and suggested through the video module), the clock
// offset in force, and the usual bag checks.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importVideoEvidence, setDoorCamera, suggestDoorCameras } from '../../../electron/core/media/videoStore'
import { isAfterHours, localClock, matchArea } from '../../../electron/core/export/accessAudit'
import { parseWorkingHours } from '../../../electron/cli/exportCommands'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'
import { cachedClip, STANDARD_CLIPS, testTools } from '../../helpers/videoFixtures'

let tmp: ReturnType<typeof tempDir>
let caseDir: string
let env: Record<string, string>

const CSV = [
  'EVENT_TIME_UTC,EVDESCR,CARDNUM,EMPID,FIRSTNAME,LASTNAME,READERDESC,PANELNAME',
  // Monday 4 March 2024; Berlin is UTC+1.
  '2024-03-04 08:02:11,Access Granted,40211,E1001,John,Smith,HQ Server Room,PANEL-01',
  '2024-03-04 21:03:00,Access Granted,40212,E1002,Maria,Lopez,HQ Server Room,PANEL-02',
  '2024-03-04 21:04:00,Invalid PIN Number,40213,E1003,Wei,Chen,HQ Server Room,PANEL-02',
  '2024-03-04 21:05:00,Door Forced Open,,,,,HQ Loading Dock,PANEL-03',
  '2024-03-04 21:06:00,Door Held Open,,,,,HQ Loading Dock,PANEL-03',
  '2024-03-04 21:07:00,Access Granted,40214,E1004,Pat,Jones,HQ Lobby,PANEL-01',
  // Saturday 9 March, 11:00 Berlin: a weekend, so after hours.
  '2024-03-09 10:00:00,Access Granted,40211,E1001,John,Smith,HQ Server Room,PANEL-01',
  // Outside the period.
  '2024-04-01 10:00:00,Access Granted,40211,E1001,John,Smith,HQ Server Room,PANEL-01'
].join('\n')

function run(args: string[]): string {
  const r = iwb(args, env)
  if (r.code !== 0) throw new Error(`iwb ${args.join(' ')}: ${r.stderr}${r.stdout}`)
  return r.stdout
}

function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`)
  expect(start, id).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</section>', start))
}

beforeAll(() => {
  tmp = tempDir()
  env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
  caseDir = join(tmp.path, 'case')
  const csv = join(tmp.path, 'onguard_history.csv')
  writeFileSync(csv, `${CSV}\n`)
  run(['case', 'create', caseDir, '--name', 'Server room', '--tz', 'Europe/Berlin', '--examiner', 'Robin'])
  // The badge system's clock ran 30 s slow: the offset must show in the audit.
  const out = run(['import', caseDir, csv, '--offset', '+30s'])
  expect(out).toMatch(/Lenel OnGuard/)
})
afterAll(() => tmp.cleanup())

describe('access audit', () => {
  it('lists entries, denials, forced/held doors and after-hours access for the areas and period', () => {
    const bag = join(tmp.path, 'audit')
    const out = run([
      'export', caseDir, '--kind', 'access-audit', '--out', bag, '--from', '2024-03-01T00:00:00Z', '--to', '2024-03-31T00:00:00Z',
      '--area', 'hq server', '--area', 'HQ Loading Dock', '--working-hours', 'Mon-Fri 07:00-19:00', '--recipient', 'HR', '--purpose', 'Audit'
    ])
    expect(out).toMatch(/access audit: data\/report\/access-audit\.html/)
    expect(run(['verify', bag])).toMatch(/OK: bag intact/)

    const rows = readFileSync(join(bag, 'data', 'events', 'access-audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    // The lobby (no matching area) and April (outside the period) are left out.
    expect(rows.map((r) => [r.actor, r.location, r.section, r.afterHours])).toEqual([
      ['John Smith', 'HQ Server Room', 'granted', false],
      ['Maria Lopez', 'HQ Server Room', 'granted', true],
      ['Wei Chen', 'HQ Server Room', 'denied', true],
      [null, 'HQ Loading Dock', 'forced', true],
      [null, 'HQ Loading Dock', 'held', true],
      ['John Smith', 'HQ Server Room', 'granted', true]
    ])
    // Times carry the +30 s offset; the local column is Berlin time.
    expect(rows[0]).toMatchObject({ ts: '2024-03-04T08:02:41.000Z', weekday: 'Mon', clockOffset: '+30s', area: 'hq server' })
    expect(String(rows[0]!.local)).toContain('09:02:41')
    const csv = readFileSync(join(bag, 'data', 'events', 'access-audit.csv'), 'utf8')
    expect(csv.split('\r\n')).toHaveLength(rows.length + 2)
    const events = readFileSync(join(bag, 'data', 'events', 'events.jsonl'), 'utf8').trim().split('\n')
    expect(events).toHaveLength(6)

    const html = readFileSync(join(bag, 'data', 'report', 'access-audit.html'), 'utf8')
    expect(html).not.toContain('<script')
    expect(html).toContain("default-src 'none'")
    expect(section(html, 'audit-summary')).toContain('Mon, Tue, Wed, Thu, Fri 07:00–19:00 (Europe/Berlin)')
    expect(section(html, 'audit-summary')).toContain('3 granted, 1 denied, 1 forced, 1 held open, 2 granted outside working hours')
    const granted = section(html, 'audit-granted')
    expect(granted).toContain('Maria Lopez')
    expect(granted).not.toContain('Pat Jones')
    expect(section(html, 'audit-denied')).toContain('Wei Chen')
    const forced = section(html, 'audit-forced')
    expect(forced).toContain('forced-open')
    expect(forced).toContain('held-open')
    const after = section(html, 'audit-after-hours')
    expect(after).toContain('Maria Lopez')
    expect(after).toContain('Sat')
    expect(after).not.toContain('Mon 2024-03-04 09:02')
    expect(section(html, 'audit-doors')).toMatch(/HQ Server Room<\/td>.*no camera associated/)
    expect(section(html, 'audit-clocks')).toContain('+30s')
    expect(section(html, 'audit-clocks')).toContain('onguard_history.csv')
    // The main report points at the audit and still has hashes and custody.
    const index = readFileSync(join(bag, 'data', 'report', 'index.html'), 'utf8')
    expect(index).toContain('href="access-audit.html"')
    expect(readFileSync(join(bag, 'manifest-sha256.txt'), 'utf8')).toContain('data/report/access-audit.html')
  })

  it('shows the camera associated with each door: confirmed, suggested, or none', async () => {
    // Footage of two cameras imported with the video module; the server room's camera set
    // by the investigator, the loading dock's suggested from the names.
    const folder = CaseFolder.open(caseDir)
    try {
      const importAs = async (path: string, camera: string): Promise<number> => {
        const ev = await acquireEvidence(folder, { path }, { examiner: 'Robin' })
        const r = await importVideoEvidence(folder, ev.evidence!.id, { examiner: 'Robin', tools: testTools(), caseZone: 'Europe/Berlin', camera })
        return r.file!.cameraId
      }
      const corridor = await importAs((await cachedClip(STANDARD_CLIPS.h264)).path, 'Cam 3 corridor')
      await importAs((await cachedClip({ codec: 'h264', seconds: 4, fileName: 'plain.mkv', container: 'mkv' })).path, 'Loading dock cam')
      setDoorCamera(folder.db, 'HQ Server Room', corridor, 'Robin')
      suggestDoorCameras(folder.db, 'Robin')
    } finally {
      folder.close()
    }
    const bag = join(tmp.path, 'audit-cams')
    run(['export', caseDir, '--kind', 'access-audit', '--out', bag, '--area', 'HQ'])
    const doors = section(readFileSync(join(bag, 'data', 'report', 'access-audit.html'), 'utf8'), 'audit-doors')
    expect(doors).toMatch(/HQ Server Room<\/td>.*Cam 3 corridor</)
    expect(doors).toMatch(/HQ Loading Dock<\/td>.*Loading dock cam \(suggested\)/)
    expect(doors).toMatch(/HQ Lobby<\/td>.*no camera associated/)
    expect(run(['verify', bag])).toMatch(/OK: bag intact/)
  }, 60_000)

  it('refuses bad working hours and kinds with advice', () => {
    expect(iwb(['export', caseDir, '--kind', 'audit'], env).stderr).toMatch(/--kind is evidence or access-audit/)
    expect(iwb(['export', caseDir, '--kind', 'access-audit', '--working-hours', 'weekdays'], env).stderr).toMatch(/Mon-Fri 07:00-19:00/)
  })
})

describe('access audit rules', () => {
  it('matches areas exactly or by prefix, ignoring case', () => {
    expect(matchArea('HQ Server Room', [])).toBeNull()
    expect(matchArea('HQ Server Room', ['hq'])).toBe('hq')
    expect(matchArea('Annex', ['HQ'])).toBe(false)
    expect(matchArea(null, ['HQ'])).toBe(false)
  })

  it('judges working hours in the case zone, across DST', () => {
    const wh = parseWorkingHours('Mon-Fri 07:00-19:00')
    expect(wh).toEqual({ days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' })
    expect(parseWorkingHours('Sat,Sun 06:30-22:00').days).toEqual([6, 7])
    expect(parseWorkingHours('Fri-Mon 00:00-24:00').days).toEqual([1, 5, 6, 7])
    const berlin = localClock('Europe/Berlin')
    // 2024-07-01 (Mon) 05:30Z = 07:30 CEST: inside; 2024-01-08 (Mon) 06:30Z = 07:30 CET: inside; 05:30Z = 06:30 CET: outside.
    expect(isAfterHours(berlin(Date.UTC(2024, 6, 1, 5, 30) * 1000), wh)).toBe(false)
    expect(isAfterHours(berlin(Date.UTC(2024, 0, 8, 6, 30) * 1000), wh)).toBe(false)
    expect(isAfterHours(berlin(Date.UTC(2024, 0, 8, 5, 30) * 1000), wh)).toBe(true)
    expect(isAfterHours(berlin(Date.UTC(2024, 0, 8, 18, 0) * 1000), wh)).toBe(true) // 19:00 exactly: closed
  })
})
