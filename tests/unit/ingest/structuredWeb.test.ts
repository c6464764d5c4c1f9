// Web server importers: access logs (Apache / nginx / Tomcat), error logs (Apache 2.2/2.4,
// nginx) and IIS W3C, on the real samples and on a W3C fixture written here. Counts and
// status totals were taken with wc/grep/awk; times converted by hand.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-structured-web-')
afterAll(() => tmp.cleanup())
function fixture(name: string, text: string): string {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  return p
}

describe('web-access', () => {
  const NGINX = sample('other/crowdsec_nginx_http-logs.log')
  const TOMCAT = sample('other/web_attack_and_isp_webshell_localhost_access_log.txt')

  it('reads the nginx sample: plain, vhost and vhost:port prefixes, a user, a missing ident, and the error-log line', async () => {
    expect(await detect(NGINX)).toEqual({ id: 'web-access', confidence: 0.95 })
    const r = await importSample('web-access', NGINX, { timeZone: 'Europe/Paris' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(9)
    // Line 1: [04/Jan/2020:07:25:02 +0000] → 07:25:02Z whatever the source zone.
    expect(r.events[0]).toMatchObject({
      ts: '2020-01-04T07:25:02.000Z',
      rawTime: '04/Jan/2020:07:25:02 +0000',
      category: 'web',
      action: 'GET',
      outcome: 'failure',
      srcIp: '192.168.1.1',
      actor: null,
      host: null,
      lineNo: 1,
      offset: 0
    })
    expect(r.events[0]!.fields).toMatchObject({ path: '/.well-known/acme-challenge/FMuukC2JOJ5HKmLBujjE_BkDo', status: 404, bytes: 522, userAgent: 'Go-http-client/1.1', protocol: 'HTTP/1.1' })
    expect(r.events[0]!.fields).not.toHaveProperty('referer')
    expect(r.events[3]).toMatchObject({ host: 'www.crowdsec.net', srcIp: '192.168.1.1', outcome: 'failure', lineNo: 4 })
    expect(r.events[5]).toMatchObject({ host: 'www.crowdsec11.net', outcome: 'success', lineNo: 6 })
    expect(r.events[5]!.fields).toMatchObject({ port: 80, status: 301, bytes: 0 })
    expect(r.events[6]).toMatchObject({ actor: 'user123', outcome: 'success', ts: '2020-06-08T08:04:43.000Z', lineNo: 7 })
    // Line 8 has a single column between the address and the time: read as the user ("-").
    expect(r.events[7]).toMatchObject({ actor: null, srcIp: '192.168.1.1', lineNo: 8 })
    // Line 9 is an nginx error-log line: "2021/12/01 13:53:33" has no zone, so the source
    // zone applies (Paris, CET = UTC+1 in December) → 12:53:33Z.
    expect(r.events[8]).toMatchObject({
      ts: '2021-12-01T12:53:33.000Z',
      rawTime: '2021/12/01 13:53:33',
      action: 'error',
      outcome: 'failure',
      srcIp: '172.17.0.1',
      host: 'localhost',
      lineNo: 9
    })
    expect(r.events[8]!.flags.zoneAssumed).toBe(true)
    expect(r.events[8]!.fields).toMatchObject({ request: 'GET /market/ HTTP/1.1', connection: 46, pid: 31 })
    expect(r.decisions.stampsInSourceZone).toBe(1)
    expect(r.decisions.stampsWithZone).toBe(8)
  })

  it('reads every one of the 2,661 Tomcat lines, including raw TLS bytes, NULs and unescaped quotes', async () => {
    expect(await detect(TOMCAT)).toEqual({ id: 'web-access', confidence: 0.95 })
    const r = await importSample('web-access', TOMCAT)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2661)
    // awk over the status column: 1,664 responses ≥ 400, 997 below.
    expect(r.events.filter((e) => e.outcome === 'failure')).toHaveLength(1664)
    expect(r.events.filter((e) => e.outcome === 'success')).toHaveLength(997)
    // Line 1: [11/Jul/2018:08:41:28 +0300] → 05:41:28Z.
    expect(r.events[0]).toMatchObject({ ts: '2018-07-11T05:41:28.000Z', srcIp: '192.168.105.83', action: 'GET', outcome: 'success', lineNo: 1, offset: 0, length: 74 })
    // Line 26: Tomcat's placeholder time for a request it never received, 03:00 +0300 = the epoch.
    expect(r.events[25]).toMatchObject({ ts: '1970-01-01T00:00:00.000Z', action: 'no-request', outcome: 'failure', lineNo: 26 })
    // Line 27: a TLS ClientHello sent to the HTTP port, logged as the request.
    expect(r.events[26]).toMatchObject({ ts: '2018-07-11T06:32:02.000Z', action: 'malformed-request', outcome: 'failure', lineNo: 27 })
    expect(r.events[26]!.message).toMatch(/^"\\x16\\x03\\x01/)
    // Line 879: a request line holding a raw double quote.
    expect(r.events[878]).toMatchObject({ ts: '2018-07-11T06:32:27.000Z', action: 'GET', outcome: 'failure', lineNo: 879 })
    expect(r.events[878]!.fields).toMatchObject({ path: '/WebID/IISWebAgentIF.dll?postdata="><script>foo</script>', status: 404, bytes: 997 })
    // Last line (2,661): [11/Jul/2018:15:33:50 +0300] → 12:33:50Z, user admin.
    expect(r.events.at(-1)).toMatchObject({ ts: '2018-07-11T12:33:50.000Z', actor: 'admin', srcIp: '192.168.153.46', lineNo: 2661 })
  })

  it('numbers lines that are neither access nor error lines, and dates that cannot exist', async () => {
    const p = fixture(
      'access.log',
      [
        '2001:db8::5 - carol [31/Dec/2023:23:59:59.123 -0500] "POST /login HTTP/2.0" 401 12 "https://example.com/" "curl/8.0" 0.004 "-"',
        'this is not a log line',
        '10.0.0.1 - - [31/Feb/2023:10:00:00 +0000] "GET / HTTP/1.1" 200 5'
      ].join('\n')
    )
    const r = await importSample('web-access', p)
    // -0500: 23:59:59.123 local is 04:59:59.123Z the next day.
    expect(r.events).toEqual([expect.objectContaining({ ts: '2024-01-01T04:59:59.123Z', srcIp: '2001:db8::5', actor: 'carol', outcome: 'failure', action: 'POST' })])
    expect(r.events[0]!.fields).toMatchObject({ referer: 'https://example.com/', userAgent: 'curl/8.0', extra: '0.004 "-"' })
    expect(r.bad.map((b) => b.lineNo)).toEqual([2, 3])
    expect(r.bad[1]!.reason).toMatch(/impossible date/)
  })
})

describe('web-error', () => {
  const APACHE = sample('other/Apache_2k_error.log')

  it('reads all 2,000 Apache 2.2 error lines as local time', async () => {
    expect(await detect(APACHE)).toEqual({ id: 'web-error', confidence: 0.95 })
    const r = await importSample('web-error', APACHE, { timeZone: 'America/New_York' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2000)
    // grep: 595 [error] and 1,405 [notice] lines; 32 name a client.
    expect(r.events.filter((e) => e.action === 'error' && e.outcome === 'failure')).toHaveLength(595)
    expect(r.events.filter((e) => e.action === 'notice' && e.outcome === 'unknown')).toHaveLength(1405)
    expect(r.events.filter((e) => e.srcIp !== null)).toHaveLength(32)
    expect(r.decisions.stampsInSourceZone).toBe(2000)
    // Line 1: [Sun Dec 04 04:47:44 2005] in New York (EST, UTC−5) → 09:47:44Z.
    expect(r.events[0]).toMatchObject({
      ts: '2005-12-04T09:47:44.000Z',
      rawTime: 'Sun Dec 04 04:47:44 2005',
      category: 'web',
      message: 'workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      lineNo: 1,
      offset: 0
    })
    // The first line with a client: [Sun Dec 04 05:15:09 2005] [error] [client 222.166.160.184].
    const client = r.events.find((e) => e.srcIp !== null)!
    expect(client).toMatchObject({ ts: '2005-12-04T10:15:09.000Z', srcIp: '222.166.160.184', message: 'Directory index forbidden by rule: /var/www/html/' })
    // Line 2,000 (no final newline): [Mon Dec 05 19:15:57 2005] → 2005-12-06T00:15:57Z.
    expect(r.events.at(-1)).toMatchObject({ ts: '2005-12-06T00:15:57.000Z', lineNo: 2000, outcome: 'failure' })
  })

  it('reads Apache 2.4 and nginx error lines', async () => {
    const p = fixture(
      'error.log',
      [
        '[Wed Oct 11 14:32:52.123456 2023] [core:error] [pid 1234:tid 140234] [client 203.0.113.5:51234] AH00126: Invalid URI in request GET /%2e%2e/etc/passwd HTTP/1.1',
        '[Wed Oct 11 14:32:53.000001 2023] [mpm_event:notice] [pid 1:tid 2] AH00489: Apache/2.4.57 (Unix) configured -- resuming normal operations',
        '2023/10/11 14:33:00 [crit] 77#77: *9 SSL_do_handshake() failed (SSL: error:0A00006C:SSL routines::bad key share) while SSL handshaking, client: 198.51.100.20, server: 0.0.0.0:443',
        '2023/10/11 14:33:01 [notice] 1#1: signal process started',
        'Oct 11 14:33:02 web01 kernel: not an error log'
      ].join('\n')
    )
    const r = await importSample('web-error', p, { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.ts, e.action, e.outcome, e.srcIp])).toEqual([
      ['2023-10-11T14:32:52.123456Z', 'error', 'failure', '203.0.113.5'],
      ['2023-10-11T14:32:53.000001Z', 'notice', 'unknown', null],
      ['2023-10-11T14:33:00.000Z', 'crit', 'failure', '198.51.100.20'],
      ['2023-10-11T14:33:01.000Z', 'notice', 'unknown', null]
    ])
    expect(r.events[0]!.fields).toMatchObject({ module: 'core', pid: 1234, tid: '140234', code: 'AH00126', client: '203.0.113.5:51234' })
    expect(r.events[2]).toMatchObject({ host: '0.0.0.0:443', message: expect.stringMatching(/^SSL_do_handshake\(\) failed .* while SSL handshaking$/) })
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 5 })])
  })
})

