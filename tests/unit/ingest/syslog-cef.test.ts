import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCefExtension, splitCefHeader } from '../../../electron/core/ingest/formats/syslog/cef'
import { detect, importSample, sample } from '../../helpers/importSample'

const dir = mkdtempSync(join(tmpdir(), 'iwb-cef-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, content: string): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

const UNIFI = sample('firewall/crowdsec_unifi-cef.log')

describe('cef on crowdsec unifi-cef.log (bare, prefix-less and syslog-prefixed)', () => {
  it('reads all three records with the UNIFIutcTime instant', async () => {
    const r = await importSample('cef', UNIFI, { timeZone: 'Europe/Paris', year: 2025 })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(3)
    // UNIFIutcTime=2025-09-04T08:32:58.445Z / 2025-08-30T17:53:21.915Z / 2025-10-26T19:01:31.807Z
    expect(r.events.map((e) => e.ts)).toEqual(['2025-09-04T08:32:58.445Z', '2025-08-30T17:53:21.915Z', '2025-10-26T19:01:31.807Z'])
    expect(r.events.every((e) => !e.flags.zoneAssumed)).toBe(true)
    expect(r.notes).toContain('cef: time from the vendor extension UNIFIutcTime (UTC)')
    expect(r.notes).toContain('cef: records without the "CEF:" prefix were read as CEF')
  })

  it('maps header and extension fields', async () => {
    const [a, b, c] = (await importSample('cef', UNIFI, { year: 2025 })).events
    expect(a).toMatchObject({ category: 'auth', outcome: 'success', actor: 'Secure Admin', srcIp: '10.72.1.222', host: 'Unifi Dream Machine' })
    expect(a!.fields).toMatchObject({ deviceVendor: 'Ubiquiti', deviceProduct: 'UniFi Network', deviceVersion: '9.4.19', signatureId: '544', severity: '1', src: '10.72.1.222' })
    expect(a!.message).toBe('Secure Admin accessed UniFi Network using the web. Source IP: 10.72.1.222')
    expect(b).toMatchObject({ category: 'network', outcome: 'failure', srcIp: '10.0.0.100', dstIp: '192.168.0.233', action: 'Threat Detected and Blocked' })
    expect(b!.fields).toMatchObject({ cefVersion: '0', spt: '52331', dpt: '443', UNIFIipsSignature: 'ET DROP Dshield Block Listed Source group 1' })
    expect(c).toMatchObject({ host: 'Express-7', action: 'blocked', outcome: 'failure', srcIp: '198.51.100.10', dstIp: null })
    expect(c!.fields).toMatchObject({ syslogTime: 'Oct 26 20:01:31', UNIFIflowStartTime: 'Oct 26, 2025 at 7:59:41.239 PM', UNIFIdstClientAlias: 'DS920+ macvlan' })
  })

  it('is detected as CEF', async () => {
    expect((await detect(UNIFI)).id).toBe('cef')
  })
})

describe('cef syntax and time', () => {
  it('unescapes header and extension, keeps "=" inside URLs, and names custom labels', () => {
    const line = 'CEF:0|Acme|FW|1.0|100|Port scan \\| detected|5|rt=1714564801123 msg=a\\=b c\\\\d\\nnext cs1Label=Policy cs1=Block all request=http://x/?a=b&c=d suser=alice'
    const h = splitCefHeader(line, 4)
    if (typeof h === 'string') throw new Error(h)
    expect(h.header).toEqual(['0', 'Acme', 'FW', '1.0', '100', 'Port scan | detected', '5'])
    expect(parseCefExtension(line, h.extStart)).toEqual({
      rt: '1714564801123',
      msg: 'a=b c\\d\nnext',
      cs1Label: 'Policy',
      cs1: 'Block all',
      request: 'http://x/?a=b&c=d',
      suser: 'alice'
    })
  })

  it('takes rt, then end, then start, in every documented shape, else the syslog header', async () => {
    const p = file(
      'times.log',
      [
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=1714564801123 end=1 src=10.0.0.1 dst=10.0.0.2 act=allow',
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=May 01 2024 12:00:01.500 EDT src=10.0.0.1',
        'CEF:0|Acme|FW|1.0|100|Conn|5|end=May 01 12:00:01 src=10.0.0.1',
        'CEF:0|Acme|FW|1.0|100|Conn|5|start=May 01 2024 12:00:01 Europe/Berlin',
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=May 01 2024 12:00:01 +0200',
        '<134>May  1 12:00:01 fw01 CEF:0|Acme|VPN|1.0|200|User login|3|suser=bob src=198.51.100.3 outcome=failure',
        'CEF:0|Acme|FW|1.0|100|Cs label \\\\ done|5|cs1Label=Rule cs1=any deviceReceiptTime=1714564801'
      ].join('\n')
    )
    const r = await importSample('cef', p, { year: 2024 })
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => e.ts)).toEqual([
      '2024-05-01T12:00:01.123Z',
      '2024-05-01T16:00:01.500Z',
      '2024-05-01T12:00:01.000Z',
      '2024-05-01T10:00:01.000Z',
      '2024-05-01T10:00:01.000Z',
      '2024-05-01T12:00:01.000Z',
      '2024-05-01T12:00:01.000Z'
    ])
    expect(r.events[0]).toMatchObject({ outcome: 'success', category: 'network', srcIp: '10.0.0.1', dstIp: '10.0.0.2' })
    expect(r.events[2]!.flags.yearInferred).toBe(false)
    expect(r.events[5]).toMatchObject({ host: 'fw01', category: 'auth', outcome: 'failure', actor: 'bob', srcIp: '198.51.100.3' })
    expect(r.events[6]!.fields).toMatchObject({ name: 'Cs label \\ done', labels: { Rule: 'any' } })
    expect(r.notes).toContain('cef: no rt/end/start in the record; time from the syslog header')
    expect(r.notes).toContain("cef: time from the record's rt field")
  })

  it('reports broken headers, unreadable times and timeless records by line', async () => {
    const p = file(
      'bad.log',
      [
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=1714564801123',
        'CEF:0|Acme|FW|1.0',
        'CEF:x|Acme|FW|1.0|100|Conn|5|rt=1714564801123',
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=yesterday at noon',
        'CEF:0|Acme|FW|1.0|100|Conn|5|src=10.0.0.1',
        'CEF:0|Acme|FW|1.0|100|Conn|5|rt=Feb 30 2024 10:00:00',
        'garbage that is neither CEF nor syslog',
        'May  1 12:00:02 host app: plain syslog in a CEF feed'
      ].join('\n')
    )
    const r = await importSample('cef', p, { year: 2024 })
    expect(r.bad.map((b) => b.lineNo)).toEqual([2, 3, 4, 5, 6, 7])
    expect(r.bad[0]!.reason).toMatch(/broken CEF header: 4 of 8/)
    expect(r.bad[1]!.reason).toMatch(/version "x"/)
    expect(r.bad[2]!.reason).toMatch(/rt="yesterday at noon"/)
    expect(r.bad[3]!.reason).toMatch(/no time/)
    expect(r.bad[4]!.reason).toMatch(/impossible date Feb 30 2024/)
    expect(r.events.map((e) => e.lineNo)).toEqual([1, 8])
    expect(r.events[1]).toMatchObject({ category: 'system', ts: '2024-05-01T12:00:02.000Z' })
  })

  it('parses a 1 MiB-class hostile extension in linear time', () => {
    const hostile = `CEF:0|A|B|1|2|3|4|${'k=v '.repeat(50000)}${'='.repeat(100000)} x${' y'.repeat(50000)}=z`
    const t = performance.now()
    const h = splitCefHeader(hostile, 4)
    if (typeof h === 'string') throw new Error(h)
    parseCefExtension(hostile, h.extStart)
    expect(performance.now() - t).toBeLessThan(1000)
  })
})
