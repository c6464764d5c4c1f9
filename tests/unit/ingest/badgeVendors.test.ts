// Vendor badge exports. No vendor publishes samples, so these fixtures are written from the
// documented columns and time conventions (see shared/FORMATS.md) into a temporary folder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { badgeImporters } from '../../../electron/core/ingest/formats/badge'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample, type SampleEvent } from '../../helpers/importSample'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwb-badge-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function fixture(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name)
  await writeFile(path, content)
  return path
}

const lines = (...ls: string[]): string => ls.join('\r\n') + '\r\n'
const at = (events: SampleEvent[], lineNo: number): SampleEvent => {
  const e = events.find((x) => x.lineNo === lineNo)
  if (!e) throw new Error(`no event from line ${lineNo}`)
  return e
}

async function badgeScores(path: string): Promise<Record<string, number>> {
  const input = await readSniffInput(path)
  return Object.fromEntries(badgeImporters.map((i) => [i.id, i.sniff(input)]))
}

describe('Lenel OnGuard', () => {
  const header = 'EVENT_TIME_UTC,EVDESCR,CARDNUM,EMPID,FIRSTNAME,LASTNAME,READERDESC,PANELNAME,DEVID,SERIALNUM,SEQ,BADGEKEY'

  it('maps a UTC export: every action, denial reasons, and bad rows by line number', async () => {
    const path = await fixture(
      'lenel_utc.csv',
      lines(
        header,
        '2024-03-01 14:02:11,Access Granted,40211,E1001,John,Smith,HQ Lobby Turnstile 1,PANEL-01,3,9001,1,501',
        '2024-03-01 14:03:00.5,Invalid PIN Number,40212,E1002,Maria,Lopez,HQ Server Room,PANEL-02,7,9002,2,502',
        '2024-03-01 14:04:00,Access Denied - Expired Badge,40213,E1003,Wei,Chen,HQ Server Room,PANEL-02,7,9003,3,503',
        '2024-03-01 14:05:00,Door Forced Open,,,,,HQ Loading Dock,PANEL-03,9,9004,4,',
        '2024-03-01 14:06:00,Door Held Open,,,,,HQ Loading Dock,PANEL-03,9,9005,5,',
        '2024-03-01 14:07:00,Request to Exit - Door Used,,,,,HQ Lobby Exit,PANEL-01,4,9006,6,',
        '2024-03-01 14:08:00,Area APB Violation,40211,E1001,John,Smith,HQ Lab,PANEL-04,11,9007,7,501',
        '2024-03-01 14:09:00,Reader Tamper,,,,,HQ Lab,PANEL-04,11,9008,8,',
        '2024-03-01 14:10:00,Communications Lost,,,,,,PANEL-05,,9009,9,',
        '2024-03-01 14:11:00,Door Forced Open Restored,,,,,HQ Loading Dock,PANEL-03,9,9010,10,',
        '2024-03-01 14:12:00,"Access Denied, Lost Badge",40214,E1004,Pat,O\'Brien,HQ Lobby Turnstile 1,PANEL-01,3,9011,11,504',
        '2024-02-30 09:00:00,Access Granted,40211,E1001,John,Smith,HQ Lobby Turnstile 1,PANEL-01,3,9012,12,501',
        'not a time,Access Granted,40211,E1001,John,Smith,HQ Lobby Turnstile 1,PANEL-01,3,9013,13,501',
        '2024-03-01 14:13:00,Access Granted,40215,E1005,John,Smith, Jr.,HQ Lobby,PANEL-01,3,9014,14,505',
        '2024-03-01 14:14:00,"Access Granted,40215,E1005'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-lenel-onguard', confidence: 0.95 })
    const r = await importSample('badge-lenel-onguard', path, { timeZone: 'America/Chicago' })
    expect(r.notes).toContain('Lenel OnGuard: time taken from EVENT_TIME_UTC as UTC')
    expect(r.events).toHaveLength(11)
    expect(r.bad.map((b) => b.lineNo)).toEqual([13, 14, 15, 16])
    expect(r.bad[0]!.reason).toMatch(/unreadable time "2024-02-30 09:00:00"/)
    expect(r.bad[2]!.reason).toBe('row has 13 fields; the header (line 1) has 12')
    expect(r.bad[3]!.reason).toMatch(/CSV syntax: Quote Not Closed/)

    expect(at(r.events, 2)).toMatchObject({
      ts: '2024-03-01T14:02:11.000Z',
      category: 'access',
      action: 'granted',
      outcome: 'success',
      actor: 'John Smith',
      actorId: '40211',
      location: 'HQ Lobby Turnstile 1',
      fields: {
        cardNumber: '40211',
        employeeId: 'E1001',
        firstName: 'John',
        lastName: 'Smith',
        reader: 'HQ Lobby Turnstile 1',
        panel: 'PANEL-01',
        vendorEvent: 'Access Granted',
        sourceColumns: { DEVID: '3', SERIALNUM: '9001', SEQ: '1', BADGEKEY: '501' }
      }
    })
    expect(at(r.events, 2).flags.zoneAssumed).toBe(false)
    expect(at(r.events, 3)).toMatchObject({ ts: '2024-03-01T14:03:00.500Z', action: 'denied', outcome: 'failure', fields: { reason: 'invalid-pin', reasonText: 'Invalid PIN Number' } })
    expect(at(r.events, 4).fields).toMatchObject({ reason: 'expired' })
    expect(at(r.events, 5)).toMatchObject({ action: 'forced-open', outcome: 'unknown', actor: null, actorId: null, location: 'HQ Loading Dock' })
    expect(at(r.events, 6).action).toBe('held-open')
    expect(at(r.events, 7).action).toBe('request-to-exit')
    expect(at(r.events, 8)).toMatchObject({ action: 'denied', fields: { reason: 'antipassback' } })
    expect(at(r.events, 9).action).toBe('tamper')
    expect(at(r.events, 10)).toMatchObject({ action: 'offline', location: null, fields: { panel: 'PANEL-05' } })
    expect(at(r.events, 11)).toMatchObject({ action: 'other', fields: { vendorEvent: 'Door Forced Open Restored' } })
    expect(at(r.events, 12)).toMatchObject({ action: 'denied', actor: "Pat O'Brien", fields: { reason: 'lost', vendorEvent: 'Access Denied, Lost Badge' } })
  })

  it('reads EVENT_LOCAL_TIME in the source zone, across DST', async () => {
    const path = await fixture(
      'lenel_local.csv',
      lines(
        'EVENT_LOCAL_TIME,EVTDESCR,CARDNUM,FIRSTNAME,LASTNAME,READERDESC,PANELNAME',
        '2024-01-15 08:30:00,Access Granted,40211,John,Smith,Lobby,P1',
        '2024-07-04 08:30:00,Access Granted,40211,John,Smith,Lobby,P1'
      )
    )
    const r = await importSample('badge-lenel-onguard', path, { timeZone: 'America/Chicago' })
    expect(r.notes).toContain("Lenel OnGuard: time taken from EVENT_LOCAL_TIME as local time in the source's zone")
    expect(r.events.map((e) => e.ts)).toEqual(['2024-01-15T14:30:00.000Z', '2024-07-04T13:30:00.000Z'])
    expect(r.events[0]!.flags.zoneAssumed).toBe(true)
  })

  it('reads a zone named in the column (Event_Time_CST) whatever the source zone', async () => {
    const path = await fixture(
      'lenel_cst.csv',
      lines('Event_Time_CST,EVDESCR,CARDNUM,FIRSTNAME,LASTNAME,READERDESC,PANELNAME', '2024-07-04 08:30:00,Access Granted,40211,John,Smith,Lobby,P1')
    )
    const r = await importSample('badge-lenel-onguard', path, { timeZone: 'Europe/Paris' })
    expect(r.events[0]!.ts).toBe('2024-07-04T14:30:00.000Z')
    expect(r.decisions.abbreviations.CST).toEqual({ offsetMinutes: -360, count: 1 })
    expect(r.notes).toContain('Lenel OnGuard: time taken from Event_Time_CST as the CST zone named in the column')
  })

  it('reads a semicolon export, skipping a header repeated mid-file', async () => {
    const path = await fixture(
      'lenel_semicolon.csv',
      lines(
        'EVENT_TIME_UTC;EVDESCR;CARDNUM;FIRSTNAME;LASTNAME;READERDESC;PANELNAME',
        '2024-03-01 14:02:11;Access Granted;40211;John;Smith;Lobby, North;P1',
        'EVENT_TIME_UTC;EVDESCR;CARDNUM;FIRSTNAME;LASTNAME;READERDESC;PANELNAME',
        '2024-03-01 14:03:11;Access Denied;40212;Maria;Lopez;Lobby, North;P1'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-lenel-onguard', confidence: 0.95 })
    const r = await importSample('badge-lenel-onguard', path)
    expect(r.notes).toContain('columns separated by ";"')
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.lineNo, e.action, e.location])).toEqual([
      [2, 'granted', 'Lobby, North'],
      [4, 'denied', 'Lobby, North']
    ])
  })

  it('reads the same columns as JSON lines (SIEM forwarder shape)', async () => {
    const path = await fixture(
      'lenel.jsonl',
      '{"event_time_utc":"2024-03-01T14:02:11.123","evdescr":"Access Granted","cardnum":40211,"readerdesc":"HQ Lobby","panelname":"P1","badgekey":501,"firstname":"John","lastname":"Smith"}\n'
    )
    expect((await badgeScores(path))['badge-lenel-onguard']).toBe(0.95)
    const r = await importSample('badge-lenel-onguard', path)
    expect(r.events[0]).toMatchObject({ ts: '2024-03-01T14:02:11.123Z', action: 'granted', actor: 'John Smith', actorId: '40211' })
  })
})

const CCURE_XML = `<?xml version="1.0" encoding="utf-8"?>
<JournalExport>
  <!-- <JournalMessage> exported from the Administration Station -->
  <JournalMessage>
    <MessageLocalDateTime>03/01/2024 01:05:09 PM</MessageLocalDateTime>
    <JournalLogMessageType>CardAdmitted</JournalLogMessageType>
    <MessageText>Admitted 'Smith, John' (Card: 40211) at 'HQ Lobby Door' [In].</MessageText>
    <PrimaryObjectName>Smith, John</PrimaryObjectName>
    <SecondaryObjectName>HQ Lobby Door</SecondaryObjectName>
  </JournalMessage>
  <JournalMessage>
    <MessageLocalDateTime>03/01/2024 12:15:00 AM</MessageLocalDateTime>
    <JournalLogMessageType>CardRejected</JournalLogMessageType>
    <MessageText>Rejected 'Lost, Mary' (Card: 40300) at 'Server Room' [In]. Reason: Clearance</MessageText>
    <PrimaryObjectName>Lost, Mary</PrimaryObjectName>
    <SecondaryObjectName>Server Room</SecondaryObjectName>
  </JournalMessage>
  <JournalMessage>
    <MessageLocalDateTime>03/01/2024 02:00:00 PM</MessageLocalDateTime>
    <JournalLogMessageType>DoorForcedOpen</JournalLogMessageType>
    <MessageText>Door Forced Open at 'Loading Dock'.</MessageText>
    <PrimaryObjectName>Loading Dock</PrimaryObjectName>
  </JournalMessage>
  <JournalMessage>
    <MessageLocalDateTime>03/01/2024 03:00:00 PM</MessageLocalDateTime>
    <MessageText>Admitted <b>broken</MessageText>
  </JournalMessage>
  <JournalMessage>
    <MessageLocalDateTime>03/01/2024 11:59:59 PM</MessageLocalDateTime>
    <JournalLogMessageType>CardRejected</JournalLogMessageType>
    <MessageText>Rejected 'Chen, Wei' (Card: 40213) at 'Server Room' [In]. Reason: Expired</MessageText>
    <PrimaryObjectName>Chen, Wei</PrimaryObjectName>
    <SecondaryObjectName>Server Room</SecondaryObjectName>
  </JournalMessage>
  <JournalMessage>
    <MessageLocalDateTime>03/02/2024 08:00:00 AM</MessageLocalDateTime>
    <JournalLogMessageType>RequestToExit</JournalLogMessageType>
    <MessageText>Request to Exit at 'HQ Lobby Door'.</MessageText>
    <PrimaryObjectName>HQ Lobby Door</PrimaryObjectName>
  </JournalMessage>
</JournalExport>
`

describe('C•CURE 9000', () => {
  it('reads the XML journal message by message with byte offsets; a broken message is one bad record', async () => {
    const path = await fixture('ccure_journal.xml', CCURE_XML)
    expect(await detect(path)).toEqual({ id: 'badge-ccure-9000-xml', confidence: 0.95 })
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'America/New_York' })
    expect(r.notes).toContain('C•CURE 9000 XML: journal messages read from <JournalMessage> elements (utf-8)')
    expect(r.notes).toContain("C•CURE 9000: time taken from MessageLocalDateTime as local time in the source's zone")
    expect(r.events.map((e) => [e.recordNo, e.ts, e.action])).toEqual([
      [1, '2024-03-01T18:05:09.000Z', 'granted'],
      [2, '2024-03-01T05:15:00.000Z', 'denied'],
      [3, '2024-03-01T19:00:00.000Z', 'forced-open'],
      [5, '2024-03-02T04:59:59.000Z', 'denied'],
      [6, '2024-03-02T13:00:00.000Z', 'request-to-exit']
    ])
    expect(r.bad).toHaveLength(1)
    expect(r.bad[0]).toMatchObject({ recordNo: 4 })
    expect(r.bad[0]!.reason).toMatch(/^malformed journal message: .*'b'/)

    const first = r.events[0]!
    // The comment mentions <JournalMessage> too: the offset must be the real element's.
    const start = CCURE_XML.indexOf('<JournalMessage>\n    <MessageLocalDateTime>03/01/2024 01:05')
    expect(first.offset).toBe(Buffer.byteLength(CCURE_XML.slice(0, start)))
    expect(first.length).toBe(Buffer.byteLength(CCURE_XML.slice(start, CCURE_XML.indexOf('</JournalMessage>', start) + 17)))
    expect(first).toMatchObject({
      actor: 'John Smith',
      actorId: '40211',
      location: 'HQ Lobby Door',
      message: "Admitted 'Smith, John' (Card: 40211) at 'HQ Lobby Door' [In].",
      fields: { cardholderRaw: 'Smith, John', door: 'HQ Lobby Door', vendorEvent: 'CardAdmitted' }
    })
    // A cardholder called "Lost" is not a lost card: the reason is the clearance.
    expect(r.events[1]).toMatchObject({ actor: 'Mary Lost', fields: { reason: 'no-privilege', reasonText: 'Clearance' } })
    expect(r.events[2]).toMatchObject({ actor: null, location: 'Loading Dock' })
    expect(r.events[3]!.fields).toMatchObject({ reason: 'expired' })
  })

  it('reads a UTF-16 export (SQL Server) with byte offsets in the file', async () => {
    const text = CCURE_XML.replace('encoding="utf-8"', 'encoding="utf-16"')
    const path = await fixture('ccure_journal_utf16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    expect(await detect(path)).toEqual({ id: 'badge-ccure-9000-xml', confidence: 0.95 })
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'America/New_York' })
    expect(r.events).toHaveLength(5)
    expect(r.bad).toHaveLength(1)
    const start = text.indexOf('<JournalMessage>\n    <MessageLocalDateTime>03/01/2024 01:05')
    expect(r.events[0]!.offset).toBe(2 + start * 2)
    expect(r.events[0]!.ts).toBe('2024-03-01T18:05:09.000Z')
  })

  it('reads messages written as attributes, and survives a message that never ends', async () => {
    const xml = [
      '<?xml version="1.0"?>',
      '<Journal>',
      '<Message MessageLocalDateTime="03/01/2024 01:05:09 PM" MessageText="Admitted \'Smith, John\' (Card: 40211) at \'Lobby\' [In]." PrimaryObjectName="Smith, John" SecondaryObjectName="Lobby" />',
      '<Message MessageLocalDateTime="03/01/2024 01:06:00 PM" MessageText="Door Held Open at \'Lobby\'" PrimaryObjectName="Lobby">',
      '<Message MessageLocalDateTime="03/01/2024 01:07:00 PM" MessageText="Admitted \'Chen, Wei\' (Card: 40213) at \'Lobby\' [In]." PrimaryObjectName="Chen, Wei" SecondaryObjectName="Lobby"></Message>',
      '<Message MessageLocalDateTime="03/01/2024 01:08:00 PM" MessageText="never closed"',
      ''
    ].join('\n')
    const path = await fixture('ccure_attrs.xml', xml)
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.recordNo, e.ts, e.action, e.actor])).toEqual([
      [1, '2024-03-01T13:05:09.000Z', 'granted', 'John Smith'],
      [3, '2024-03-01T13:07:00.000Z', 'granted', 'Wei Chen']
    ])
    expect(r.bad.map((b) => [b.recordNo, b.reason])).toEqual([
      [2, 'unterminated <Message> journal message: the next message starts before </Message>'],
      [4, 'unterminated <Message> journal message: the file ends inside it']
    ])
  })

  it('reads the CSV report and the JSON feed (messageutc)', async () => {
    const csv = await fixture(
      'ccure.csv',
      lines(
        'MessageLocalDateTime,JournalLogMessageType,MessageText,PrimaryObjectName,SecondaryObjectName',
        `03/01/2024 01:05:09 PM,CardAdmitted,"Admitted 'Smith, John' (Card: 40211) at 'HQ Lobby Door' [In].","Smith, John",HQ Lobby Door`,
        `03/01/2024 01:06:00 PM,CardRejected,"Rejected 'Lopez, Maria' (Card: 40212) at 'Server Room' [In]. Reason: Invalid PIN","Lopez, Maria",Server Room`,
        `03/01/2024 01:07:00 PM,DoorHeldOpen,Door Held Open at 'Lobby'.,Lobby,`,
        `03/01/2024 01:08:00 PM,ReaderTamper,Reader Tamper at 'Lobby Reader'.,Lobby Reader,`,
        `03/01/2024 01:09:00 PM,ControllerOffline,Controller 'iSTAR-1' communications lost.,iSTAR-1,`
      )
    )
    expect(await detect(csv)).toEqual({ id: 'badge-ccure-9000-csv', confidence: 0.95 })
    const r = await importSample('badge-ccure-9000-csv', csv, { timeZone: 'America/New_York' })
    expect(r.events.map((e) => [e.ts, e.action, e.actor, e.actorId, e.fields?.reason])).toEqual([
      ['2024-03-01T18:05:09.000Z', 'granted', 'John Smith', '40211', undefined],
      ['2024-03-01T18:06:00.000Z', 'denied', 'Maria Lopez', '40212', 'invalid-pin'],
      ['2024-03-01T18:07:00.000Z', 'held-open', null, null, undefined],
      ['2024-03-01T18:08:00.000Z', 'tamper', null, null, undefined],
      ['2024-03-01T18:09:00.000Z', 'offline', null, null, undefined]
    ])
    expect(r.events[2]!.location).toBe('Lobby')

    const json = await fixture(
      'ccure_feed.jsonl',
      '{"messageutc":"2024-03-01T18:05:09.000Z","messagetype":"CardAdmitted","statecode":"Admitted","primaryobjectname":"Smith, John","objectname2":"HQ Lobby Door","card":"40211"}\n'
    )
    expect((await badgeScores(json))['badge-ccure-9000-csv']).toBe(0.9)
    const j = await importSample('badge-ccure-9000-csv', json, { timeZone: 'America/New_York' })
    expect(j.events[0]).toMatchObject({ ts: '2024-03-01T18:05:09.000Z', action: 'granted', actor: 'John Smith', actorId: '40211', location: 'HQ Lobby Door' })
  })
})

