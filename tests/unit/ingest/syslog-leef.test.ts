import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { compileJavaDateFormat } from '../../../electron/core/ingest/formats/syslog/javaDateFormat'
import { detect, importSample, sample } from '../../helpers/importSample'

const dir = mkdtempSync(join(tmpdir(), 'iwb-leef-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, content: string): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

const CYBERARK = sample('syslog/cyberark_leef_logon.log')

describe('leef on the CyberArk Vault logon sample', () => {
  it('refuses to date the record: it has no devTime and no syslog header (CATALOG row 11)', async () => {
    const r = await importSample('leef', CYBERARK, { year: 2024 })
    expect(r.events).toHaveLength(0)
    expect(r.bad).toHaveLength(1)
    expect(r.bad[0]!.lineNo).toBe(1)
    expect(r.bad[0]!.reason).toMatch(/no devTime and no syslog header/)
  })

  it('reads the same payload behind a syslog header, with the header time noted', async () => {
    const payload = (await import('node:fs')).readFileSync(CYBERARK, 'utf8').trimEnd()
    const p = file('cyberark-syslog.log', `<13>Jan 18 11:07:53 vault01 ${payload}\n`)
    const r = await importSample('leef', p, { year: 2024, timeZone: 'Europe/Berlin' })
    expect(r.bad).toEqual([])
    const e = r.events[0]!
    // Jan 18 11:07:53 in Berlin (CET, UTC+1)
    expect(e.ts).toBe('2024-01-18T10:07:53.000Z')
    expect(e).toMatchObject({ category: 'auth', action: 'Logon', actor: 'USER_XXXX', srcIp: '1.2.3.4', host: 'vault01' })
    expect(e.fields).toMatchObject({ leefVersion: '1.0', vendor: 'Cyber-Ark', product: 'Vault', productVersion: '14.4.0002', eventId: '7', sev: '6', shost: '1.2.3.4', dhost: 'HOST_XXXX', duser: 'USER_XXXX', SourceUser: 'USER_XXXXX' })
    expect(r.notes).toContain('leef: no devTime in the record; time from the syslog header')
  })

  it('is detected as LEEF', async () => {
    expect((await detect(CYBERARK)).id).toBe('leef')
  })
})

describe('leef versions, delimiters and devTimeFormat', () => {
  it('reads LEEF 2.0 delimiters (^, x09, absent) and Java date patterns', async () => {
    const p = file(
      'v2.log',
      [
        'LEEF:2.0|Lancope|StealthWatch|1.0|41|^|src=10.0.1.8^dst=10.0.0.5^sev=5^devTime=May 24 2016 16:31:26.123 EDT^devTimeFormat=MMM dd yyyy HH:mm:ss.SSS z',
        'LEEF:2.0|Vendor|Prod|1.0|login|x09|devTime=2024-05-01T12:00:01.250+0200\tdevTimeFormat=yyyy-MM-dd\'T\'HH:mm:ss.SSSZ\tusrName=bob\toutcome=failure\tsrc=192.0.2.7',
        'LEEF:2.0|Vendor|Prod|1.0|E|devTime=1714564801123\tsrc=1.1.1.1',
        'LEEF:1.0|V|P|1|E|devTime=01/05/2024 01:02:03 PM\tdevTimeFormat=dd/MM/yyyy hh:mm:ss a',
        'LEEF:1.0|V|P|1|E|devTime=20240501120003\tdevTimeFormat=yyyyMMddHHmmss',
        'LEEF:1.0|V|P|1|E|devTime=2024-05-01 12:00:04.5 +05:30\tdevTimeFormat=yyyy-MM-dd HH:mm:ss.S XXX',
        'LEEF:1.0|V|P|1|E|devTime=May 01 2024 12:00:05\tmsg=a=b=c'
      ].join('\n')
    )
    const r = await importSample('leef', p, { year: 2024 })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => e.ts)).toEqual([
      '2016-05-24T20:31:26.123Z',
      '2024-05-01T10:00:01.250Z',
      '2024-05-01T12:00:01.123Z',
      '2024-05-01T13:02:03.000Z',
      '2024-05-01T12:00:03.000Z',
      '2024-05-01T06:30:04.500Z',
      '2024-05-01T12:00:05.000Z'
    ])
    expect(r.events[0]).toMatchObject({ category: 'network', srcIp: '10.0.1.8', dstIp: '10.0.0.5' })
    expect(r.events[1]).toMatchObject({ category: 'auth', outcome: 'failure', actor: 'bob' })
    expect(r.events[6]!.fields).toMatchObject({ msg: 'a=b=c' })
  })

  it('reports broken headers, devTime that does not match its pattern, and impossible dates', async () => {
    const p = file(
      'bad.log',
      [
        'LEEF:1.0|V|P',
        'LEEF:1.0|V|P|1|E|devTime=30/02/2024 01:02:03 PM\tdevTimeFormat=dd/MM/yyyy hh:mm:ss a',
        'LEEF:1.0|V|P|1|E|devTime=2024-05-01\tdevTimeFormat=dd/MM/yyyy',
        'LEEF:1.0|V|P|1|E|devTime=tomorrow',
        'LEEF:1.0|V|P|1|E|devTime=2024\tdevTimeFormat=yyyy QQ',
        'LEEF:2.0|V|P|1|E|bogus|src=1.2.3.4',
        'LEEF:1.0|V|P|1|E|devTime=1714564801123'
      ].join('\n')
    )
    const r = await importSample('leef', p, { year: 2024 })
    expect(r.bad.map((b) => b.lineNo)).toEqual([1, 2, 3, 4, 5, 6])
    expect(r.bad[0]!.reason).toMatch(/broken LEEF 1.0 header/)
    expect(r.bad[1]!.reason).toMatch(/impossible date Feb 30 2024/)
    expect(r.bad[2]!.reason).toMatch(/does not match devTimeFormat/)
    expect(r.bad[3]!.reason).toMatch(/devTime "tomorrow"/)
    expect(r.bad[4]!.reason).toMatch(/letter "Q" is not supported/)
    expect(r.bad[5]!.reason).toMatch(/delimiter "bogus"/)
    expect(r.events.map((e) => e.lineNo)).toEqual([7])
  })

  it('compiles Java patterns into readers that report what the text says', () => {
    const year = compileJavaDateFormat('MMM dd HH:mm:ss')
    if (typeof year === 'string') throw new Error(year)
    expect(year('Jun 05 10:00:01')).toEqual({ kind: 'local', year: null, month: 6, day: 5, hour: 10, minute: 0, second: 1, micros: 0 })
    const zoned = compileJavaDateFormat("EEE, d MMMM yyyy h:mm a z")
    if (typeof zoned === 'string') throw new Error(zoned)
    expect(zoned('Wed, 5 June 2024 12:05 AM PDT')).toEqual({ kind: 'local', year: 2024, month: 6, day: 5, hour: 0, minute: 5, second: 0, micros: 0, zoneAbbrev: 'PDT' })
    expect(zoned('Wed, 5 June 2024 12:05 AM GMT+02:00')).toEqual({ kind: 'utc', us: Date.UTC(2024, 5, 4, 22, 5) * 1000 })
    expect(zoned('not a date')).toBeNull()
  })
})
