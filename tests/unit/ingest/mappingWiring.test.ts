// Mapping profiles wired end to end: `iwb import --map profile.json` (the built CLI), and
// the contract calls the import dialog uses: mapping.suggest / save / list, and
// import.preview / import.start with a mapping instead of a format (the start runs in the
// built import worker, so the profile crosses the worker boundary too).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ImportPreview, ServerEvent } from '../../../shared/contract'
import type { EventRecord, ImportReport } from '../../../shared/ingestModel'
import type { MappingProfile, MappingSuggestionResult } from '../../../shared/mappingProfile'
import { Workbench } from '../../../electron/core/api/workbench'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

// An access-control export from a vendor no importer knows: ';'-separated, day-first
// dotted dates in local time, German words for the outcome; line 5 is damaged.
const CSV = [
  'Zeitpunkt;Inhaber;Chip;Tuer;Ergebnis;Bemerkung;Schicht',
  '05.03.2024 09:15:00;Meyer, Anna;0041;Haupteingang;Zutritt;;Früh',
  '05.03.2024 09:16:30;Bauer, Tom;0042;Serverraum;Abgewiesen;PIN falsch;Spät',
  '15.07.2024 18:02:00;Meyer, Anna;0041;Serverraum;Zutritt;;Spät',
  'kaputt;;;;;;',
  '31.10.2024 23:59:59;Kaya, Elif;0043;Lager;Zutritt;;Nacht',
  ''
].join('\r\n')

const PROFILE: MappingProfile = {
  id: 'acme-zutritt',
  name: 'ACME Zutrittskontrolle',
  kind: 'csv',
  delimiter: ';',
  headerRow: true,
  time: { column: 'Zeitpunkt', format: 'dd.MM.yyyy HH:mm:ss', zone: 'local' },
  columns: { actor: 'Inhaber', cardNumber: 'Chip', door: 'Tuer', action: 'Ergebnis', reason: 'Bemerkung' },
  actionMap: { Zutritt: 'granted', Abgewiesen: 'denied' },
  category: 'access'
}

// Europe/Berlin: CET (+1) in March and late October, CEST (+2) in July.
const EXPECTED = [
  [2, '2024-03-05T08:15:00.000Z', 'granted', 'Anna Meyer'],
  [3, '2024-03-05T08:16:30.000Z', 'denied', 'Tom Bauer'],
  [4, '2024-07-15T16:02:00.000Z', 'granted', 'Anna Meyer'],
  [6, '2024-10-31T22:59:59.000Z', 'granted', 'Elif Kaya']
]

describe('iwb import --map', () => {
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  let caseDir: string
  let csv: string
  beforeAll(() => {
    tmp = tempDir()
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    csv = join(tmp.path, 'zutritt.csv')
    writeFileSync(csv, CSV)
    expect(iwb(['case', 'create', caseDir, '--name', 'Mapped', '--tz', 'Europe/Berlin'], env).code).toBe(0)
  })
  afterAll(() => tmp.cleanup())

  const profileFile = (name: string, value: unknown): string => {
    const p = join(tmp.path, name)
    writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
    return p
  }

  it('refuses an invalid profile with exit 2, naming the field, before anything is acquired', () => {
    const bad = iwb(['import', caseDir, csv, '--map', profileFile('bad-zone.json', { ...PROFILE, time: { ...PROFILE.time, zone: 'CET' } })], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/bad-zone\.json is invalid: time\.zone: /)
    const badFormat = iwb(['import', caseDir, csv, '--map', profileFile('bad-format.json', { ...PROFILE, time: { ...PROFILE.time, format: 'HH:mm' } })], env)
    expect(badFormat.code).toBe(2)
    expect(badFormat.stderr).toMatch(/time\.format: "HH:mm" needs month, day and hour tokens/)
    const typo = iwb(['import', caseDir, csv, '--map', profileFile('typo.json', { ...PROFILE, columns: { ...PROFILE.columns, dor: 'Tuer' } })], env)
    expect(typo.code).toBe(2)
    expect(typo.stderr).toMatch(/columns: .*dor/)
    const notJson = iwb(['import', caseDir, csv, '--map', profileFile('broken.json', '{ "id": ')], env)
    expect(notJson.code).toBe(2)
    expect(notJson.stderr).toMatch(/broken\.json is not JSON/)
    const missing = iwb(['import', caseDir, csv, '--map', join(tmp.path, 'nowhere.json')], env)
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read mapping profile .*nowhere\.json/)
    const both = iwb(['import', caseDir, csv, '--map', profileFile('ok.json', PROFILE), '--format', 'syslog-rfc3164'], env)
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/--map and --format exclude each other/)

    const custody = JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as { action: string }[]
    expect(custody.map((c) => c.action)).toEqual(['case.created'])
  })

  it('imports with the profile: local times in the case zone, the action map, the bad line by number', () => {
    const r = iwb(['import', caseDir, csv, '--map', profileFile('acme.json', PROFILE), '--json'], env)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const report = JSON.parse(r.stdout) as ImportReport
    expect(report).toMatchObject({ status: 'complete', format: 'mapped-acme-zutritt', formatName: 'ACME Zutrittskontrolle', formatChosenBy: 'user', events: 4, badLines: 1 })
    expect(report.issues).toEqual([expect.objectContaining({ line: 5, excerpt: 'kaputt;;;;;;' })])
    expect(report.issues[0]!.reason).toMatch(/^unreadable time "kaputt"/)
    expect(report.notes[0]).toMatch(/^mapped with profile "acme-zutritt"/)

    const events = iwb(['events', caseDir, '--jsonl'], env).stdout.trim().split('\n').map((l) => JSON.parse(l) as EventRecord)
    expect(events.map((e) => [e.ref.line, e.ts, e.action, e.actor])).toEqual(EXPECTED)
    expect(events[1]).toMatchObject({ category: 'access', outcome: 'failure', actorId: '0042', location: 'Serverraum' })
    expect(events[1]!.fields).toMatchObject({ reasonText: 'PIN falsch', cardNumber: '0042', sourceColumns: { Schicht: 'Spät' } })
    const sources = JSON.parse(iwb(['sources', caseDir, '--json'], env).stdout) as { format: string; events: number }[]
    expect(sources).toEqual([expect.objectContaining({ format: 'mapped-acme-zutritt', events: 4 })])
  })

  it('prints the human report with the bad line', () => {
    const other = join(tmp.path, 'zutritt-2.csv')
    writeFileSync(other, CSV.replace('Kaya, Elif', 'Kaya, Elifa'))
    const r = iwb(['import', caseDir, other, '--map', join(tmp.path, 'acme.json')], env)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/imported\s+.*zutritt-2\.csv as mapped-acme-zutritt \(chosen\): 4 events, 1 bad lines/)
    expect(r.stdout).toMatch(/bad line 5 \(byte \d+\): unreadable time "kaputt"/)
  })
})