describe('Genetec Synergis', () => {
  it('reads a report whose header says (UTC)', async () => {
    const path = await fixture(
      'genetec_utc.csv',
      lines(
        'Event timestamp (UTC),Event,Cardholder,Credential,Door,Access point,Site',
        '2024-03-01 14:02:11,Access granted,John Smith,40211,Lobby,Lobby - Reader (In),HQ',
        '2024-03-01 14:03:00,Access denied: insufficient privileges,Maria Lopez,40212,Server Room,Server Room - Reader (In),HQ',
        '2024-03-01 14:04:00,Access denied: expired credential,Wei Chen,40213,Server Room,Server Room - Reader (In),HQ',
        '2024-03-01 14:05:00,Door forced open,,,Loading Dock,,HQ',
        '2024-03-01 14:06:00,Door held open,,,Loading Dock,,HQ',
        '2024-03-01 14:07:00,Request to exit,,,Lobby,Lobby - REX,HQ',
        '2024-03-01 14:08:00,Access denied: antipassback violation,John Smith,40211,Lab,Lab - Reader (In),HQ',
        '2024-03-01 14:09:00,Access denied: unknown credential,,99999,Lobby,Lobby - Reader (In),HQ',
        '2024-03-01 14:10:00,Door offline,,,Lab,,HQ',
        '2024-03-01 14:11:00,Access denied: inactive credential,Pat Doe,40216,Lobby,Lobby - Reader (In),HQ',
        '2024-03-01 14:12:00,Access denied: invalid PIN,Pat Doe,40216,Lobby,Lobby - Reader (In),HQ'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-genetec-synergis', confidence: 0.9 })
    const r = await importSample('badge-genetec-synergis', path, { timeZone: 'America/New_York' })
    expect(r.notes).toContain('Genetec Synergis: "Event timestamp (UTC)" says (UTC): stamps read as UTC')
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.action, e.fields?.reason])).toEqual([
      ['granted', undefined],
      ['denied', 'no-privilege'],
      ['denied', 'expired'],
      ['forced-open', undefined],
      ['held-open', undefined],
      ['request-to-exit', undefined],
      ['denied', 'antipassback'],
      ['denied', 'unknown-credential'],
      ['offline', undefined],
      ['denied', 'inactive'],
      ['denied', 'invalid-pin']
    ])
    expect(r.events[0]).toMatchObject({
      ts: '2024-03-01T14:02:11.000Z',
      actor: 'John Smith',
      actorId: '40211',
      location: 'HQ / Lobby',
      fields: { site: 'HQ', door: 'Lobby', reader: 'Lobby - Reader (In)' }
    })
  })

  it('reads local time when the header does not say (UTC), after a report preamble, and notes both', async () => {
    const path = await fixture(
      'genetec_local.csv',
      lines(
        'Door activity report',
        'Generated 3/2/2024 8:00:00 AM',
        '',
        'Event timestamp,Event,Cardholder,Credential,Door,Access point,Site',
        '3/1/2024 9:02:11 AM,Access granted,John Smith,40211,Lobby,Lobby - Reader (In),HQ',
        '7/1/2024 9:02:11 AM,Access granted,John Smith,40211,Lobby,Lobby - Reader (In),HQ'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-genetec-synergis', confidence: 0.9 })
    const r = await importSample('badge-genetec-synergis', path, { timeZone: 'America/New_York' })
    expect(r.notes).toContain('Genetec Synergis: "Event timestamp" does not say (UTC): stamps read as local time in the source\'s zone')
    expect(r.notes).toContain('2 line(s) above the header row (line 4) skipped as report preamble')
    expect(r.events.map((e) => e.ts)).toEqual(['2024-03-01T14:02:11.000Z', '2024-07-01T13:02:11.000Z'])
  })
})

describe('Brivo', () => {
  it('reads the activity export with ISO UTC times', async () => {
    const path = await fixture(
      'brivo.csv',
      lines(
        'Date/Time,User,Event,Site,Door/Device',
        '2024-03-01T14:02:11.123Z,"Smith, John",Valid Credential,HQ,Front Door',
        '2024-03-01T14:03:00.000Z,Maria Lopez,Failed Access by User: Out of Schedule,HQ,Server Room',
        '2024-03-01T14:04:00.000Z,,Failed Access by Unknown Person,HQ,Front Door',
        '2024-03-01T14:05:00.000Z,,Door Forced Open,HQ,Loading Dock',
        '2024-03-01T14:06:00.000Z,,Door Ajar,HQ,Loading Dock',
        '2024-03-01T14:06:30.000Z,,Door Ajar Cleared,HQ,Loading Dock',
        '2024-03-01T14:07:00.000Z,,Request to Exit,HQ,Front Door',
        '2024-03-01T14:08:00.000Z,,Control Panel Offline,HQ,ACS300',
        '2024-03-01T14:09:00.000Z,,Tamper,HQ,ACS300',
        '2024-03-01T09:10:00-05:00,"Chen, Wei",Failed Access by User: Invalid PIN,HQ,Front Door'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-brivo', confidence: 0.9 })
    const r = await importSample('badge-brivo', path, { timeZone: 'Asia/Tokyo' })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.ts, e.action, e.fields?.reason])).toEqual([
      ['2024-03-01T14:02:11.123Z', 'granted', undefined],
      ['2024-03-01T14:03:00.000Z', 'denied', 'no-privilege'],
      ['2024-03-01T14:04:00.000Z', 'denied', 'unknown-credential'],
      ['2024-03-01T14:05:00.000Z', 'forced-open', undefined],
      ['2024-03-01T14:06:00.000Z', 'held-open', undefined],
      ['2024-03-01T14:06:30.000Z', 'other', undefined],
      ['2024-03-01T14:07:00.000Z', 'request-to-exit', undefined],
      ['2024-03-01T14:08:00.000Z', 'offline', undefined],
      ['2024-03-01T14:09:00.000Z', 'tamper', undefined],
      ['2024-03-01T14:10:00.000Z', 'denied', 'invalid-pin']
    ])
    expect(r.events[0]).toMatchObject({ actor: 'John Smith', location: 'HQ / Front Door', fields: { cardholderRaw: 'Smith, John' } })
  })
})

