import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dhcpImporter, expandYear } from '../../../electron/core/ingest/formats/windows/dhcp'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const SAMPLE = sample('windows/elastic_microsoft_dhcp_test-log.log')
const tmp = tempDir('iwb-dhcp-')
afterAll(() => tmp.cleanup())
let n = 0
function file(content: string): string {
  const path = join(tmp.path, `DhcpSrvLog-Mon${++n}.log`)
  writeFileSync(path, content)
  return path
}

// The header block Windows Server writes at the top of every DhcpSrvLog file (abridged legend).
const HEADER_BLOCK = [
  '\t\tMicrosoft DHCP Service Activity Log',
  '',
  '',
  'Event ID  Meaning',
  '00\tThe log was started.',
  '01\tThe log was stopped.',
  '10\tA new IP address was leased to a client.',
  '11\tA lease was renewed by a client.',
  '50+\tCodes above 50 are used for Rogue Server Detection information.',
  '',
  'QResult: 0: NoQuarantine, 1:Quarantine, 2:Drop Packet, 3:Probation,6:No Quarantine Information ProbationTime:Year-Month-Day Hour:Minute:Second:MilliSecond.',
  '',
  'ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID, QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),VendorClass(ASCII),UserClass(Hex),UserClass(ASCII),RelayAgentInformation,DnsRegError.'
]