describe('iis-w3c', () => {
  // An Exchange/OWA front end's W3C log: two header blocks (the service restarted and IIS
  // wrote a new #Fields with more columns), a short line and an impossible date.
  const W3C = [
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2024-03-10 06:00:01',
    '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
    '2024-03-10 06:00:01 10.0.0.10 GET /owa/auth/logon.aspx replaceCurrent=1&url=https%3a%2f%2fmail.contoso.com%2fowa%2f 443 - 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 200 0 0 15',
    '2024-03-10 06:00:05 10.0.0.10 POST /owa/auth.owa - 443 CONTOSO\\jdoe 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) https://mail.contoso.com/owa/auth/logon.aspx 302 0 0 46',
    '#Software: Microsoft Internet Information Services 10.0',
    '#Version: 1.0',
    '#Date: 2024-03-10 07:12:44',
    '#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
    '2024-03-10 07:12:44 W3SVC1 EXCH01 10.0.0.10 GET /ecp/default.aspx - 443 - 198.51.100.23 python-requests/2.31.0 401 1 2148074254 1293 412 3',
    '2024-03-10 07:12:45 W3SVC1 EXCH01 10.0.0.10 GET /ecp/default.aspx - 443',
    '2024-02-30 07:12:46 W3SVC1 EXCH01 10.0.0.10 GET / - 443 - 198.51.100.23 - 200 0 0 10 10 1',
    '2024-03-10 07:12:47.250 W3SVC1 EXCH01 fe80::1 GET /autodiscover/autodiscover.xml - 443 CONTOSO\\svc-scan 2001:db8::23 - 500 0 0 10 10 1'
  ].join('\r\n')

  it('reads fields per #Fields block, in UTC whatever the source zone', async () => {
    const p = fixture('u_ex240310.log', `${W3C}\r\n`)
    expect(await detect(p)).toEqual({ id: 'iis-w3c', confidence: 1 })
    const r = await importSample('iis-w3c', p, { timeZone: 'America/Los_Angeles' })
    expect(r.events.map((e) => [e.ts, e.action, e.outcome, e.lineNo])).toEqual([
      ['2024-03-10T06:00:01.000Z', 'GET', 'success', 5],
      ['2024-03-10T06:00:05.000Z', 'POST', 'success', 6],
      ['2024-03-10T07:12:44.000Z', 'GET', 'failure', 11],
      ['2024-03-10T07:12:47.250Z', 'GET', 'failure', 14]
    ])
    expect(r.events[1]).toMatchObject({ actor: 'CONTOSO\\jdoe', srcIp: '203.0.113.7', dstIp: '10.0.0.10', category: 'web', host: null })
    expect(r.events[1]!.fields).toMatchObject({ 'cs-uri-stem': '/owa/auth.owa', 'sc-status': 302, 'time-taken': 46, 'cs(Referer)': 'https://mail.contoso.com/owa/auth/logon.aspx' })
    expect(r.events[2]).toMatchObject({ host: 'EXCH01', srcIp: '198.51.100.23', actor: null })
    expect(r.events[2]!.fields).toMatchObject({ 's-sitename': 'W3SVC1', 'sc-win32-status': 2148074254, 'sc-bytes': 1293 })
    expect(r.events[3]).toMatchObject({ srcIp: '2001:db8::23', dstIp: 'fe80::1', actor: 'CONTOSO\\svc-scan' })
    expect(r.bad.map((b) => b.lineNo)).toEqual([12, 13])
    expect(r.bad[0]!.reason).toBe('9 values, #Fields names 18')
    expect(r.decisions.stampsInSourceZone).toBe(0)
    expect(r.notes).toContain('W3C date and time read as UTC (IIS writes W3C logs in UTC)')
  })

  it('takes the date from #Date when the log has only a time column', async () => {
    const p = fixture('timeonly.log', ['#Version: 1.0', '#Date: 2024-03-10 00:00:00', '#Fields: time c-ip cs-method cs-uri-stem sc-status', '23:59:58 192.0.2.1 GET /x 200', 'GET'].join('\n'))
    expect((await detect(p)).id).toBe('iis-w3c')
    const r = await importSample('iis-w3c', p)
    expect(r.events).toEqual([expect.objectContaining({ ts: '2024-03-10T23:59:58.000Z', srcIp: '192.0.2.1' })])
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 5 })])
  })
})
