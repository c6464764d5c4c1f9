// Network importers (Suricata EVE, Zeek TSV, Zeek JSON) on the real samples. Epoch
// conversions were checked with `date -u -d @…`; line numbers and counts with grep/jq/wc.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-structured-net-')
afterAll(() => tmp.cleanup())
function fixture(name: string, text: string): string {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  return p
}

describe('suricata-eve', () => {
  const EVE = sample('network/crowdsec_suricata-eve.jsonl')

  it('reads all 8 records: 4 alerts, 2 flows, 2 stats, with +0000 and -0000 offsets', async () => {
    expect(await detect(EVE)).toEqual({ id: 'suricata-eve', confidence: 0.95 })
    const r = await importSample('suricata-eve', EVE, { timeZone: 'America/Chicago' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(8)
    expect(r.events.map((e) => e.action)).toEqual(['alert', 'alert', 'flow', 'stats', 'alert', 'flow', 'stats', 'alert'])
    // Line 1: "2022-07-10T23:50:05.533101+0000".
    expect(r.events[0]).toMatchObject({
      ts: '2022-07-10T23:50:05.533101Z',
      rawTime: '2022-07-10T23:50:05.533101+0000',
      category: 'network',
      srcIp: '1.2.3.4',
      dstIp: '127.0.0.1',
      lineNo: 1,
      offset: 0,
      length: 1855
    })
    expect(r.events[0]!.message).toContain('ET WEB_SPECIFIC_APPS OGNL Expression Injection (CVE-2017-9791)')
    expect(r.events[0]!.fields).toMatchObject({ src_port: 52812, dest_port: 80, proto: 'TCP', alert: { severity: 1, signature_id: 2024468 } })
    // Line 2 begins after line 1 (1855 bytes + LF).
    expect(r.events[1]).toMatchObject({ ts: '2022-07-10T23:52:31.097119Z', lineNo: 2, offset: 1856, srcIp: '1.2.3.5' })
    // Line 6: "2022-07-12T05:52:18.378379-0000" is UTC too, not the Chicago source zone.
    expect(r.events[5]).toMatchObject({ ts: '2022-07-12T05:52:18.378379Z', action: 'flow', srcIp: '1.2.3.6', lineNo: 6 })
    expect(r.events[5]!.flags.zoneAssumed).toBe(false)
    expect(r.events[7]).toMatchObject({ ts: '2022-07-12T06:09:52.602489Z', lineNo: 8 })
    expect(r.decisions.stampsInSourceZone).toBe(0)
  })

  it('numbers a malformed line and keeps the others', async () => {
    const p = fixture(
      'eve-bad.json',
      [
        '{"timestamp":"2024-01-02T03:04:05.000001+0100","flow_id":1,"event_type":"dns","src_ip":"10.0.0.2","src_port":5353,"dest_ip":"10.0.0.1","dest_port":53,"proto":"UDP","dns":{"type":"query","rrname":"evil.example","rrtype":"A"}}',
        '{"timestamp":"2024-01-02T03:04:06+0100","event_type":"http",',
        '{"timestamp":"2024-01-02T03:04:07.5+0100","flow_id":2,"event_type":"http","src_ip":"10.0.0.2","src_port":50000,"dest_ip":"93.184.216.34","dest_port":80,"proto":"TCP","http":{"hostname":"example.com","url":"/admin","http_method":"GET","status":403}}',
        '{"timestamp":"2024-01-02 03:04:08","event_type":"flow","src_ip":"10.0.0.2"}'
      ].join('\n')
    )
    const r = await importSample('suricata-eve', p)
    // +0100: 03:04:05 local is 02:04:05Z.
    expect(r.events.map((e) => [e.ts, e.action, e.outcome])).toEqual([
      ['2024-01-02T02:04:05.000001Z', 'dns', 'unknown'],
      ['2024-01-02T02:04:07.500Z', 'http', 'failure']
    ])
    expect(r.events[0]!.message).toContain('evil.example')
    expect(r.bad.map((b) => b.lineNo)).toEqual([2, 4])
    expect(r.bad[0]!.reason).toMatch(/invalid JSON/)
    expect(r.bad[1]!.reason).toMatch(/not an ISO instant with an offset/)
  })
})

describe('zeek-tsv', () => {
  it('reads the single-record conn.log', async () => {
    const p = sample('network/zeek_conn_tsv.log')
    expect(await detect(p)).toEqual({ id: 'zeek-tsv', confidence: 1 })
    const r = await importSample('zeek-tsv', p)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(1)
    // 1632928690.500620 → 2021-09-29T15:18:10Z + 500620 µs; the 8 header lines come first.
    expect(r.events[0]).toMatchObject({
      ts: '2021-09-29T15:18:10.500620Z',
      rawTime: '1632928690.500620',
      category: 'network',
      action: 'conn',
      outcome: 'success',
      srcIp: '192.168.1.99',
      dstIp: '192.168.1.1',
      lineNo: 9
    })
    expect(r.events[0]!.fields).toEqual({
      uid: 'CvVbVi3kNVC4LPU90f',
      'id.orig_h': '192.168.1.99',
      'id.orig_p': 62978,
      'id.resp_h': '192.168.1.1',
      'id.resp_p': 53,
      proto: 'udp',
      service: 'dns',
      duration: 0.027648,
      orig_bytes: 55,
      resp_bytes: 134,
      conn_state: 'SF',
      missed_bytes: 0,
      history: 'Dd',
      orig_pkts: 1,
      orig_ip_bytes: 83,
      resp_pkts: 1,
      resp_ip_bytes: 162
    })
  })

  it('reads all 13,001 connections of the Trickbot conn.log', async () => {
    const p = sample('network/trickbot2018_zeek_conn.log')
    const r = await importSample('zeek-tsv', p)
    // 13,010 lines: 8 header lines, 13,001 records, #close.
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(13_001)
    // First: 1541117137.618695 (2018-11-02T00:05:37Z), Kerberos over TCP, RSTR.
    expect(r.events[0]).toMatchObject({ ts: '2018-11-02T00:05:37.618695Z', lineNo: 9, srcIp: '172.16.9.233', dstIp: '172.16.9.5', outcome: 'success' })
    expect(r.events[0]!.fields).toMatchObject({ service: 'krb_tcp', conn_state: 'RSTR', local_orig: true, ip_proto: 6 })
    // Last: 1541735587.621884 (2018-11-09T03:53:07Z) on line 13,009, to port 449.
    expect(r.events.at(-1)).toMatchObject({ ts: '2018-11-09T03:53:07.621884Z', lineNo: 13_009, dstIp: '206.130.141.255' })
    expect(r.events.at(-1)!.fields).toMatchObject({ 'id.resp_p': 449, service: 'ssl', duration: 66.89864 })
  })

  it('reads the dhcp.log with set and vector columns', async () => {
    const p = sample('network/trickbot2018_zeek_dhcp.log')
    const r = await importSample('zeek-tsv', p)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(8)
    expect(r.events[0]).toMatchObject({ ts: '2018-11-02T00:05:39.918685Z', action: 'dhcp', host: 'Banshee157-PC', srcIp: '172.16.9.233', lineNo: 9 })
    expect(r.events[0]!.fields).toMatchObject({ uids: ['Cqe2HQ3VshrPLGTMr', 'Chj9AY3h8uZPc8SCNg'], msg_types: ['INFORM', 'ACK'], mac: '00:08:02:1c:47:ae', domain: 'bansheetree.net' })
    // Line 15: 1541439902.009993 (2018-11-05T17:45:02Z), the one ACK with an assigned address and a server.
    const ack = r.events.find((e) => e.lineNo === 15)!
    expect(ack).toMatchObject({ ts: '2018-11-05T17:45:02.009993Z', host: null, srcIp: '172.16.9.233', dstIp: '172.16.9.5' })
    expect(ack.fields).toMatchObject({ uids: ['CgkbbA3fgm2xaITGu'], assigned_addr: '172.16.9.233', lease_time: 691200, msg_types: ['ACK'] })
    expect(ack.fields).not.toHaveProperty('host_name')
    expect(r.events.at(-1)!.ts).toBe('2018-11-05T17:45:05.481569Z')
  })

  it('decodes escapes, empty sets and unset values, and refuses rows that do not fit the header', async () => {
    const p = fixture(
      'http.log',
      [
        '#separator \\x09',
        '#set_separator\t,',
        '#empty_field\t(empty)',
        '#unset_field\t-',
        '#path\thttp',
        '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\thost\turi\tstatus_code\ttags\tusername',
        '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tcount\tset[enum]\tstring',
        '1700000000.000001\tC1\t10.0.0.5\t51000\t93.184.216.34\t80\tGET\texample.com\t/a\\x09b\\xc3\\xa9\t404\t(empty)\t-',
        '1700000001.5\tC2\t10.0.0.5\t51001',
        '-\tC3\t10.0.0.5\t51002\t93.184.216.34\t80\tGET\texample.com\t/\t200\t(empty)\tbob'
      ].join('\n')
    )
    const r = await importSample('zeek-tsv', p)
    expect(r.events).toHaveLength(1)
    // 1700000000 s is 2023-11-14T22:13:20Z.
    expect(r.events[0]).toMatchObject({ ts: '2023-11-14T22:13:20.000001Z', action: 'http', outcome: 'failure', lineNo: 8 })
    expect(r.events[0]!.fields).toMatchObject({ uri: '/a\tbé', tags: [], status_code: 404 })
    expect(r.events[0]!.fields).not.toHaveProperty('username')
    expect(r.bad.map((b) => [b.lineNo, b.reason])).toEqual([
      [9, '4 columns, the #fields header has 12'],
      [10, 'ts is unset']
    ])
  })
})

describe('zeek-json', () => {
  it('reads epoch and ISO ts, with _path or a path from the file name', async () => {
    const p = fixture(
      'conn.log',
      [
        '{"ts":1632928690.500620,"uid":"CvVbVi3kNVC4LPU90f","id.orig_h":"192.168.1.99","id.orig_p":62978,"id.resp_h":"192.168.1.1","id.resp_p":53,"proto":"udp","service":"dns","duration":0.027648,"conn_state":"S0"}',
        '{"_path":"dns","ts":"2021-09-29T15:18:10.527Z","uid":"CvVbVi3kNVC4LPU90f","id.orig_h":"192.168.1.99","id.orig_p":62978,"id.resp_h":"192.168.1.1","id.resp_p":53,"query":"example.com","qtype_name":"A","rcode_name":"NXDOMAIN"}',
        '{"ts":"yesterday","uid":"C9"}'
      ].join('\n')
    )
    expect((await detect(p)).id).toBe('zeek-json')
    const r = await importSample('zeek-json', p)
    expect(r.events.map((e) => [e.ts, e.action, e.outcome])).toEqual([
      ['2021-09-29T15:18:10.500620Z', 'conn', 'failure'],
      ['2021-09-29T15:18:10.527Z', 'dns', 'failure']
    ])
    expect(r.events[1]!.message).toContain('example.com')
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 3 })])
    expect(r.notes).toContain('records without _path taken as the conn log (from the file name or keys)')
  })
})
