import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { splitCsv } from '../../../electron/core/ingest/formats/windows/csvRecords'
import { eventCsvImporter } from '../../../electron/core/ingest/formats/windows/eventCsv'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

// No public sample exists: these fixtures follow what Event Viewer writes for the Security
// and System logs ("Save All Events As… CSV", en-US and en-GB machines).
const tmp = tempDir('iwb-evcsv-')
afterAll(() => tmp.cleanup())
let n = 0
function file(content: string | Buffer, name = `export${++n}.csv`): string {
  const path = join(tmp.path, name)
  writeFileSync(path, content)
  return path
}

const LOGON = `An account was successfully logged on.

Subject:
\tSecurity ID:\t\tS-1-5-18
\tAccount Name:\t\tWIN-DC01$
\tAccount Domain:\t\tCORP
\tLogon ID:\t\t0x3E7

Logon Information:
\tLogon Type:\t\t10
\tRestricted Admin Mode:\tNo
\tVirtual Account:\t\tNo
\tElevated Token:\t\tYes

Impersonation Level:\t\tImpersonation

New Logon:
\tSecurity ID:\t\tS-1-5-21-1004336348-1177238915-682003330-1104
\tAccount Name:\t\talice
\tAccount Domain:\t\tCORP
\tLogon ID:\t\t0x8DCF47
\tLinked Logon ID:\t\t0x0
\tNetwork Account Name:\t-
\tNetwork Account Domain:\t-
\tLogon GUID:\t\t{00000000-0000-0000-0000-000000000000}

Process Information:
\tProcess ID:\t\t0x2a4
\tProcess Name:\t\tC:\\Windows\\System32\\svchost.exe

Network Information:
\tWorkstation Name:\tWS042
\tSource Network Address:\t192.168.10.42
\tSource Port:\t\t0

Detailed Authentication Information:
\tLogon Process:\t\tUser32 
\tAuthentication Package:\tNegotiate
\tTransited Services:\t-
\tPackage Name (NTLM only):\t-
\tKey Length:\t\t0

This event is generated when a logon session is created. It is generated on the computer that was accessed.`

const FAILED = `An account failed to log on.

Subject:
\tSecurity ID:\t\tS-1-0-0
\tAccount Name:\t\t-
\tAccount Domain:\t\t-
\tLogon ID:\t\t0x0

Logon Type:\t\t\t3

Account For Which Logon Failed:
\tSecurity ID:\t\tS-1-0-0
\tAccount Name:\t\tadministrator
\tAccount Domain:\t\tCORP

Failure Information:
\tFailure Reason:\t\tUnknown user name or bad password.
\tStatus:\t\t\t0xC000006D
\tSub Status:\t\t0xC000006A

Process Information:
\tCaller Process ID:\t0x0
\tCaller Process Name:\t-

Network Information:
\tWorkstation Name:\tKALI
\tSource Network Address:\t203.0.113.77
\tSource Port:\t\t0

Detailed Authentication Information:
\tLogon Process:\t\tNtLmSsp 
\tAuthentication Package:\tNTLM`

const CLEARED = `The audit log was cleared.
Subject:
\tSecurity ID:\tS-1-5-21-1004336348-1177238915-682003330-500
\tAccount Name:\tAdministrator
\tDomain Name:\tCORP
\tLogon ID:\t0x1A2B3C`

const q = (s: string) => `"${s.replace(/"/g, '""')}"`
const SECURITY_CSV = [
  'Keywords,Date and Time,Source,Event ID,Task Category',
  `Audit Success,10/7/2016 6:38:24 PM,Microsoft-Windows-Security-Auditing,4624,Logon,${q(LOGON)}`,
  `Audit Failure,10/7/2016 6:37:59 PM,Microsoft-Windows-Security-Auditing,4625,Logon,${q(FAILED)}`,
  `Audit Success,10/7/2016 12:05:11 AM,Microsoft-Windows-Eventlog,1102,Log clear,${q(CLEARED)}`,
  `Audit Success,10/7/2016 12:30:00 PM,Microsoft-Windows-Security-Auditing,4634,Logoff,${q('An account was logged off.\n\nSubject:\n\tSecurity ID:\t\tS-1-5-21-1-2-3-1104\n\tAccount Name:\t\talice\n\tAccount Domain:\t\tCORP\n\tLogon ID:\t\t0x8DCF47\n\nLogon Type:\t\t\t10')}`,
  ''
].join('\r\n')