describe('windows-dhcp', () => {
  it('is detected on the sample (no header block) and on a full log', async () => {
    expect(await detect(SAMPLE)).toEqual({ id: 'windows-dhcp', confidence: 0.85 })
    expect(await detect(file([...HEADER_BLOCK, '11,03/14/24,08:15:02,Renew,10.1.20.31,LT-0412.corp.example,A4BB6D21C0F3,,2284110913,0,,,,,,,,,0'].join('\r\n')))).toEqual({
      id: 'windows-dhcp',
      confidence: 0.95
    })
    expect(dhcpImporter.sniff(await readSniffInput(file('ID,Name\n1,2\n')))).toBe(0)
  })

  it('reads all 17 lines of the sample with server-local times and ID actions', async () => {
    const r = await importSample('windows-dhcp', SAMPLE, { timeZone: 'UTC' })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.lineNo, e.fields?.dhcpEventId, e.action, e.outcome, e.ts])).toEqual([
      [1, '01', 'log-stopped', 'success', '2020-04-19T13:11:13.000Z'],
      [2, '00', 'log-started', 'success', '2020-04-19T12:43:06.000Z'],
      [3, '30', 'dns-update-request', 'unknown', '2021-09-20T09:16:15.000Z'],
      [4, '30', 'dns-update-request', 'unknown', '2021-09-20T09:16:09.000Z'],
      [5, '32', 'dns-update-succeeded', 'success', '2021-09-20T09:16:03.000Z'],
      [6, '36', 'packet-dropped-failover', 'failure', '2021-09-20T09:18:01.000Z'],
      [7, '31', 'dns-update-failed', 'failure', '2021-09-20T09:18:00.000Z'],
      [8, '31', 'dns-update-failed', 'failure', '2021-09-20T09:18:01.000Z'],
      [9, '35', 'dns-update-request-failed', 'failure', '2001-01-01T01:01:01.000Z'],
      [10, '10', 'lease-assigned', 'success', '2001-01-01T01:01:01.000Z'],
      [11, '10', 'lease-assigned', 'success', '2001-01-01T01:01:01.000Z'],
      [12, '24', 'cleanup-started', 'unknown', '2020-11-20T00:00:05.000Z'],
      [13, '30', 'dns-update-request', 'unknown', '2020-11-20T00:00:05.000Z'],
      [14, '17', 'lease-expired', 'unknown', '2020-11-20T00:00:05.000Z'],
      [15, '55', 'authorized-servicing', 'success', '2020-04-19T12:43:54.000Z'],
      [16, '60', 'rogue-no-ds-dc', 'unknown', '2020-04-19T12:43:21.000Z'],
      [17, '63', 'rogue-detection-restarted', 'unknown', '2020-04-19T12:43:28.000Z']
    ])
    for (const e of r.events) expect(e.category).toBe('network')
    expect(r.events[2]).toMatchObject({ srcIp: '172.28.43.169', host: '057182593757.test.com', rawTime: '09/20/21,09:16:15', message: 'DHCP DNS Update Request — 172.28.43.169 057182593757.test.com' })
    expect(r.events[2]!.fields).toMatchObject({ QResult: '6', QResultText: 'No Quarantine Information', DnsRegError: '0' })
    expect(r.events[5]!.fields).toMatchObject({ mac: '76:69:1e:d4:5c:90', macRaw: '76691ED45C90' })
    expect(r.events[6]!.fields?.DnsRegError).toBe('10054')
    expect(r.events[10]!.fields).toMatchObject({ TransactionID: '3096562285', VendorClassHex: '0x4D53465420352E30', VendorClassASCII: 'MSFT 5.0', suspectDate: true })
    expect(r.events.filter((e) => e.fields?.suspectDate).map((e) => e.lineNo)).toEqual([9, 10, 11])
    expect(r.events[14]).toMatchObject({ host: 'domain.local', srcIp: null })
    expect(r.notes).toContain('DHCP lines dated 01/01/01 (or before 2000) carry a placeholder-looking date: imported as written (01/01/01 = 2001-01-01) and marked suspectDate')
    expect(r.notes).toContain('DHCP two-digit years read as 2000–2069 for 00–69 and 1970–1999 for 70–99')
  })

  it('converts with the server zone (DST included)', async () => {
    const r = await importSample('windows-dhcp', SAMPLE, { timeZone: 'Europe/Berlin' })
    // April 2020 is CEST (UTC+2); 1 January 2001 is CET (UTC+1).
    expect(r.events[0]!.ts).toBe('2020-04-19T11:11:13.000Z')
    expect(r.events[8]!.ts).toBe('2001-01-01T00:01:01.000Z')
    expect(r.events[0]!.flags.zoneAssumed).toBe(true)
  })

  it('skips the header block, names columns from it, and reports junk after it', async () => {
    const lines = [
      ...HEADER_BLOCK,
      '10,03/14/24,08:15:02,Assign,10.1.20.31,LT-0412.corp.example,A4BB6D21C0F3,CORP\\jdoe,2284110913,0,,,,,,,,,0',
      'this line was damaged',
      '12,03/14/24,17:40:55,Release,10.1.20.31,LT-0412.corp.example,A4-BB-6D-21-C0-F3,,1503395437,0,,,,,,,,,0',
      '13,13/45/24,25:61:00,Conflict,10.1.20.40,,,,,,,,,,,,,,',
      '11,12/31/99,23:59:59,Renew,10.1.20.31,LT-0412.corp.example,A4BB6D21C0F3,,1,0,,,,,,,,,0'
    ]
    const r = await importSample('windows-dhcp', file(lines.join('\r\n')), { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.lineNo, e.action, e.ts, e.actor])).toEqual([
      [14, 'lease-assigned', '2024-03-14T08:15:02.000Z', 'CORP\\jdoe'],
      [16, 'lease-released', '2024-03-14T17:40:55.000Z', null],
      [18, 'lease-renewed', '1999-12-31T23:59:59.000Z', null]
    ])
    expect(r.events[1]!.fields).toMatchObject({ mac: 'a4:bb:6d:21:c0:f3', TransactionID: '1503395437' })
    expect(r.bad.map((b) => [b.lineNo, b.reason])).toEqual([
      [15, 'not a DHCP audit line (ID,MM/DD/YY,HH:MM:SS,…)'],
      [17, 'timestamp "13/45/24,25:61:00": impossible date or time (13/45 25:61:0)']
    ])
  })

  it('reads two-digit years with the 1970 pivot', () => {
    expect([expandYear('00'), expandYear('01'), expandYear('69'), expandYear('70'), expandYear('99'), expandYear('2024')]).toEqual([2000, 2001, 2069, 1970, 1999, 2024])
  })
})
