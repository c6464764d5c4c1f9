// Mapping profiles: user-made importers for CSV / TSV / JSON-lines exports no built-in
// importer knows, validated, saved and listed as files, and proposed from a header.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkProfileAgainstHeader,
  createMappedImporter,
  listProfiles,
  loadMappingProfile,
  parseMappingProfile,
  saveProfile,
  suggestMapping,
  suggestTimeFormat,
  timeReader,
  type MappingProfile
} from '../../../electron/core/ingest/mapping'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { importSample } from '../../helpers/importSample'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwb-mapping-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function fixture(name: string, content: string): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

const doorProfile: MappingProfile = {
  id: 'acme-door',
  name: 'ACME door controller',
  kind: 'csv',
  headerRow: true,
  time: { column: 'When', format: 'dd/MM/yyyy HH:mm:ss', zone: 'local' },
  columns: { actor: 'Holder', cardNumber: 'Badge', site: 'Building', door: 'Door', action: 'Result', reason: 'Why' },
  actionMap: { OK: 'granted', NO: 'denied', FORCED: 'forced-open' },
  category: 'access'
}

describe('mapped CSV', () => {
  it('imports with the profile: local day-first times, access fields, action map, bad time by line', async () => {
    const path = await fixture(
      'acme.csv',
      [
        'When,Holder,Badge,Building,Door,Result,Why,Shift',
        '01/03/2024 09:15:00,"Smith, John",40211,HQ,Lobby,OK,,Day',
        '01/07/2024 09:16:00,Maria Lopez,40212,HQ,Server Room,NO,PIN wrong,Night',
        '31/02/2024 10:00:00,Wei Chen,40213,HQ,Lobby,OK,,Day',
        '01/03/2024 10:00:00,,,HQ,Dock,FORCED,,',
        '01/03/2024 10:01:00,Pat Doe,40216,HQ,Lobby,ok,,Day',
        ''
      ].join('\n')
    )
    const importer = createMappedImporter(doorProfile)
    expect(importer.id).toBe('mapped-acme-door')
    expect(importer.sniff(await readSniffInput(path))).toBe(0)

    const r = await importSample(importer, path, { timeZone: 'Europe/London' })
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 4 })])
    expect(r.bad[0]!.reason).toBe('unreadable time "31/02/2024 10:00:00" in column "When" (format dd/MM/yyyy HH:mm:ss)')
    expect(r.events.map((e) => [e.lineNo, e.ts, e.action, e.outcome])).toEqual([
      [2, '2024-03-01T09:15:00.000Z', 'granted', 'success'],
      [3, '2024-07-01T08:16:00.000Z', 'denied', 'failure'],
      [5, '2024-03-01T10:00:00.000Z', 'forced-open', 'unknown'],
      [6, '2024-03-01T10:01:00.000Z', 'granted', 'success']
    ])
    expect(r.events[0]).toMatchObject({
      category: 'access',
      actor: 'John Smith',
      actorId: '40211',
      location: 'HQ / Lobby',
      fields: { cardholderRaw: 'Smith, John', cardNumber: '40211', site: 'HQ', door: 'Lobby', vendorEvent: 'OK', sourceColumns: { Shift: 'Day' } }
    })
    expect(r.events[1]!.fields).toMatchObject({ reason: 'invalid-pin', reasonText: 'PIN wrong' })
    expect(r.events[0]!.flags.zoneAssumed).toBe(true)
    expect(r.notes[0]).toMatch(/^mapped with profile "acme-door"/)
  })

  it('refuses a file whose header lacks a column the profile names, saying which', async () => {
    const path = await fixture('acme_nodoor.csv', ['When,Holder,Badge,Building,Gate,Result,Why', '01/03/2024 09:15:00,John Smith,40211,HQ,Lobby,OK,'].join('\n'))
    expect(checkProfileAgainstHeader(doorProfile, ['When', 'Holder', 'Badge', 'Building', 'Gate', 'Result', 'Why'])).toEqual([
      'columns.door names "Door", which is not a column of the header'
    ])
    const r = await importSample(createMappedImporter(doorProfile), path)
    expect(r.events).toEqual([])
    expect(r.bad.map((b) => b.lineNo)).toEqual([1, 2])
    expect(r.bad[0]!.reason).toMatch(/^header does not match profile "acme-door": columns\.door names "Door", which is not a column of the header/)
    expect(r.bad[1]!.reason).toBe('not imported: the header (line 1) does not match profile "acme-door"')
  })

  it('reads a headerless TSV by column number with an offset in the stamp', async () => {
    const profile = parseMappingProfile({
      id: 'fw-tsv',
      name: 'Firewall TSV',
      kind: 'tsv',
      headerRow: false,
      time: { column: '1', format: "yyyy-MM-dd'T'HH:mm:ssZZ", zone: 'local' },
      columns: { srcIp: '2', dstIp: '3', action: '4' },
      outcomeMap: {},
      category: 'network'
    })
    const path = await fixture('fw.tsv', '2024-03-01T09:00:00-05:00\t10.0.0.5\t8.8.8.8\tallow\textra\n2024-03-01T09:00:01+01:00\t10.0.0.6\t1.1.1.1\tdeny\n')
    const r = await importSample(createMappedImporter(profile), path, { timeZone: 'Asia/Tokyo' })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.ts, e.srcIp, e.dstIp, e.action, e.category])).toEqual([
      ['2024-03-01T14:00:00.000Z', '10.0.0.5', '8.8.8.8', 'allow', 'network'],
      ['2024-03-01T08:00:01.000Z', '10.0.0.6', '1.1.1.1', 'deny', 'network']
    ])
    expect(r.events[0]!.fields).toMatchObject({ sourceColumns: { 'column 5': 'extra' } })
    expect(r.events[0]!.flags.zoneAssumed).toBe(false)
  })
})

