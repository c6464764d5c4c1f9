import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { syslogRfc3164 } from '../../../electron/core/ingest/formats/syslog/rfc3164'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { syslogImporters } from '../../../electron/core/ingest/formats/syslog'
import { detect, importSample, sample } from '../../helpers/importSample'

const dir = mkdtempSync(join(tmpdir(), 'iwb-firewalls-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, content: string): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}
async function sniffScore(id: string, path: string): Promise<number> {
  const imp = syslogImporters.find((i) => i.id === id)!
  return imp.sniff(await readSniffInput(path))
}

describe('iptables on crowdsec iptables-logs.log', () => {
  const P = sample('firewall/crowdsec_iptables-logs.log')

  it('reads the 4 packet lines with their syslog times and kernel uptime', async () => {
    const r = await importSample('iptables', P, { year: 2020 })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(4)
    // "Jun  8 14:34:33 sd-126005 kernel: [50028442.088484] IN=enp1s0 … SRC=195.54.160.107 DST=51.15.166.67 … PROTO=TCP SPT=8080 DPT=8123 … SYN URGP=0"
    expect(r.events.map((e) => e.ts)).toEqual(['2020-06-08T14:34:33.000Z', '2020-06-08T14:34:33.000Z', '2020-06-08T14:34:33.000Z', '2020-09-27T20:56:38.000Z'])
    const [a, b, c, d] = r.events
    expect(a).toMatchObject({ category: 'network', action: 'log', outcome: 'unknown', host: 'sd-126005', srcIp: '195.54.160.107', dstIp: '51.15.166.67' })
    expect(a!.fields).toMatchObject({ kernelUptime: 50028442.088484, IN: 'enp1s0', OUT: '', PROTO: 'TCP', srcPort: 8080, dstPort: 8123, TTL: '245', flags: ['SYN'] })
    expect(b!.fields).toMatchObject({ IN: 'enp.1s0' })
    // line 3 has "XX=" where IN= should be: still a packet line, the odd key kept as written
    expect(c!.fields).toMatchObject({ XX: 'enp1s0', SRC: '195.54.160.107' })
    // "Sep 27 20:56:38 ubuntu-focal kernel: [  203.842973] IPTABLES-DROP: IN=lo … SRC=127.0.0.1 DST=127.0.0.53 LEN=76 … DF PROTO=UDP SPT=49007 DPT=53 LEN=56"
    expect(d).toMatchObject({ action: 'drop', outcome: 'failure', host: 'ubuntu-focal', srcIp: '127.0.0.1', dstIp: '127.0.0.53' })
    expect(d!.fields).toMatchObject({ kernelUptime: 203.842973, prefix: 'IPTABLES-DROP:', LEN: '76', LEN_2: '56', srcPort: 49007, dstPort: 53, flags: ['DF'] })
    expect(d!.message).toBe('IPTABLES-DROP UDP 127.0.0.1:49007 → 127.0.0.53:53 in lo')
  })

  it('reads UFW prefixes and plain lines, and out-scores generic syslog', async () => {
    const p = file(
      'ufw.log',
      [
        'Mar  1 10:00:00 gw kernel: [UFW BLOCK] IN=eth0 OUT= MAC=aa SRC=203.0.113.9 DST=192.0.2.10 LEN=60 PROTO=TCP SPT=4000 DPT=22 SYN',
        'Mar  1 10:00:01 gw kernel: ACCEPT-IN IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.10 PROTO=ICMP TYPE=8 CODE=0 ID=1 SEQ=1',
        'Mar  1 10:00:02 gw sshd[3]: Accepted password for ops from 203.0.113.9 port 4001 ssh2'
      ].join('\n')
    )
    const r = await importSample('iptables', p, { year: 2024 })
    expect(r.events.map((e) => [e.action, e.outcome])).toEqual([
      ['block', 'failure'],
      ['accept', 'success'],
      ['login', 'success']
    ])
    expect(await detect(P)).toMatchObject({ id: 'iptables' })
    expect(await sniffScore('iptables', P)).toBeGreaterThan(syslogRfc3164.sniff(await readSniffInput(P)))
  })
})

describe('pfsense-filterlog on crowdsec pfsense-rfc5424-filterlog.log', () => {
  const P = sample('firewall/crowdsec_pfsense-rfc5424-filterlog.log')

  it('reads the 4 rows (IPv4 and IPv6, TCP) with µs UTC times from the RFC 5424 header', async () => {
    const r = await importSample('pfsense-filterlog', P)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(4)
    expect(r.events.map((e) => e.ts)).toEqual([
      '2025-11-06T11:32:42.868451Z',
      '2025-11-06T11:42:14.270685Z',
      '2025-11-06T11:42:14.270789Z',
      '2025-11-06T11:47:38.269437Z'
    ])
    const [a, , c] = r.events
    // "7,,,1000000102,vtnet0.5,match,block,in,4,0x0,,64,19008,0,DF,6,tcp,60,192.168.5.6,192.168.1.100,42970,80,0,S,523876198,,64240,,mss;sackOK;TS;nop;wscale"
    expect(a).toMatchObject({ category: 'network', action: 'block', outcome: 'failure', host: 'firewall.lan', srcIp: '192.168.5.6', dstIp: '192.168.1.100' })
    expect(a!.fields).toMatchObject({ rule: '7', tracker: '1000000102', interface: 'vtnet0.5', direction: 'in', ipVersion: 4, ttl: '64', protocol: 'tcp', srcPort: 42970, dstPort: 80, tcpFlags: 'S', window: '64240', options: 'mss;sackOK;TS;nop;wscale', program: 'filterlog', pid: '92653' })
    // "621,,,1644355515,vtnet0.10,match,block,in,6,0x00,0x07c63,64,TCP,6,44,fdfd:ace:ace:10:d8:cdbf:f6f8:6d69,fdfd:ace:ace:5::6,65382,443,0,S,…"
    expect(c).toMatchObject({ srcIp: 'fdfd:ace:ace:10:d8:cdbf:f6f8:6d69', dstIp: 'fdfd:ace:ace:5::6' })
    expect(c!.fields).toMatchObject({ ipVersion: 6, class: '0x00', flowLabel: '0x07c63', hopLimit: '64', protocol: 'TCP', srcPort: 65382, dstPort: 443 })
    expect(c!.message).toBe('block in on vtnet0.10: tcp [fdfd:ace:ace:10:d8:cdbf:f6f8:6d69]:65382 → [fdfd:ace:ace:5::6]:443')
  })

  it('reads BSD-framed UDP and ICMP rows and reports short rows', async () => {
    const p = file(
      'filterlog.log',
      [
        '<134>Nov  6 11:50:00 filterlog[92653]: 5,,,1000000103,em0,match,pass,out,4,0x0,,64,1234,0,none,17,udp,76,192.168.1.5,9.9.9.9,53000,53,56',
        '<134>Nov  6 11:50:01 fw filterlog[92653]: 5,,,1000000103,em0,match,block,in,4,0x0,,64,1235,0,none,1,icmp,84,198.51.100.1,192.168.1.1,request,4242,7',
        '<134>Nov  6 11:50:02 fw filterlog[92653]: 5,,,1000000103,em0,match,block,in,4,0x0',
        '<134>Nov  6 11:50:03 fw filterlog[92653]: 5,,,1000000103,em0,match,block,in,9,x'
      ].join('\n')
    )
    const r = await importSample('pfsense-filterlog', p, { year: 2025 })
    expect(r.events).toHaveLength(2)
    expect(r.events[0]).toMatchObject({ ts: '2025-11-06T11:50:00.000Z', host: null, action: 'pass', outcome: 'success', srcIp: '192.168.1.5', dstIp: '9.9.9.9' })
    expect(r.events[0]!.fields).toMatchObject({ protocol: 'udp', srcPort: 53000, dstPort: 53, dataLength: '56' })
    expect(r.events[1]!.fields).toMatchObject({ protocol: 'icmp', icmpType: 'request', icmpId: '4242', icmpSeq: '7' })
    expect(r.bad.map((b) => b.lineNo)).toEqual([3, 4])
    expect(r.bad[0]!.reason).toMatch(/IPv4 row has 10 fields/)
    expect(r.bad[1]!.reason).toMatch(/IP version "9"/)
  })

  it('is detected ahead of the generic RFC 5424 importer', async () => {
    expect(await detect(P)).toMatchObject({ id: 'pfsense-filterlog' })
    expect(await sniffScore('pfsense-filterlog', P)).toBeGreaterThan(await sniffScore('syslog-rfc5424', P))
  })
})

describe('panos on crowdsec palo-alto-threat.log', () => {
  const P = sample('firewall/crowdsec_palo-alto-threat.log')

  it('prefers the high-resolution timestamp with its offset', async () => {
    const r = await importSample('panos', P, { timeZone: 'UTC' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2)
    // …,2023-07-06T08:11:40.288+02:00,… and …,2023-07-05T14:14:33.325+02:00,…
    expect(r.events.map((e) => e.ts)).toEqual(['2023-07-06T06:11:40.288Z', '2023-07-05T12:14:33.325Z'])
    expect(r.notes).toContain('panos: time from the high-resolution timestamp (with offset)')
    const [a, b] = r.events
    expect(a).toMatchObject({ category: 'network', action: 'reset-both', outcome: 'failure', host: 'FW-PA-111', srcIp: '1.2.3.2', dstIp: '1.2.3.3' })
    expect(a!.fields).toMatchObject({
      type: 'THREAT',
      subtype: 'vulnerability',
      serial: '016401002737',
      generatedTime: '2023/07/06 08:11:40',
      rule: 'TestruleName0',
      application: 'ssh',
      srcPort: 47094,
      dstPort: 22,
      threat: 'SSH User Authentication Brute Force Attempt(40015)',
      threatSeverity: 'high',
      srcLocation: 'Germany',
      dstLocation: 'France',
      threatCategory: 'brute-force',
      syslogTime: '2023-07-06T08:11:40+02:00'
    })
    expect(b).toMatchObject({ action: 'alert', outcome: 'success', srcIp: '1.2.3.6', dstIp: '1.2.3.7' })
    expect(b!.fields).toMatchObject({ urlOrFile: '1.2.3.5/nmaplowercheck1688559266', natDstPort: '28869' })
  })

  it('falls back to Generated Time as firewall-local time, and reads SYSTEM rows', async () => {
    const p = file(
      'panos.log',
      [
        '<14>Jul 13 20:39:44 PA-220 1,2017/07/13 20:39:44,001801000001,TRAFFIC,end,2049,2017/07/13 20:39:43,10.1.1.20,93.184.216.34,203.0.113.10,93.184.216.34,allow-web,corp\\jdoe,,ssl,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2017/07/13 20:39:44,55123,1,50544,443,31022,443,0x40001c,tcp,allow,5120,1200,3920,20,2017/07/13 20:39:30,13,computer-and-internet-info,0,7012345,0x0,10.0.0.0-10.255.255.255,United States,0,10,10,tcp-fin,0,0,0,0,,PA-220,from-policy',
        '1,2024/01/10 09:00:00,001801000001,SYSTEM,auth,0,2024/01/10 09:00:01,,auth-fail,admin,0,0,general,medium,"failed authentication for user \'admin\'. Reason: Invalid username/password.",123,0x0,0,0,0,0,,PA-220',
        '1,2023/07/06 08:11:40,016401002737,THREAT,vulnerability,2561,2023/07/06 08:11:40,1.2.3.2',
        '1,2023/02/30 08:11:40,016401002737,SYSTEM,general,0,2023/02/30 08:11:40,,general,,0,0,general,informational,"x",1,0x0'
      ].join('\n')
    )
    const r = await importSample('panos', p, { timeZone: 'America/Los_Angeles' })
    expect(r.events).toHaveLength(2)
    // Generated Time 2017/07/13 20:39:43 in Los Angeles (PDT, UTC-7)
    expect(r.events[0]).toMatchObject({ ts: '2017-07-14T03:39:43.000Z', actor: 'corp\\jdoe', host: 'PA-220', action: 'allow', outcome: 'success' })
    expect(r.events[0]!.fields).toMatchObject({ bytes: '5120', sessionEndReason: 'tcp-fin', deviceName: 'PA-220', receiveTime: '2017/07/13 20:39:44' })
    // 2024/01/10 09:00:01 in Los Angeles (PST, UTC-8)
    expect(r.events[1]).toMatchObject({ ts: '2024-01-10T17:00:01.000Z', category: 'system', action: 'auth-fail' })
    expect(r.events[1]!.message).toBe("failed authentication for user 'admin'. Reason: Invalid username/password.")
    expect(r.notes).toContain('panos: time from Generated Time (firewall-local, no zone)')
    expect(r.bad.map((b) => b.lineNo)).toEqual([3, 4])
    expect(r.bad[0]!.reason).toMatch(/at least 31/)
    expect(r.bad[1]!.reason).toMatch(/impossible date Feb 30 2023/)
  })

  it('is detected as PAN-OS', async () => {
    expect(await detect(P)).toMatchObject({ id: 'panos' })
  })
})

describe('fortigate (written test lines)', () => {
  const LINES = [
    '<189>date=2024-05-01 time=12:00:01 devname="FG100E" devid="FG100E3G16000001" eventtime=1714590001123456789 tz="-0700" logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=10.0.0.5 srcport=51234 srcintf="port2" dstip=8.8.8.8 dstport=53 dstintf="wan1" sessionid=1234 proto=17 action="accept" policyid=3 service="DNS" duration=180 sentbyte=100 rcvdbyte=200',
    'date=2024-05-01 time=12:00:05 devname="FG100E" logid="0100032002" type="event" subtype="system" level="alert" vd="root" logdesc="Admin login failed" user="admin" ui="https(203.0.113.9)" srcip=203.0.113.9 dstip=192.0.2.1 action="login" status="failed" reason="passwd_invalid" msg="Administrator admin login failed from https(203.0.113.9) because of invalid password" tz="+0200"',
    'May  1 12:00:07 relay01 date=2024-05-01 time=12:00:07 devname=FG60F logid=0000000013 type=traffic subtype=forward srcip=10.0.0.9 dstip=1.1.1.1 action=deny',
    'date=2024-05-01 time=12:00:08 devname=FG60F eventtime=1714590008123456 type=utm subtype=webfilter action=blocked srcip=10.0.0.9 url="/a b\\"c"',
    'date=2024-05-01 time=12:00:09 devname=FG60F eventtime=1714590009 type=event subtype=vpn action=tunnel-up user="dave" remip=198.51.100.20 status=success',
    'date=2024-02-30 time=12:00:07 devname=FG60F logid=0000000013 type=traffic',
    'devname=FG60F logid=0000000013 type=traffic',
    'date=2024-05-01 time=12:00:10 devname=FG60F eventtime=soon type=traffic'
  ]

  it('prefers eventtime (ns, µs, s), then date/time with tz, then firewall-local date/time', async () => {
    const r = await importSample('fortigate', file('fgt.log', LINES.join('\n')), { timeZone: 'America/Los_Angeles', year: 2024 })
    expect(r.events.map((e) => e.ts)).toEqual([
      '2024-05-01T19:00:01.123456Z',
      '2024-05-01T10:00:05.000Z',
      '2024-05-01T19:00:07.000Z',
      '2024-05-01T19:00:08.123456Z',
      '2024-05-01T19:00:09.000Z'
    ])
    const [a, b, c, d, e] = r.events
    expect(a).toMatchObject({ category: 'network', action: 'accept', outcome: 'success', host: 'FG100E', srcIp: '10.0.0.5', dstIp: '8.8.8.8' })
    expect(a!.fields).toMatchObject({ devid: 'FG100E3G16000001', tz: '-0700', service: 'DNS', sentbyte: '100' })
    expect(b).toMatchObject({ category: 'auth', action: 'login', outcome: 'failure', actor: 'admin', srcIp: '203.0.113.9' })
    expect(b!.message).toBe('Administrator admin login failed from https(203.0.113.9) because of invalid password')
    expect(c).toMatchObject({ outcome: 'failure', host: 'FG60F' })
    expect(d).toMatchObject({ category: 'web', outcome: 'failure' })
    expect(d!.fields).toMatchObject({ url: '/a b"c' })
    expect(e).toMatchObject({ category: 'auth', outcome: 'success', actor: 'dave', srcIp: '198.51.100.20' })
    expect(r.notes).toEqual(
      expect.arrayContaining(['fortigate: time from eventtime (epoch, UTC)', 'fortigate: time from date/time with the tz offset', 'fortigate: time from date/time with no tz (firewall-local)'])
    )
  })

  it('reports impossible dates, timeless records and bad eventtime by line, and is detected', async () => {
    const p = file('fgt2.log', LINES.join('\n'))
    const r = await importSample('fortigate', p, { year: 2024 })
    expect(r.bad.map((b) => b.lineNo)).toEqual([6, 7, 8])
    expect(r.bad[0]!.reason).toMatch(/impossible date Feb 30 2024/)
    expect(r.bad[1]!.reason).toMatch(/no eventtime, no date\/time/)
    expect(r.bad[2]!.reason).toMatch(/eventtime "soon"/)
    expect(await detect(p)).toMatchObject({ id: 'fortigate' })
  })
})

describe('cisco-asa (written test lines)', () => {
  const LINES = [
    '<166>Jun 05 2024 10:00:01 EDT: %ASA-6-302013: Built inbound TCP connection 4321 for outside:198.51.100.7/51515 (198.51.100.7/51515) to inside:10.0.0.5/443 (203.0.113.10/443)',
    'Jun  5 10:00:02 asa01 : %ASA-6-302014: Teardown TCP connection 4321 for outside:198.51.100.7/51515 to inside:10.0.0.5/443 duration 0:00:01 bytes 5120 TCP FINs',
    'Jun  5 14:00:03 10.1.1.1 Jun 05 2024 10:00:03 asa01 : %ASA-4-106023: Deny tcp src outside:198.51.100.7/4444 dst inside:10.0.0.5/22 by access-group "outside_in" [0x0, 0x0]',
    '<166>Jun 05 2024 10:00:04: %ASA-6-113004: AAA user authentication Successful : server =  10.0.0.20 : user = alice',
    '<166>Jun 05 2024 10:00:05: %ASA-6-113015: AAA user authentication Rejected : reason = Invalid password : local database : user = bob : user IP = 198.51.100.8',
    '<166>Jun 05 2024 10:00:06: %ASA-6-605004: Login denied from 198.51.100.9/52100 to outside:203.0.113.10/ssh for user "root"',
    '<166>Jun 05 2024 10:00:07: %ASA-6-605005: Login permitted from 10.0.0.30/52101 to inside:10.0.0.1/https for user "enable_15"',
    '<166>Jun 05 2024 10:00:08: %ASA-4-722022: Group <VPN-Users> User <carol> IP <198.51.100.11> TCP SVC connection established without compression',
    '<166>Jun 05 2024 10:00:09: %ASA-6-302013: Built outbound TCP connection 77 for outside:93.184.216.34/80 (93.184.216.34/80) to inside:10.0.0.5/50000 (203.0.113.10/50000)',
    '<166>Jun 05 2024 10:00:10 IST: %ASA-6-302013: Built outbound TCP connection 78 for outside:93.184.216.34/80 (93.184.216.34/80) to inside:10.0.0.5/50001 (203.0.113.10/50001)',
    '<166>%ASA-6-302013: Built outbound TCP connection 79 for outside:93.184.216.34/80 (93.184.216.34/80) to inside:10.0.0.5/50002 (203.0.113.10/50002)',
    '<166>Jun 05 2024 10:00:11: %ASA-6-999999: Something new happened',
    '<166>Feb 30 2024 10:00:12: %ASA-6-302013: Built inbound TCP connection 80',
    '<166>Jun 05 2024 10:00:13: %ASA-3-710003: TCP access denied by ACL from 198.51.100.7/4444 to outside:203.0.113.10/23',
    '<166>Jun 05 2024 10:00:14: %ASA-6-106100: access-list outside_in denied tcp outside/198.51.100.7(4445) -> inside/10.0.0.5(3389) hit-cnt 1 first hit [0x1, 0x0]'
  ]

  it('dates by the ASA stamp (zone abbreviation, year) and extracts flows and logins', async () => {
    const r = await importSample('cisco-asa', file('asa.log', LINES.join('\n')), { year: 2024, timeZone: 'UTC' })
    expect(r.events.map((e) => [e.lineNo, e.ts])).toEqual([
      [1, '2024-06-05T14:00:01.000Z'],
      [2, '2024-06-05T10:00:02.000Z'],
      [3, '2024-06-05T10:00:03.000Z'],
      [4, '2024-06-05T10:00:04.000Z'],
      [5, '2024-06-05T10:00:05.000Z'],
      [6, '2024-06-05T10:00:06.000Z'],
      [7, '2024-06-05T10:00:07.000Z'],
      [8, '2024-06-05T10:00:08.000Z'],
      [9, '2024-06-05T10:00:09.000Z'],
      [12, '2024-06-05T10:00:11.000Z'],
      [14, '2024-06-05T10:00:13.000Z'],
      [15, '2024-06-05T10:00:14.000Z']
    ])
    const by = (n: number) => r.events.find((e) => e.lineNo === n)!
    expect(by(1)).toMatchObject({ rawTime: 'Jun 05 2024 10:00:01 EDT', category: 'network', action: 'connection-built', outcome: 'success', srcIp: '198.51.100.7', dstIp: '10.0.0.5' })
    expect(by(1).fields).toMatchObject({ messageId: '302013', level: 6, direction: 'inbound', srcPort: 51515, dstPort: 443, srcInterface: 'outside', mappedTo: '203.0.113.10/443' })
    expect(by(2)).toMatchObject({ host: 'asa01', action: 'connection-teardown', srcIp: '198.51.100.7', dstIp: '10.0.0.5' })
    expect(by(2).fields).toMatchObject({ bytes: 5120, reason: 'TCP FINs', duration: '0:00:01' })
    expect(by(3)).toMatchObject({ host: 'asa01', action: 'deny', outcome: 'failure', srcIp: '198.51.100.7', dstIp: '10.0.0.5' })
    expect(by(3).fields).toMatchObject({ accessGroup: 'outside_in', dstPort: 22 })
    expect(by(4)).toMatchObject({ category: 'auth', action: 'login', outcome: 'success', actor: 'alice' })
    expect(by(5)).toMatchObject({ category: 'auth', outcome: 'failure', actor: 'bob', srcIp: '198.51.100.8' })
    expect(by(6)).toMatchObject({ category: 'auth', outcome: 'failure', actor: 'root', srcIp: '198.51.100.9', dstIp: '203.0.113.10' })
    expect(by(7)).toMatchObject({ category: 'auth', outcome: 'success', actor: 'enable_15' })
    expect(by(8)).toMatchObject({ category: 'auth', action: 'vpn-connect', actor: 'carol', srcIp: '198.51.100.11' })
    // outbound: the inside host opened the connection
    expect(by(9)).toMatchObject({ srcIp: '10.0.0.5', dstIp: '93.184.216.34' })
    expect(by(12)).toMatchObject({ category: 'system', action: 'ASA-999999', outcome: 'unknown' })
    expect(by(14)).toMatchObject({ action: 'deny', srcIp: '198.51.100.7', dstIp: '203.0.113.10' })
    expect(by(15)).toMatchObject({ action: 'deny', outcome: 'failure', srcIp: '198.51.100.7', dstIp: '10.0.0.5' })
    expect(r.notes).toContain("cisco-asa: the ASA's own timestamp was used, not the relay's syslog header")

    expect(r.bad.map((b) => b.lineNo)).toEqual([10, 11, 13])
    expect(r.bad[0]!.reason).toMatch(/IST names several zones/)
    expect(r.bad[1]!.reason).toMatch(/no timestamp before %ASA-/)
    expect(r.bad[2]!.reason).toMatch(/impossible date Feb 30 2024/)
  })

  it('is detected ahead of generic syslog', async () => {
    const p = file('asa2.log', LINES.join('\n'))
    expect(await detect(p)).toMatchObject({ id: 'cisco-asa' })
    expect(await sniffScore('cisco-asa', p)).toBeGreaterThan(syslogRfc3164.sniff(await readSniffInput(p)))
  })
})

describe('specific formats out-score generic syslog on mixed files', () => {
  it('picks the specific importer when its lines are a minority among syslog lines', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `Mar  1 10:00:${String(i).padStart(2, '0')} h app[1]: routine ${i}`)
    lines.splice(7, 0, 'Mar  1 10:00:30 gw kernel: [ 1.0] DROP IN=eth0 OUT= SRC=203.0.113.9 DST=192.0.2.10 PROTO=TCP SPT=1 DPT=2')
    const p = file('mixed.log', lines.join('\n'))
    expect(await detect(p)).toMatchObject({ id: 'iptables' })
    const r = await importSample('iptables', p, { year: 2024 })
    expect(r.events).toHaveLength(21)
    expect(r.events.filter((e) => e.category === 'network')).toHaveLength(1)
  })
})