describe('Verkada Access', () => {
  it('reads door_* events with epoch times (CSV)', async () => {
    const path = await fixture(
      'verkada.csv',
      lines(
        'timestamp,event_type,door_name,site_name,user_name,card_number,reason',
        '1709301731,door_granted,Front Door,HQ,John Smith,40211,',
        '1709301780,door_rejected,Server Room,HQ,Maria Lopez,40212,Credential expired',
        '1709301840,door_forced_open,Loading Dock,HQ,,,',
        '1709301900,door_held_open,Loading Dock,HQ,,,',
        '1709301960,door_tailgating,Front Door,HQ,John Smith,40211,',
        '1709302020,door_tamper,Front Door,HQ,,,',
        '1709302080,door_offline,Lab,HQ,,,',
        '1709302140,door_opened,Lab,HQ,,,'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-verkada-access', confidence: 0.92 })
    const r = await importSample('badge-verkada-access', path)
    expect(r.notes).toContain('Verkada Access: timestamp read as epoch seconds (UTC)')
    expect(r.events.map((e) => [e.ts, e.action])).toEqual([
      ['2024-03-01T14:02:11.000Z', 'granted'],
      ['2024-03-01T14:03:00.000Z', 'denied'],
      ['2024-03-01T14:04:00.000Z', 'forced-open'],
      ['2024-03-01T14:05:00.000Z', 'held-open'],
      ['2024-03-01T14:06:00.000Z', 'tailgating'],
      ['2024-03-01T14:07:00.000Z', 'tamper'],
      ['2024-03-01T14:08:00.000Z', 'offline'],
      ['2024-03-01T14:09:00.000Z', 'door-opened']
    ])
    expect(r.events[1]).toMatchObject({ actor: 'Maria Lopez', actorId: '40212', location: 'HQ / Server Room', fields: { reason: 'expired', reasonText: 'Credential expired', vendorEvent: 'door_rejected' } })
  })

  it('reads the API JSON, one event per line, with nested objects', async () => {
    const path = await fixture(
      'verkada.jsonl',
      [
        '{"event_type":"door_granted","timestamp":"2024-03-01T14:02:11Z","door_info":{"name":"Front Door","site":{"name":"HQ"}},"user_info":{"name":"John Smith","card_number":"40211"},"event_id":"e1"}',
        '{"event_type":"door_rejected","timestamp":"2024-03-01T14:03:00Z","door_info":{"name":"Server Room","site":{"name":"HQ"}},"user_info":{"name":"Maria Lopez"}}',
        '{"event_type":"door_granted","timestamp":"2024-03-01T14:04:00Z"',
        ''
      ].join('\n')
    )
    expect(await detect(path)).toEqual({ id: 'badge-verkada-access', confidence: 0.92 })
    const r = await importSample('badge-verkada-access', path)
    expect(r.events[0]).toMatchObject({ ts: '2024-03-01T14:02:11.000Z', action: 'granted', actor: 'John Smith', actorId: '40211', location: 'HQ / Front Door', fields: { sourceColumns: { event_id: 'e1' } } })
    expect(r.events[1]).toMatchObject({ action: 'denied', fields: { reason: 'other' } })
    expect(r.bad.map((b) => b.lineNo)).toEqual([3])
    expect(r.bad[0]!.reason).toMatch(/^invalid JSON/)
  })
})

describe('UniFi Access', () => {
  it('reads JSON lines with epoch seconds and milliseconds, granted by result', async () => {
    const path = await fixture(
      'unifi.jsonl',
      [
        '{"door_name":"Front Door","actor":"John Smith","event_type":"access.door.unlock","event_time":1709301731,"result":"ACCESS","credential":"40211"}',
        '{"door_name":"Server Room","actor":"Maria Lopez","event_type":"access.door.unlock","event_time":1709301780,"result":"BLOCKED","reason":"Credential expired"}',
        '{"door_name":"Loading Dock","actor":"","event_type":"access.door.forced_open","event_time":1709301840000,"result":""}',
        '{"door_name":"Front Door","actor":"","event_type":"access.door.request_to_exit","event_time":1709301900,"result":"ACCESS"}',
        'garbage',
        ''
      ].join('\n')
    )
    expect(await detect(path)).toEqual({ id: 'badge-unifi-access', confidence: 0.9 })
    const r = await importSample('badge-unifi-access', path)
    expect(r.notes).toEqual(expect.arrayContaining(['UniFi Access: event_time read as epoch seconds (UTC)', 'UniFi Access: event_time read as epoch milliseconds (UTC)']))
    expect(r.events.map((e) => [e.ts, e.action, e.actor, e.fields?.reason])).toEqual([
      ['2024-03-01T14:02:11.000Z', 'granted', 'John Smith', undefined],
      ['2024-03-01T14:03:00.000Z', 'denied', 'Maria Lopez', 'expired'],
      ['2024-03-01T14:04:00.000Z', 'forced-open', null, undefined],
      ['2024-03-01T14:05:00.000Z', 'request-to-exit', null, undefined]
    ])
    expect(r.events[0]).toMatchObject({ actorId: '40211', location: 'Front Door', fields: { vendorEvent: 'access.door.unlock (ACCESS)' } })
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 5 })])
  })

  it('reads the same columns as CSV', async () => {
    const path = await fixture('unifi.csv', lines('door_name,actor,event_type,event_time,result', 'Front Door,John Smith,access.door.unlock,1709301731,ACCESS'))
    expect(await detect(path)).toEqual({ id: 'badge-unifi-access', confidence: 0.9 })
    const r = await importSample('badge-unifi-access', path)
    expect(r.events[0]).toMatchObject({ ts: '2024-03-01T14:02:11.000Z', action: 'granted', actor: 'John Smith' })
  })
})

