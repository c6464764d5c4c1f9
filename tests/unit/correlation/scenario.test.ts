// The generated scenario (tests/helpers/correlationScenario.ts) imported with the real
// pipeline: exactly one true instance of each rule fires, with the expected subjects and
// supporting events, and none of the near-misses does.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RuleSettings, type Finding } from '../../../shared/contracts/correlation'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { cameraLookup } from '../../../electron/core/correlation/cameraLookup'
import { listDevices } from '../../../electron/core/correlation/devices'
import { decideFinding, listFindings } from '../../../electron/core/correlation/findings'
import { decideLink, listPeople, personTimeline } from '../../../electron/core/correlation/people'
import { listPlaces } from '../../../electron/core/correlation/places'
import { writeRuleSettings } from '../../../electron/core/correlation/ruleSettings'
import { findingsStale, rules, runCorrelation, runCorrelationAsync } from '../../../electron/core/correlation/rules'
import { SCENARIO_SITES, addCameras, writeScenario } from '../../helpers/correlationScenario'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-corr-')
let folder: CaseFolder
let findings: Finding[] = []

/** The events a finding rests on, as "action actor location/host" texts, in id order. */
function describeEvents(f: Finding): string[] {
  const stmt = folder.db.prepare('SELECT action, actor, location, host, ts FROM event WHERE id = ?')
  return f.eventIds.map((id) => {
    const e = stmt.get(id) as { action: string; actor: string | null; location: string | null; host: string | null; ts: number }
    return `${new Date(e.ts / 1000).toISOString().slice(0, 19)} ${e.action} ${e.actor ?? '-'} ${e.location ?? e.host ?? '-'}`
  })
}

beforeAll(async () => {
  const files = writeScenario(tmp.path)
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Correlation scenario', examiner: 'Robin', timeZone: 'Europe/London' })
  for (const f of [files.badge, files.windows, files.okta]) {
    const a = await acquireEvidence(folder, { path: f }, { examiner: 'Robin', note: '' })
    const report = await importEvidence(folder, { evidenceId: a.evidence!.id, examiner: 'Robin' })
    if (report.status !== 'complete') throw new Error(`${f}: ${report.message}`)
  }
  await addCameras(folder, 'Robin')
  writeRuleSettings(folder.db, RuleSettings.parse({ sites: SCENARIO_SITES }), 'Robin', 'scenario sites')
  expect(findingsStale(folder.db)).toBe(true)
  runCorrelation(folder.db)
  findings = listFindings(folder.db)
}, 60_000)
afterAll(() => {
  folder?.close()
  tmp.cleanup()
})