describe('mapping through the contract', () => {
  let tmp: ReturnType<typeof tempDir>
  let wb: Workbench
  let evidenceId: number
  const config = (): string => join(tmp.path, 'config')

  async function call<T>(method: string, params: unknown): Promise<T> {
    const r = await wb.call(method, params)
    if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
    return r.result as T
  }
  function job(jobId: string): Promise<ServerEvent> {
    return new Promise((resolve) => {
      const off = wb.onEvent((e) => {
        if ((e.type === 'job.done' || e.type === 'job.failed' || e.type === 'job.cancelled') && e.jobId === jobId) {
          off()
          resolve(e)
        }
      })
    })
  }
  async function acquire(name: string, content: string | Buffer): Promise<number> {
    const file = join(tmp.path, name)
    writeFileSync(file, content)
    const { jobId } = await call<{ jobId: string }>('evidence.acquire', { paths: [file] })
    const end = await job(jobId)
    expect(end.type).toBe('job.done')
    const list = await call<{ id: number; originalName: string }[]>('evidence.list', {})
    return list.find((e) => e.originalName === name)!.id
  }

  beforeEach(async () => {
    tmp = tempDir()
    wb = new Workbench({ transport: 'web', settings: new SettingsStore(config()) })
    await call('case.create', { dir: join(tmp.path, 'case'), name: 'Mapped', timeZone: 'Europe/Berlin' })
    evidenceId = await acquire('zutritt.csv', CSV)
  })
  afterEach(() => {
    wb.close()
    tmp.cleanup()
  })

  it('mapping.suggest lists the header columns and sample rows of the evidence file', async () => {
    const s = await call<MappingSuggestionResult>('mapping.suggest', { evidenceId })
    expect(s.kind).toBe('csv')
    expect(s.delimiter).toBe(';')
    expect(s.columns).toEqual(['Zeitpunkt', 'Inhaber', 'Chip', 'Tuer', 'Ergebnis', 'Bemerkung', 'Schicht'])
    expect(s.sampleRows[0]).toEqual(['05.03.2024 09:15:00', 'Meyer, Anna', '0041', 'Haupteingang', 'Zutritt', '', 'Früh'])
    expect(s.draft).toMatchObject({ kind: 'csv', delimiter: ';', headerRow: true })
    // Nothing here names a time column the rules know: the dialog asks.
    expect(s.missing).toContain('time.column')

    const json = await acquire('app.jsonl', '{"timestamp":"2024-03-01T10:00:00Z","user":{"name":"ana"},"event":"login"}\n{"timestamp":"2024-03-01T10:00:05Z","user":{"name":"bo"},"event":"logout"}\n')
    const j = await call<MappingSuggestionResult>('mapping.suggest', { evidenceId: json })
    expect(j).toMatchObject({ kind: 'jsonl', delimiter: null, columns: ['timestamp', 'user.name', 'event'] })
    expect(j.sampleRows[1]).toEqual(['2024-03-01T10:00:05Z', 'bo', 'logout'])
    expect(j.draft).toMatchObject({ kind: 'jsonl', headerRow: false, time: { column: 'timestamp', format: 'iso', zone: 'local' } })

    const blob = await acquire('blob.bin', Buffer.from([0, 1, 2, 3, 0, 255, 10, 0, 7]))
    const refused = await wb.call('mapping.suggest', { evidenceId: blob })
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/binary/) } })
    expect(await wb.call('mapping.suggest', { evidenceId: 999 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })

  it('import.preview reads the file with a mapping instead of a format, and refuses a bad mapping by field', async () => {
    const detected = await call<ImportPreview>('import.preview', { evidenceId })
    expect(detected.format).toBeNull()

    const p = await call<ImportPreview>('import.preview', { evidenceId, mapping: PROFILE })
    expect(p.format).toBe('mapped-acme-zutritt')
    expect(p.formatName).toBe('ACME Zutrittskontrolle')
    expect(p.events.map((e) => [e.line, e.ts, e.action, e.actor])).toEqual(EXPECTED)
    expect(p.events[0]).toMatchObject({ rawTime: '05.03.2024 09:15:00', flags: ['zone assumed'] })
    expect(p.issues).toEqual([expect.objectContaining({ line: 5, excerpt: 'kaputt;;;;;;' })])
    // The zone chosen in the dialog applies to the mapping's local times.
    const utc = await call<ImportPreview>('import.preview', { evidenceId, mapping: PROFILE, timeZone: 'UTC' })
    expect(utc.events[0]!.ts).toBe('2024-03-05T09:15:00.000Z')

    const both = await wb.call('import.preview', { evidenceId, mapping: PROFILE, format: 'syslog-rfc3164' })
    expect(both).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/either a format or a mapping profile/) } })
    const badField = await wb.call('import.preview', { evidenceId, mapping: { ...PROFILE, time: { ...PROFILE.time, format: 'banana' } } })
    expect(badField).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/mapping\.time\.format/) } })
    const badStart = await wb.call('import.start', { evidenceId, mapping: { ...PROFILE, kind: 'xml' } })
    expect(badStart).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/mapping\.kind/) } })
  })

  it('import.start imports with the mapping in the import worker', async () => {
    const { jobId } = await call<{ jobId: string }>('import.start', { evidenceId, mapping: PROFILE })
    const end = await job(jobId)
    expect(end.type === 'job.failed' ? end.error : end.type).toBe('job.done')
    const [report] = (end.type === 'job.done' ? end.result : []) as ImportReport[]
    expect(report).toMatchObject({ status: 'complete', format: 'mapped-acme-zutritt', events: 4, badLines: 1 })
    const events = await call<EventRecord[]>('events.query', {})
    expect(events.map((e) => [e.ref.line, e.ts, e.action, e.actor])).toEqual(EXPECTED)
    const detail = await call<{ original: string }>('events.get', { id: events[2]!.id })
    expect(detail.original).toBe('15.07.2024 18:02:00;Meyer, Anna;0041;Serverraum;Zutritt;;Spät')
  })

  it('mapping.save stores profiles in <config>/mapping-profiles, mapping.list lists them, a second save needs replace', async () => {
    const dir = join(config(), 'mapping-profiles')
    expect(await call('mapping.list', {})).toEqual({ dir, profiles: [], invalid: [] })
    const saved = await call<{ path: string; profile: MappingProfile }>('mapping.save', { profile: PROFILE })
    expect(saved).toEqual({ path: join(dir, 'acme-zutritt.json'), profile: PROFILE })
    expect(JSON.parse(readFileSync(saved.path, 'utf8'))).toEqual(PROFILE)

    const again = await wb.call('mapping.save', { profile: { ...PROFILE, name: 'Renamed' } })
    expect(again).toMatchObject({ ok: false, error: { code: 'CONFLICT', message: expect.stringMatching(/"acme-zutritt" is already saved/) } })
    await call('mapping.save', { profile: { ...PROFILE, name: 'Renamed' }, replace: true })

    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'junk.json'), '{"id":"junk"}')
    const listing = await call<{ profiles: { profile: MappingProfile }[]; invalid: { path: string; error: string }[] }>('mapping.list', {})
    expect(listing.profiles.map((p) => p.profile.name)).toEqual(['Renamed'])
    expect(listing.invalid).toEqual([{ path: join(dir, 'junk.json'), error: expect.stringMatching(/is invalid: /) }])

    const invalid = await wb.call('mapping.save', { profile: { ...PROFILE, id: '../escape' } })
    expect(invalid).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/profile\.id/) } })
    expect(existsSync(join(config(), 'escape.json'))).toBe(false)
  })
})