describe('Gallagher Command Centre', () => {
  it('reads event type + reason, ISO times with Z or an offset', async () => {
    const path = await fixture(
      'gallagher.csv',
      lines(
        'Event Time,Event Type,Reason,Cardholder,Card Number,Door,Access Zone,Division,Message',
        '2024-03-01T14:02:11Z,Door Access Granted,,"Smith, John",40211,Front Door,Lobby,HQ Division,',
        '2024-03-01T14:03:00Z,Access Denied,No Zone Privilege,"Lopez, Maria",40212,Server Room Door,Server Room,HQ Division,Lopez Maria was denied access into Access Zone Server Room IN through Server Room Reader',
        '2024-03-02T03:04:00+13:00,Access Denied,Card Expired,"Chen, Wei",40213,Server Room Door,Server Room,NZ Division,',
        '2024-03-01T14:05:00Z,Door Forced Open,,,,Loading Dock,,HQ Division,',
        '2024-03-01T14:06:00Z,Door Open Too Long,,,,Loading Dock,,HQ Division,',
        '2024-03-01T14:07:00Z,Access Denied,Card Lost,"Doe, Pat",40216,Front Door,Lobby,HQ Division,',
        '2024-03-01T14:08:00Z,Controller Offline,,,,,,HQ Division,',
        '2024-03-01T14:09:00Z,Tamper Alarm,,,,Front Door,,HQ Division,'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-gallagher', confidence: 0.85 })
    const r = await importSample('badge-gallagher', path, { timeZone: 'Pacific/Auckland' })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.ts, e.action, e.fields?.reason])).toEqual([
      ['2024-03-01T14:02:11.000Z', 'granted', undefined],
      ['2024-03-01T14:03:00.000Z', 'denied', 'no-privilege'],
      ['2024-03-01T14:04:00.000Z', 'denied', 'expired'],
      ['2024-03-01T14:05:00.000Z', 'forced-open', undefined],
      ['2024-03-01T14:06:00.000Z', 'held-open', undefined],
      ['2024-03-01T14:07:00.000Z', 'denied', 'lost'],
      ['2024-03-01T14:08:00.000Z', 'offline', undefined],
      ['2024-03-01T14:09:00.000Z', 'tamper', undefined]
    ])
    expect(r.events[1]).toMatchObject({
      actor: 'Maria Lopez',
      actorId: '40212',
      location: 'Server Room Door',
      fields: { reasonText: 'No Zone Privilege', accessZone: 'Server Room', division: 'HQ Division', cardholderRaw: 'Lopez, Maria' }
    })
  })
})