describe('mapped JSON lines', () => {
  it('imports nested keys with epoch-ms times; unreadable time and broken JSON are numbered bad lines', async () => {
    const profile = parseMappingProfile({
      id: 'app-auth',
      name: 'App auth log',
      kind: 'jsonl',
      headerRow: false,
      time: { column: 'ts', format: 'epoch-ms', zone: 'utc' },
      columns: { actor: 'user.name', srcIp: 'client.ip', action: 'event', outcome: 'status', message: 'msg' },
      category: 'auth'
    })
    const path = await fixture(
      'auth.jsonl',
      [
        '{"ts":1709301731123,"user":{"name":"jsmith"},"client":{"ip":"10.0.0.5"},"event":"login","status":"success","msg":"login ok","session":"s1"}',
        '{"ts":1709301790000,"user":{"name":"mlopez"},"client":{"ip":"10.0.0.6"},"event":"login","status":"failed","msg":"bad password"}',
        '{"ts":"yesterday","user":{"name":"x"}}',
        'not json',
        '[1,2]',
        ''
      ].join('\n')
    )
    const r = await importSample(createMappedImporter(profile), path)
    expect(r.events.map((e) => [e.lineNo, e.ts, e.category, e.action, e.outcome, e.actor, e.srcIp, e.message])).toEqual([
      [1, '2024-03-01T14:02:11.123Z', 'auth', 'login', 'success', 'jsmith', '10.0.0.5', 'login ok'],
      [2, '2024-03-01T14:03:10.000Z', 'auth', 'login', 'failure', 'mlopez', '10.0.0.6', 'bad password']
    ])
    expect(r.events[0]!.fields).toMatchObject({ outcomeText: 'success', sourceColumns: { session: 's1' } })
    expect(r.bad.map((b) => [b.lineNo, b.reason.split(':')[0]])).toEqual([
      [3, 'unreadable time "yesterday" in column "ts" (format epoch-ms)'],
      [4, 'invalid JSON'],
      [5, 'JSON line is not an object']
    ])
  })
})

describe('mapped time formats', () => {
  it('reads zone-less stamps as UTC or local as the profile says, and leaves a missing year to the pipeline', () => {
    expect(timeReader('iso', 'utc')('2024-03-01 14:02:11')).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 14, 2, 11) * 1000 })
    expect(timeReader('iso', 'local')('2024-03-01 14:02:11')).toMatchObject({ kind: 'local', year: 2024, hour: 14 })
    expect(timeReader('iso', 'local')('2024-03-01T14:02:11+02:00')).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 12, 2, 11) * 1000 })
    expect(timeReader('MMM d HH:mm:ss', 'local')('Jun 14 15:16:01')).toMatchObject({ kind: 'local', year: null, month: 6, day: 14, hour: 15 })
    expect(timeReader('MMM d HH:mm:ss', 'utc')('Jun 14 15:16:01')).toMatchObject({ kind: 'local', year: null, zoneAbbrev: 'UTC' })
    expect(timeReader('epoch-s', 'local')('1709301731.5')).toEqual({ kind: 'utc', us: 1709301731_500000 })
    expect(timeReader('M/d/yyyy h:mm:ss a', 'local')('3/1/2024 1:05:09 PM')).toMatchObject({ kind: 'local', hour: 13, second: 9 })
  })
})