describe('correlation scenario', () => {
  it('suggests the right links and no false friends', () => {
    const { people, unlinked } = listPeople(folder.db)
    const links = Object.fromEntries(people.map((p) => [p.name, p.links.map((l) => l.identity.value).sort()]))
    expect(links).toEqual({
      'Alex Doe': ['adoe'],
      "Pat O'Brien": ['pobrien'],
      'John Smith': ['john.smith@corp.example', 'jsmith'],
      'Lee Kim': ['lkim'],
      'Maria Lopez': ['mlopez'],
      'Sam Taylor': ['sam.taylor@corp.example', 'staylor'],
      'Wei Chen': ['wchen']
    })
    expect(unlinked.map((i) => i.value).sort()).toEqual(['admin', 'john.smithson@corp.example'])
    const john = people.find((p) => p.name === 'John Smith')!
    expect(john.cards).toEqual(['1001'])
    expect(john.employeeId).toBe('E1001')
    expect(john.links.find((l) => l.identity.value === 'john.smith@corp.example')!.reason).toMatch(/first\.last of John Smith/)
    expect(john.links.find((l) => l.identity.value === 'jsmith')!.identity.hosts.map((h) => h.host)).toEqual(['WS-JSMITH.corp.example'])
  })

  it('finds exactly one instance of each rule with its subjects and events', () => {
    const got = findings.map((f) => ({ rule: f.rule, subjects: f.subjects, events: describeEvents(f), cameras: f.cameras }))
    expect(got).toEqual([
      {
        rule: 'badge-logon',
        subjects: ['Maria Lopez', 'mlopez'],
        events: ['2024-03-04T08:30:00 granted Maria Lopez HQ / Lobby'],
        cameras: []
      },
      {
        rule: 'tailgating',
        subjects: ['HQ / Side Door'],
        events: ['2024-03-04T10:00:00 granted John Smith HQ / Side Door', '2024-03-04T10:00:08 door-opened - HQ / Side Door'],
        cameras: ['CAM-SIDE']
      },
      {
        rule: 'denied-repeat',
        subjects: ["Pat O'Brien", 'HQ / Server Room'],
        events: [
          "2024-03-04T11:00:00 denied Pat O'Brien HQ / Server Room",
          "2024-03-04T11:02:00 denied Pat O'Brien HQ / Server Room",
          "2024-03-04T11:04:00 denied Pat O'Brien HQ / Server Room"
        ],
        cameras: []
      },
      { rule: 'camera-gap', subjects: ['CAM-SERVER', 'HQ / Server Room'], events: expect.any(Array) as unknown as string[], cameras: ['CAM-SERVER'] },
      { rule: 'door-alarm', subjects: ['HQ / Loading Dock'], events: ['2024-03-04T12:00:00 forced-open - HQ / Loading Dock'], cameras: ['CAM-DOCK'] },
      { rule: 'camera-gap', subjects: ['CAM-DOCK', 'HQ / Loading Dock'], events: ['2024-03-04T12:00:00 forced-open - HQ / Loading Dock'], cameras: ['CAM-DOCK'] },
      {
        rule: 'remote-on-site',
        subjects: ['Sam Taylor', 'sam.taylor@corp.example'],
        events: ['2024-03-04T13:00:00 granted Sam Taylor HQ / Lobby', '2024-03-04T13:30:00 user.session.start sam.taylor@corp.example London, United Kingdom'],
        cameras: []
      },
      {
        rule: 'badge-logon',
        subjects: ['Wei Chen', 'wchen', 'WS-LAB.corp.example'],
        events: ['2024-03-04T14:00:00 logon wchen WS-LAB.corp.example'],
        cameras: []
      },
      {
        rule: 'it-alert-presence',
        subjects: ['FS01.corp.example', 'John Smith', 'HQ / Server Room'],
        events: ['2024-03-04T16:00:00 audit-log-cleared wchen FS01.corp.example', '2024-03-04T15:50:00 granted John Smith HQ / Server Room'],
        cameras: ['CAM-SERVER']
      },
      { rule: 'after-hours', subjects: ['Alex Doe', 'HQ / Lobby'], events: ['2024-03-04T22:30:00 granted Alex Doe HQ / Lobby'], cameras: [] },
      {
        rule: 'impossible-travel',
        subjects: ['Lee Kim', 'HQ', 'Branch'],
        events: ['2024-03-05T09:00:00 granted Lee Kim HQ / Lobby', '2024-03-05T09:30:00 granted Lee Kim Branch / Entrance'],
        cameras: []
      }
    ])
    // The camera clock finding lists the server-room door events its camera should show.
    const clock = findings.find((f) => f.rule === 'camera-gap' && f.title.includes('clock offset unknown'))!
    expect(describeEvents(clock)).toHaveLength(6)
    expect(clock.explanation).toContain('HQ / Server Room (association confirmed)')
    // The findings say whether each door ↔ camera association is confirmed or only suggested.
    const text = (rule: string) => findings.find((f) => f.rule === rule)!.explanation
    expect(text('door-alarm')).toContain('CAM-DOCK (confirmed for this door)')
    expect(text('tailgating')).toContain('CAM-SIDE (suggested by name, not yet confirmed for this door)')
    expect(text('it-alert-presence')).toContain('CAM-SERVER (confirmed for this door)')
    const gap = findings.find((f) => f.rule === 'camera-gap' && f.subjects[0] === 'CAM-DOCK')!
    expect(gap.explanation).toMatch(/^CAM-DOCK \(confirmed for this door\) covers HQ \/ Loading Dock, but no placed recording of it spans 2024-03-04T11:59:00/)
  })

  it('reads coverage from the placed video files with the camera offset applied once, as the player does', () => {
    const cams = cameraLookup(folder.db)
    const byName = new Map(cams.all().map((c) => [c.name, c]))
    expect([...byName.keys()]).toEqual(['CAM-DOCK', 'CAM-LOBBY', 'CAM-SERVER', 'CAM-SIDE'])
    const dock = byName.get('CAM-DOCK')!
    expect(dock).toMatchObject({ clockOffsetKnown: true, unplacedFiles: 0 })
    expect(byName.get('CAM-SERVER')).toMatchObject({ clockOffsetKnown: false, unplacedFiles: 0 })
    expect(byName.get('CAM-SIDE')).toMatchObject({ clockOffsetKnown: false, unplacedFiles: 1 })
    const at = (hhmm: string) => Date.parse(`2024-03-04T${hhmm}:00Z`) * 1000
    // Corrected (−10 min): 10:50–11:53 and 12:05–12:50.
    expect(cams.covers(dock.id, at('10:50'), at('11:52'))).toBe(true)
    expect(cams.covers(dock.id, at('10:49'), at('10:51'))).toBe(false)
    expect(cams.covers(dock.id, at('11:52'), at('11:54'))).toBe(false)
    expect(cams.covers(dock.id, at('12:05'), at('12:49'))).toBe(true)
    expect(cams.covers(dock.id, at('12:49'), at('12:51'))).toBe(false)
    // The side camera's one file is unplaced: no coverage at any time.
    expect(cams.covers(byName.get('CAM-SIDE')!.id, at('10:00'), at('10:00'))).toBe(false)
    expect(cams.camerasFor('HQ / Side Door')).toMatchObject([{ name: 'CAM-SIDE', association: 'suggested' }])
    expect(cams.camerasFor('HQ / Loading Dock')).toMatchObject([{ name: 'CAM-DOCK', association: 'confirmed' }])
    expect(cams.camerasFor('Branch / Entrance')).toEqual([])
  })

  it('marks findings that rest on unconfirmed links, and clears the marker on confirmation', () => {
    const sam = findings.find((f) => f.rule === 'remote-on-site')!
    expect(sam.unconfirmedLink).toBe(true)
    expect(findings.find((f) => f.rule === 'door-alarm')!.unconfirmedLink).toBe(false)
    const person = listPeople(folder.db).people.find((p) => p.name === 'Sam Taylor')!
    decideLink(folder.db, { personId: person.id, identity: 'sam.taylor@corp.example', decision: 'confirm', note: 'HR record', examiner: 'Robin' })
    expect(listFindings(folder.db).find((f) => f.id === sam.id)!.unconfirmedLink).toBe(false)
    const custody = listCustody(folder.db)
    expect(custody.at(-1)).toMatchObject({ action: 'link.confirmed', details: { identity: 'sam.taylor@corp.example', to: 'confirmed' } })
  })

  it('a rejected link takes its findings away on the next run; decisions survive reruns', () => {
    const alarm = findings.find((f) => f.rule === 'door-alarm')!
    decideFinding(folder.db, { id: alarm.id, decision: 'confirm', reason: 'seen on CAM-DOCK', examiner: 'Robin' })
    const wei = listPeople(folder.db).people.find((p) => p.name === 'Wei Chen')!
    decideLink(folder.db, { personId: wei.id, identity: 'wchen', decision: 'reject', note: 'different Wei', examiner: 'Robin' })
    runCorrelation(folder.db)
    const after = listFindings(folder.db)
    expect(after.filter((f) => f.rule === 'badge-logon').map((f) => f.subjects[0])).toEqual(['Maria Lopez'])
    expect(after.find((f) => f.id === alarm.id)).toMatchObject({ status: 'confirmed', reason: 'seen on CAM-DOCK' })
    expect(() => decideFinding(folder.db, { id: alarm.id, decision: 'dismiss', reason: ' ', examiner: 'Robin' })).toThrow(/why/)
    expect(listCustody(folder.db).map((c) => c.action)).toEqual(expect.arrayContaining(['finding.confirmed', 'link.rejected', 'rules.settings-changed']))
  })

  it('lists places, devices and a person timeline', () => {
    const places = listPlaces(folder.db)
    expect(places.filter((p) => p.kind === 'site').map((p) => p.name)).toEqual(['Branch', 'HQ'])
    expect(places.find((p) => p.location === 'HQ / Loading Dock')!.cameras).toEqual(['CAM-DOCK'])
    const devices = listDevices(folder.db)
    expect(devices.filter((d) => d.kind === 'door-controller').map((d) => d.name)).toEqual(['PANEL-BR', 'PANEL-HQ'])
    expect(devices.some((d) => d.kind === 'host' && d.name === 'FS01.corp.example')).toBe(true)
    expect(devices.filter((d) => d.kind === 'camera')).toHaveLength(4)
    const john = listPeople(folder.db).people.find((p) => p.name === 'John Smith')!
    const tl = personTimeline(folder.db, john.id, 100)
    expect(tl.steps.filter((s) => s.kind === 'badge').map((s) => s.place)).toEqual(['HQ / Lobby', 'HQ / Side Door', 'HQ / Side Door', 'HQ / Server Room'])
    expect(tl.steps.filter((s) => s.kind === 'logon').map((s) => s.action)).toEqual(['logon', 'user.session.start'])
  })
})