describe('Paxton Net2', () => {
  it('reads day-first local EventTime in the source zone; an impossible date is a numbered bad line', async () => {
    const path = await fixture(
      'net2.csv',
      lines(
        'EventTime,EventTypeDescription,EventSubTypeDescription,UserName,CardNo,DeviceName',
        '01-03-2024 14:02:11,Access permitted,,John Smith,40211,Front Door',
        '01-07-2024 09:00:00,Access denied,Card expired,Maria Lopez,40212,Server Room',
        '13-03-2024 10:00:00,Door forced open,,,,Loading Dock',
        '01-03-2024 14:05:00,Door left open,,,,Loading Dock',
        '01-03-2024 14:06:00,Exit button pressed,,,,Front Door',
        '01-03-2024 14:07:00,Access denied,Token not recognised,,99999,Front Door',
        '03-13-2024 10:00:00,Access permitted,,John Smith,40211,Front Door'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-paxton-net2', confidence: 0.95 })
    const r = await importSample('badge-paxton-net2', path, { timeZone: 'Europe/London' })
    expect(r.events.map((e) => [e.ts, e.action, e.fields?.reason])).toEqual([
      ['2024-03-01T14:02:11.000Z', 'granted', undefined],
      ['2024-07-01T08:00:00.000Z', 'denied', 'expired'],
      ['2024-03-13T10:00:00.000Z', 'forced-open', undefined],
      ['2024-03-01T14:05:00.000Z', 'held-open', undefined],
      ['2024-03-01T14:06:00.000Z', 'request-to-exit', undefined],
      ['2024-03-01T14:07:00.000Z', 'denied', 'unknown-credential']
    ])
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 8 })])
    expect(r.bad[0]!.reason).toMatch(/impossible date/)
  })
})

