import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseSyslogHeader } from '../../../electron/core/ingest/formats/syslog/header'
import { detect, importSample } from '../../helpers/importSample'

const dir = mkdtempSync(join(tmpdir(), 'iwb-syslog5424-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, content: string): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

// The first two are the examples of RFC 5424 section 6.5, with a BOM before the message.
const LINES = [
  '<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \uFEFF\'su root\' failed for lonvick on /dev/pts/8',
  '<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It\'s time to make the do-nuts.',
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] \uFEFFAn application event log entry...',
  '<38>1 2024-03-01T10:00:00+01:00 srv sshd 1234 - - Failed password for invalid user admin from 203.0.113.5 port 4242 ssh2',
  '<14>1 2024-03-01T10:00:01Z h app - - [x@1 v="q\\"uote\\\\back\\]br"]',
  '<14>12 2024-03-01T10:00:02Z h app - - - version 12, no message problem'
]

describe('syslog-rfc5424', () => {
  it('reads RFC 3339 stamps with Z and offsets as UTC instants, with µs', async () => {
    const r = await importSample('syslog-rfc5424', file('ok.log', LINES.join('\n')))
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => e.ts)).toEqual([
      '2003-10-11T22:14:15.003Z',
      '2003-08-24T12:14:15.000003Z',
      '2003-10-11T22:14:15.003Z',
      '2024-03-01T09:00:00.000Z',
      '2024-03-01T10:00:01.000Z',
      '2024-03-01T10:00:02.000Z'
    ])
    expect(r.events.every((e) => !e.flags.zoneAssumed)).toBe(true)
    const [a, b, c, d, e] = r.events
    expect(a).toMatchObject({ host: 'mymachine.example.com', message: "su: 'su root' failed for lonvick on /dev/pts/8", rawTime: '2003-10-11T22:14:15.003Z' })
    expect(a!.fields).toMatchObject({ syslog: 'rfc5424', facility: 'auth', severity: 'crit', program: 'su', msgId: 'ID47' })
    expect(b!.fields).toMatchObject({ facility: 'local4', severity: 'notice', pid: '8710' })
    expect(c!.fields!.structuredData).toEqual({
      'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
      'examplePriority@32473': { class: 'high' }
    })
    expect(c!.message).toBe('evntslog: An application event log entry...')
    expect(d).toMatchObject({ category: 'auth', action: 'login', outcome: 'failure', actor: 'admin', srcIp: '203.0.113.5' })
    expect(e!.fields!.structuredData).toEqual({ 'x@1': { v: 'q"uote\\back]br' } })
  })

  it('reports a NILVALUE stamp, broken structured data and impossible dates by line', async () => {
    const p = file(
      'bad.log',
      [
        '<34>1 - host app - - - no time',
        '<34>1 2003-10-11T22:14:15Z host app - - [a@1 v="x" unterminated',
        '<34>1 2023-02-30T10:00:00Z host app - - - Feb 30',
        '<34>1 2023-02-28T10:00:00Z host app',
        '<999>1 2023-02-28T10:00:00Z host app - - - bad pri',
        '<34>1 2023-02-28T10:00:00Z host app - - - fine'
      ].join('\n')
    )
    const r = await importSample('syslog-rfc5424', p)
    expect(r.bad.map((b) => b.lineNo)).toEqual([1, 2, 3, 4, 5])
    expect(r.bad[0]!.reason).toMatch(/NILVALUE/)
    expect(r.bad[1]!.reason).toMatch(/structured data/)
    expect(r.bad[2]!.reason).toMatch(/impossible date Feb 30 2023/)
    expect(r.bad[3]!.reason).toMatch(/truncated/)
    expect(r.bad[4]!.reason).toMatch(/PRI/)
    expect(r.events.map((e) => e.ts)).toEqual(['2023-02-28T10:00:00.000Z'])
  })

  it('leaves BSD lines to the header reader and is detected on RFC 5424 files', async () => {
    expect(parseSyslogHeader('<34>Oct 11 22:14:15 mymachine su: x')).toMatchObject({ layout: 'rfc3164', host: 'mymachine', app: 'su' })
    expect(await detect(file('detect.log', LINES.join('\n')))).toMatchObject({ id: 'syslog-rfc5424' })
  })
})