describe('running the rules off the blocking path', () => {
  it('runCorrelationAsync hands the event loop back between steps and reports each rule', async () => {
    const steps: string[] = []
    let ticks = 0
    let ticking = true
    const tick = (): void => {
      ticks++
      if (ticking) setImmediate(tick)
    }
    setImmediate(tick)
    const before = ticks
    const summary = await runCorrelationAsync(folder.db, { onStep: (done, total, label) => steps.push(`${done}/${total} ${label}`) })
    ticking = false
    expect(steps).toEqual([
      '0/14 Rebuilding people and identities',
      '1/14 Rebuilding places',
      '2/14 Rebuilding devices',
      '3/14 Preparing working tables',
      ...rules.map((r, i) => `${4 + i}/14 Rule ${r.id}`),
      '13/14 Saving findings',
      '14/14 Done'
    ])
    // Other work ran between the steps (at least once per step).
    expect(ticks - before).toBeGreaterThanOrEqual(13)
    expect(summary.findings).toBe(listFindings(folder.db).length)
  })

  it('a cancelled run stops between steps, keeps the stored findings and drops its working tables', async () => {
    const before = listFindings(folder.db).map((f) => f.id)
    const runId = (folder.db.prepare('SELECT run_id FROM correlation_state WHERE id = 1').get() as { run_id: number }).run_id
    const ac = new AbortController()
    await expect(runCorrelationAsync(folder.db, { signal: ac.signal, onRule: (_i, _n, id) => id === 'tailgating' && ac.abort() })).rejects.toThrow('cancelled')
    expect(listFindings(folder.db).map((f) => f.id)).toEqual(before)
    expect((folder.db.prepare('SELECT run_id FROM correlation_state WHERE id = 1').get() as { run_id: number }).run_id).toBe(runId)
    expect(folder.db.prepare("SELECT name FROM temp.sqlite_master WHERE name LIKE 'corr_%'").all()).toEqual([])
  })
})