describe('AMAG Symmetry', () => {
  it('reads transactions; zone-less stamps in the source zone, Z stamps as UTC', async () => {
    const path = await fixture(
      'amag.csv',
      lines(
        'datetimeoftxn,txnconditionname,cardnumber,firstname,lastname,wherename,employeenumber',
        '2024-03-01 14:02:11.0,Card Valid,40211,John,Smith,1-1-5000 Front Door,E1001',
        '2024-03-01 14:03:00.0,Wrong PIN [40212],40212,Maria,Lopez,Server Room,E1002',
        '2024-03-01 14:04:00.0,Card Expired,40213,Wei,Chen,Server Room,E1003',
        '2024-03-01T21:05:00.000Z,Door Forced,,,,Loading Dock,',
        '2024-03-01 14:06:00.0,Door Open Too Long,,,,Loading Dock,',
        '2024-03-01 14:07:00.0,Anti-Passback Violation,40211,John,Smith,Lab,E1001'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-amag-symmetry', confidence: 0.95 })
    const r = await importSample('badge-amag-symmetry', path, { timeZone: 'America/Denver' })
    expect(r.notes).toContain("AMAG Symmetry: datetimeoftxn has no zone: read in the source's zone (set UTC if the export is UTC)")
    expect(r.events.map((e) => [e.ts, e.action, e.fields?.reason])).toEqual([
      ['2024-03-01T21:02:11.000Z', 'granted', undefined],
      ['2024-03-01T21:03:00.000Z', 'denied', 'invalid-pin'],
      ['2024-03-01T21:04:00.000Z', 'denied', 'expired'],
      ['2024-03-01T21:05:00.000Z', 'forced-open', undefined],
      ['2024-03-01T21:06:00.000Z', 'held-open', undefined],
      ['2024-03-01T21:07:00.000Z', 'denied', 'antipassback']
    ])
    expect(r.events[1]).toMatchObject({ actor: 'Maria Lopez', actorId: '40212', location: 'Server Room', fields: { employeeId: 'E1002', vendorEvent: 'Wrong PIN [40212]' } })
  })
})

describe('Honeywell Pro-Watch', () => {
  it('reads the event log', async () => {
    const path = await fixture(
      'prowatch.csv',
      lines(
        'evnt_dat,evnt_descrp,logdevdescrp,location,cardno,lname,fname,badge_employeeid,panel_descrp',
        '2024-03-01 14:02:11,Local Grant - IN,Front Door Reader,HQ Building,40211,Smith,John,E1001,Panel 1',
        '2024-03-01 14:03:00,Invalid Card Schedule,Server Room Reader,HQ Building,40212,Lopez,Maria,E1002,Panel 2',
        '2024-03-01 14:04:00,Invalid PIN,Server Room Reader,HQ Building,40213,Chen,Wei,E1003,Panel 2',
        '2024-03-01 14:05:00,Door Forced Open,Loading Dock,HQ Building,,,,,Panel 3',
        '2024-03-01 14:06:00,Door Held Open,Loading Dock,HQ Building,,,,,Panel 3',
        '2024-03-01 14:07:00,Request to Exit,Front Door Reader,HQ Building,,,,,Panel 1',
        '2024-03-01 14:08:00,Invalid Card,Front Door Reader,HQ Building,99999,,,,Panel 1',
        '2024-03-01T14:09:00.000Z,Host Grant,Lab Reader,,40211,Smith,John,E1001,Panel 4'
      )
    )
    expect(await detect(path)).toEqual({ id: 'badge-honeywell-prowatch', confidence: 0.95 })
    const r = await importSample('badge-honeywell-prowatch', path, { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.ts, e.action, e.fields?.reason])).toEqual([
      ['2024-03-01T14:02:11.000Z', 'granted', undefined],
      ['2024-03-01T14:03:00.000Z', 'denied', 'no-privilege'],
      ['2024-03-01T14:04:00.000Z', 'denied', 'invalid-pin'],
      ['2024-03-01T14:05:00.000Z', 'forced-open', undefined],
      ['2024-03-01T14:06:00.000Z', 'held-open', undefined],
      ['2024-03-01T14:07:00.000Z', 'request-to-exit', undefined],
      ['2024-03-01T14:08:00.000Z', 'denied', 'unknown-credential'],
      ['2024-03-01T14:09:00.000Z', 'granted', undefined]
    ])
    expect(r.events[0]).toMatchObject({ actor: 'John Smith', actorId: '40211', location: 'HQ Building / Front Door Reader', fields: { employeeId: 'E1001', panel: 'Panel 1' } })
    expect(r.events[7]!.location).toBe('Lab Reader')
  })
})

describe('badge detection stays out of other formats', () => {
  it('claims no generic CSV log, JSON log, syslog or binary', async () => {
    const generic = await fixture('generic.csv', lines('timestamp,host,program,message', '2024-03-01 14:02:11,web01,sshd,Failed password for root'))
    const lookalike = await fixture('lookalike.csv', lines('Date/Time,User,Event', '2024-03-01 14:02:11,jsmith,Login'))
    const notVerkada = await fixture('events.csv', lines('timestamp,event_type,door_name', '1709301731,motion_detected,Front Door'))
    const cloudtrail = await fixture('ct.jsonl', '{"eventTime":"2023-03-29T10:00:00Z","eventName":"ConsoleLogin","userIdentity":{"type":"IAMUser"}}\n')
    const syslog = await fixture('sys.log', 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure\n')
    const binary = await fixture('blob.bin', Buffer.from([0x00, 0x01, 0x02, 0xff, 0x45, 0x56, 0x2c, 0x2c, 0x0a, 0x00]))
    for (const p of [generic, lookalike, cloudtrail, syslog, binary]) {
      expect(Math.max(...Object.values(await badgeScores(p)))).toBe(0)
    }
    expect(Math.max(...Object.values(await badgeScores(notVerkada)))).toBeLessThanOrEqual(0.1)
  })

  it('tells the vendors apart: each fixture is claimed by its own importer only', async () => {
    const lenel = await fixture('only_lenel.csv', lines('EVENT_TIME_UTC,EVDESCR,CARDNUM,READERDESC', '2024-03-01 14:02:11,Access Granted,1,Lobby'))
    const scores = await badgeScores(lenel)
    expect(Object.entries(scores).filter(([, s]) => s > 0)).toEqual([['badge-lenel-onguard', 0.95]])
  })
})