describe('windows-event-csv', () => {
  it('is detected from the Event Viewer header, and nothing else is', async () => {
    const path = file(SECURITY_CSV)
    expect(await detect(path)).toEqual({ id: 'windows-event-csv', confidence: 0.95 })
    const other = await readSniffInput(file('id,date,time\n1,2,3\n'))
    expect(eventCsvImporter.sniff(other)).toBe(0)
  })

  it('reads a Security export: multi-line messages, local US dates, logon fields from the text', async () => {
    const path = file(SECURITY_CSV)
    const r = await importSample('windows-event-csv', path, { timeZone: 'America/New_York' })
    expect(r.bad).toEqual([])
    // 6:38:24 PM EDT (UTC−4) on 7 October 2016 is 22:38:24 UTC.
    expect(r.events.map((e) => [e.ts, e.rawTime, e.fields?.EventID, e.action, e.outcome, e.actor])).toEqual([
      ['2016-10-07T22:38:24.000Z', '10/7/2016 6:38:24 PM', '4624', 'logon', 'success', 'alice'],
      ['2016-10-07T22:37:59.000Z', '10/7/2016 6:37:59 PM', '4625', 'logon', 'failure', 'administrator'],
      ['2016-10-07T04:05:11.000Z', '10/7/2016 12:05:11 AM', '1102', 'audit-log-cleared', 'success', 'Administrator'],
      ['2016-10-07T16:30:00.000Z', '10/7/2016 12:30:00 PM', '4634', 'logoff', 'success', 'alice']
    ])
    expect(r.events.map((e) => e.recordNo)).toEqual([1, 2, 3, 4])
    const logon = r.events[0]!
    expect(logon).toMatchObject({ category: 'auth', actorId: 'S-1-5-21-1004336348-1177238915-682003330-1104', srcIp: '192.168.10.42' })
    expect(logon.fields).toMatchObject({ Keywords: 'Audit Success', Source: 'Microsoft-Windows-Security-Auditing', TaskCategory: 'Logon', LogonType: '10', TargetDomainName: 'CORP', WorkstationName: 'WS042', LogonTypeName: 'RemoteInteractive' })
    expect(String(logon.fields?.Message)).toBe(LOGON)
    expect(logon.message).toBe('Logon (type 10 RemoteInteractive) of CORP\\alice from 192.168.10.42')
    const failed = r.events[1]!
    expect(failed).toMatchObject({ srcIp: '203.0.113.77', actorId: null })
    expect(failed.fields).toMatchObject({ Status: '0xC000006D', SubStatus: '0xC000006A', LogonType: '3', FailureMeaning: 'wrong password' })
    expect(r.events[2]!.actorId).toBe('S-1-5-21-1004336348-1177238915-682003330-500')
    expect(r.events[0]!.flags.zoneAssumed).toBe(true)
    // Each record points at its first byte: the header line is 52 bytes + CRLF.
    expect(r.events[0]!.offset).toBe(54)
    expect(r.events[1]!.offset).toBe(Buffer.byteLength(SECURITY_CSV.slice(0, SECURITY_CSV.indexOf('Audit Failure'))))
    expect(r.notes).toContain('Event Viewer CSV dates read month/day/year (AM/PM clock or a second number above 12)')
    expect(r.notes.some((x) => x.includes("exporting machine's local time"))).toBe(true)
  })

  it('reads a System export with 7045 and the default Level column', async () => {
    const csv = [
      'Level,Date and Time,Source,Event ID,Task Category',
      `Information,3/3/2019 9:20:28 AM,Service Control Manager,7045,None,${q('A service was installed in the system.\n\nService Name:  spoolfool\nService File Name:  cmd.exe\nService Type:  user mode service\nService Start Type:  auto start\nService Account:  LocalSystem')}`,
      `Warning,3/3/2019 9:21:00 AM,Microsoft-Windows-Time-Service,129,None,${q('NtpClient was unable to set a domain peer to use as a time source.')}`
    ].join('\r\n')
    const r = await importSample('windows-event-csv', file(csv), { timeZone: 'UTC' })
    expect(r.bad).toEqual([])
    expect(r.events[0]).toMatchObject({ ts: '2019-03-03T09:20:28.000Z', category: 'system', action: 'service-installed', message: 'Service installed: spoolfool (cmd.exe), auto start, runs as LocalSystem' })
    expect(r.events[0]!.fields).toMatchObject({ Level: 'Information', ServiceName: 'spoolfool', ImagePath: 'cmd.exe', StartType: 'auto start', AccountName: 'LocalSystem' })
    expect(r.events[1]).toMatchObject({ ts: '2019-03-03T09:21:00.000Z', action: 'event-129', outcome: 'unknown', message: 'NtpClient was unable to set a domain peer to use as a time source.' })
  })

  it('reads 24-hour day-first dates when the file shows a day above 12, and notes an undecidable file', async () => {
    const gb = ['Level,Date and Time,Source,Event ID,Task Category', 'Information,03/10/2016 18:38:24,EventLog,6005,None,"The Event log service was started."', 'Information,25/10/2016 08:00:00,EventLog,6006,None,"The Event log service was stopped."'].join('\n')
    const r = await importSample('windows-event-csv', file(gb), { timeZone: 'Europe/London' })
    expect(r.events.map((e) => e.ts)).toEqual(['2016-10-03T17:38:24.000Z', '2016-10-25T07:00:00.000Z'])
    expect(r.notes).toContain('Event Viewer CSV dates read day/month/year (a first number above 12)')

    const undecided = ['Level,Date and Time,Source,Event ID,Task Category', 'Information,03/10/2016 18:38:24,EventLog,6005,None,"started"'].join('\n')
    const u = await importSample('windows-event-csv', file(undecided), { timeZone: 'UTC' })
    expect(u.events[0]!.ts).toBe('2016-10-03T18:38:24.000Z')
    expect(u.notes.some((x) => x.startsWith('Event Viewer CSV slash dates never show which number is the day: read day/month/year'))).toBe(true)

    const german = ['Ebene,Datum und Uhrzeit,Quelle,Ereignis-ID,Aufgabenkategorie', 'Informationen,07.10.2016 18:38:24,EventLog,6005,Keine,"Der Ereignisprotokolldienst wurde gestartet."'].join('\n')
    const g = await importSample('windows-event-csv', file(german), { timeZone: 'Europe/Berlin' })
    expect(g.events.map((e) => [e.ts, e.fields?.Level])).toEqual([['2016-10-07T16:38:24.000Z', 'Informationen']])
  })

  it('ignores the invisible direction marks some Windows versions put in dates', async () => {
    const csv = ['Level,Date and Time,Source,Event ID,Task Category', 'Information,\u200e10/\u200e7/\u200e2016 6:38:24 PM,EventLog,6005,None,"started"'].join('\n')
    const r = await importSample('windows-event-csv', file(csv), { timeZone: 'UTC' })
    expect(r.events[0]!.ts).toBe('2016-10-07T18:38:24.000Z')
  })

  it('reads a UTF-16LE export with exact byte offsets', async () => {
    const text = SECURITY_CSV
    const path = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    expect((await detect(path)).id).toBe('windows-event-csv')
    const r = await importSample('windows-event-csv', path, { timeZone: 'America/New_York' })
    expect(r.events.length).toBe(4)
    const secondStart = text.indexOf('Audit Failure')
    expect(r.events[1]!.offset).toBe(2 + 2 * secondStart)
    expect(r.events[0]!.fields?.Message).toBe(LOGON)
  })

  it('reports bad rows by number and goes on', async () => {
    const csv = [
      'Level,Date and Time,Source,Event ID,Task Category',
      'Information,yesterday,EventLog,6005,None,"started"',
      'Information,10/7/2016 6:38:24 PM,EventLog,abc,None,"x"',
      'Information,2/30/2016 6:38:24 PM,EventLog,6005,None,"no such day"',
      'Information,10/7/2016 6:39:00 PM,EventLog,6006,None,"stopped"',
      'Information,10/7/2016 6:40:00 PM,EventLog,6005,None,"cut off'
    ].join('\n')
    const r = await importSample('windows-event-csv', file(csv), { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.recordNo, e.ts])).toEqual([[4, '2016-10-07T18:39:00.000Z']])
    expect(r.events[0]!.lineNo).toBe(5)
    expect(r.bad.map((b) => [b.recordNo, b.lineNo, b.reason])).toEqual([
      [1, 2, '"yesterday" is not a date and time Event Viewer writes'],
      [2, 3, 'Event ID "abc" is not a number'],
      [3, 4, 'timestamp "2/30/2016 6:38:24 PM": no such date 2016-2-30'],
      [5, 6, 'the record has a quote that is never closed (file cut off?)']
    ])
    expect(r.bad[1]!.excerpt).toBe('Information,10/7/2016 6:38:24 PM,EventLog,abc,None,"x"')
  })

  it('reports a file without the header and still reads it in the default column order', async () => {
    const r = await importSample(eventCsvImporter, file('Information,10/7/2016 6:38:24 PM,EventLog,6005,None,"started"\n'), { timeZone: 'UTC' })
    expect(r.bad.map((b) => [b.lineNo, b.reason])).toEqual([[1, 'no Event Viewer CSV header (Level/Keywords, Date and Time, Source, Event ID, Task Category); columns assumed in that order']])
    expect(r.events.map((e) => e.ts)).toEqual(['2016-10-07T18:38:24.000Z'])
  })

  it('splits CSV fields with quotes, doubled quotes and empty fields', () => {
    expect(splitCsv('a,"b ""q"", c",,"x"y,')).toEqual(['a', 'b "q", c', '', 'xy', ''])
    expect(splitCsv('')).toEqual([''])
    expect(splitCsv('"open')).toEqual(['open'])
  })
})