describe('mapping profile files', () => {
  it('refuses an invalid profile with a message naming the bad field', async () => {
    const bad = async (name: string, value: unknown): Promise<string> => {
      const path = await fixture(name, JSON.stringify(value))
      return loadMappingProfile(path).then(
        () => 'accepted',
        (err: Error) => err.message
      )
    }
    expect(await bad('zone.json', { ...doorProfile, time: { ...doorProfile.time, zone: 'EST' } })).toMatch(/is invalid: time\.zone: /)
    expect(await bad('format.json', { ...doorProfile, time: { ...doorProfile.time, format: 'banana' } })).toMatch(/time\.format: "banana" needs month, day and hour tokens/)
    expect(await bad('id.json', { ...doorProfile, id: 'ACME Door' })).toMatch(/id: must be lowercase letters/)
    expect(await bad('typo.json', { ...doorProfile, columns: { ...doorProfile.columns, dor: 'Door' } })).toMatch(/columns: .*dor/)
    expect(await bad('action.json', { ...doorProfile, actionMap: { OK: 'allowed' } })).toMatch(/actionMap\.OK: /)
    expect(await bad('headerless.json', { ...doorProfile, headerRow: false })).toMatch(/time\.column: "When" must be a column number/)
    expect(await bad('jsonl.json', { ...doorProfile, kind: 'jsonl' })).toMatch(/headerRow: must be false for jsonl/)
    expect(await bad('missing.json', { id: 'x', name: 'x' })).toMatch(/kind: .*headerRow: .*time: .*columns: .*category: /)
    const notJson = await fixture('broken.json', '{ "id": ')
    await expect(loadMappingProfile(notJson)).rejects.toThrow(/is not JSON/)
  })

  it('saves, loads and lists profiles in a folder, reporting invalid files', async () => {
    const folder = join(dir, 'profiles')
    expect(await listProfiles(folder)).toEqual({ profiles: [], invalid: [] })
    const saved = await saveProfile(folder, doorProfile)
    expect(saved).toBe(join(folder, 'acme-door.json'))
    expect(await loadMappingProfile(saved)).toEqual(doorProfile)
    await writeFile(join(folder, 'junk.json'), '{"id":"junk"}')
    await writeFile(join(folder, 'notes.txt'), 'not a profile')
    const listing = await listProfiles(folder)
    expect(listing.profiles).toEqual([{ path: saved, profile: doorProfile }])
    expect(listing.invalid).toHaveLength(1)
    expect(listing.invalid[0]!.path).toBe(join(folder, 'junk.json'))
    await expect(saveProfile(folder, { ...doorProfile, kind: 'xml' } as unknown as MappingProfile)).rejects.toThrow(/kind: /)
  })
})

describe('suggestMapping', () => {
  it('proposes time, card, name, door, site, event and reason columns and a format from samples', () => {
    const s = suggestMapping(['Event Time (UTC)', 'Cardholder', 'Card Number', 'Door', 'Site', 'Event', 'Reason', 'Comment'], {
      sampleRows: [
        ['2024-03-01 14:02:11', 'Smith, John', '40211', 'Lobby', 'HQ', 'Granted', '', ''],
        ['2024-03-01 14:03:00', 'Maria Lopez', '40212', 'Server Room', 'HQ', 'Denied', 'Expired', '']
      ]
    })
    expect(s.draft.time).toEqual({ column: 'Event Time (UTC)', format: 'iso', zone: 'utc' })
    expect(s.draft.columns).toEqual({ actor: 'Cardholder', cardNumber: 'Card Number', door: 'Door', site: 'Site', action: 'Event', reason: 'Reason' })
    expect(s.draft.category).toBe('access')
    expect(s.missing).toEqual([])
    // The draft becomes a valid profile once named.
    expect(() => parseMappingProfile({ ...s.draft, id: 'site-export', name: 'Site export' })).not.toThrow()
  })

  it('lists what it cannot propose and proposes local time for zone-less headers', () => {
    const s = suggestMapping(['Badge ID', 'Employee Name', 'Reader Name'])
    expect(s.missing).toEqual(['time.column', 'time.format'])
    expect(s.draft.columns).toMatchObject({ cardNumber: 'Badge ID', actor: 'Employee Name', reader: 'Reader Name' })
    const t = suggestMapping(['timestamp', 'user', 'src_ip', 'action'], { sampleRows: [['1709301731', 'jsmith', '10.0.0.5', 'login']] })
    expect(t.draft).toMatchObject({ category: 'other', time: { column: 'timestamp', format: 'epoch-s', zone: 'local' }, columns: { actor: 'user', srcIp: 'src_ip', action: 'action' } })
  })

  it('proposes slash-date formats and says when day and month order is open', () => {
    expect(suggestTimeFormat(['3/1/2024 1:05:09 PM', '12/31/2024 11:00:00 AM'])).toEqual({ format: 'M/d/yyyy h:mm:ss a' })
    expect(suggestTimeFormat(['31/1/2024 13:05', '1/2/2024 09:00'])).toEqual({ format: 'd/M/yyyy H:mm' })
    expect(suggestTimeFormat(['3/1/2024 13:05:09']).note).toMatch(/check it/)
    expect(suggestTimeFormat(['1709301731123'])).toEqual({ format: 'epoch-ms' })
    expect(suggestTimeFormat(['yesterday'])).toEqual({ format: null })
  })
})
