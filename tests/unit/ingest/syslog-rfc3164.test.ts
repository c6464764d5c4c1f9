import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { syslogImporters } from '../../../electron/core/ingest/formats/syslog'
import { syslogRfc3164 } from '../../../electron/core/ingest/formats/syslog/rfc3164'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample, sample } from '../../helpers/importSample'

const dir = mkdtempSync(join(tmpdir(), 'iwb-syslog3164-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name)
  writeFileSync(p, content)
  return p
}

const LINUX = sample('syslog/Linux_2k.log')

describe('syslog-rfc3164 on loghub Linux_2k.log', () => {
  it('reads all 2,000 lines with the forced year, first and last as written (UTC source zone)', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { year: 2005 })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2000)
    // line 1: "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; … rhost=218.188.2.4 "
    expect(r.events[0]!.ts).toBe('2005-06-14T15:16:01.000Z')
    expect(r.events[0]!.rawTime).toBe('Jun 14 15:16:01')
    // line 2000: "Jul 27 14:42:00 combo kernel: Linux agpgart interface v0.100 (c) Dave Jones"
    expect(r.events[1999]!.ts).toBe('2005-07-27T14:42:00.000Z')
    expect(r.events[1999]!.lineNo).toBe(2000)
    expect(r.events[1999]!.fields).toMatchObject({ program: 'kernel' })
    expect(r.events[1999]!.message).toBe('kernel: Linux agpgart interface v0.100 (c) Dave Jones')
    expect(r.decisions.yearInference?.basis).toBe('explicit')
  })

  it('keeps each message as "program[pid]: text", tag spacing as written or normalised', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { year: 2005 })
    const lines = readFileSync(LINUX, 'utf8').split(/\r?\n/)
    for (const e of r.events) {
      // The message is the line from its tag on (the line's own text, one space after the colon).
      expect(lines[e.lineNo! - 1]!.endsWith(e.message), `line ${e.lineNo}`).toBe(true)
      if (e.fields?.program !== undefined) expect(e.message.startsWith(`${String(e.fields.program)}`)).toBe(true)
    }
    // No space after the colon (not a tag), two spaces, nothing after: as written.
    const odd = await importSample('syslog-rfc3164', file('odd-tags.log', 'Mar  1 10:00:00 h app[7]:x\nMar  1 10:00:01 h app:  two\nMar  1 10:00:02 h app[8]:\n'), { year: 2024 })
    expect(odd.events.map((e) => e.message)).toEqual(['app[7]:x', 'app:  two', 'app[8]: '])
  })

  it('goes from June to July between lines 604 and 605 without a roll-over', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { year: 2005 })
    // line 604: "Jun 30 22:16:33 combo sshd(pam_unix)[19440]: session closed for user test"
    expect(r.events[603]!.ts).toBe('2005-06-30T22:16:33.000Z')
    // line 605: "Jul  1 00:21:28 combo sshd(pam_unix)[19630]: authentication failure; … rhost=60.30.224.116  user=root"
    expect(r.events[604]!.ts).toBe('2005-07-01T00:21:28.000Z')
    expect(r.events[604]!.rawTime).toBe('Jul  1 00:21:28')
    expect(r.decisions.yearInference?.rollovers).toEqual([])
    // 604 June lines, then 1,396 July lines (awk '{print $1}' | uniq -c), all in 2005.
    expect(r.events.slice(0, 604).every((e) => e.ts.startsWith('2005-06-'))).toBe(true)
    expect(r.events.slice(604).every((e) => e.ts.startsWith('2005-07-'))).toBe(true)
  })

  it('applies the source zone: June in New York is EDT (UTC-4)', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { year: 2005, timeZone: 'America/New_York' })
    expect(r.events[0]!.ts).toBe('2005-06-14T19:16:01.000Z')
    // line 899: "Jul  7 08:06:15 combo  -- root[2421]: ROOT LOGIN ON tty2"
    expect(r.events[898]!.ts).toBe('2005-07-07T12:06:15.000Z')
    expect(r.events[0]!.flags.zoneAssumed).toBe(true)
  })

  it('infers the year from the file time when none is given', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { mtimeUs: Date.UTC(2005, 7, 1) * 1000 })
    expect(r.events[0]!.ts).toBe('2005-06-14T15:16:01.000Z')
    expect(r.events[0]!.flags.yearInferred).toBe(true)
    expect(r.decisions.yearInference?.basis).toBe('file-mtime')
  })

  it('turns sshd/PAM/su/login/klogind/ftpd messages into auth and network events', async () => {
    const r = await importSample('syslog-rfc3164', LINUX, { year: 2005 })
    const e1 = r.events[0]!
    expect(e1).toMatchObject({ category: 'auth', action: 'login', outcome: 'failure', host: 'combo', srcIp: '218.188.2.4' })
    expect(e1.fields).toMatchObject({ program: 'sshd(pam_unix)', pid: '19939', rhost: '218.188.2.4' })
    // line 605 names the target user
    expect(r.events[604]).toMatchObject({ actor: 'root', srcIp: '60.30.224.116', outcome: 'failure' })
    // line 91: "… rhost=211.46.224.253  user=guest"
    expect(r.events[90]).toMatchObject({ actor: 'guest', srcIp: '211.46.224.253' })
    // line 603: "sshd(pam_unix)[19439]: session closed for user test"
    expect(r.events[602]).toMatchObject({ category: 'auth', action: 'session-close', outcome: 'success', actor: 'test' })
    // line 899: login with an odd ident
    expect(r.events[898]).toMatchObject({ category: 'auth', action: 'login', outcome: 'success', actor: 'root' })
    // line 539: "klogind[19272]: Authentication failed from 163.27.187.39 (163.27.187.39): Permission denied in replay cache code "
    expect(r.events[538]).toMatchObject({ category: 'auth', outcome: 'failure', srcIp: '163.27.187.39' })
    // line 1000: "ftpd[23154]: connection from 211.167.68.59 () at Sat Jul  9 12:16:51 2005 "
    expect(r.events[999]).toMatchObject({ category: 'network', action: 'connection', srcIp: '211.167.68.59', ts: '2005-07-09T12:16:51.000Z' })
    // line 1748: "ftpd[16781]: ANONYMOUS FTP LOGIN FROM 84.102.20.2,  (anonymous)"
    expect(r.events[1747]).toMatchObject({ category: 'auth', outcome: 'success', actor: 'anonymous', srcIp: '84.102.20.2' })

    // Counts worked out with grep on the sample:
    //  490 "authentication failure" + 117 "check pass; user unknown" + 46 klogind + 1 gdm-binary = 654 failures;
    //  123 "session opened", 123 "session closed"; 1 ROOT LOGIN + 2 ANONYMOUS FTP LOGIN; 909 "connection from".
    const count = (f: (e: (typeof r.events)[number]) => boolean): number => r.events.filter(f).length
    expect(count((e) => e.category === 'auth' && e.outcome === 'failure')).toBe(654)
    expect(count((e) => e.action === 'session-open')).toBe(123)
    expect(count((e) => e.action === 'session-close')).toBe(123)
    expect(count((e) => e.action === 'login' && e.outcome === 'success')).toBe(3)
    expect(count((e) => e.category === 'network')).toBe(909)
    expect(count((e) => e.category === 'system')).toBe(2000 - 654 - 246 - 3 - 909)
  })

  it('is detected as RFC 3164 syslog', async () => {
    expect(await detect(LINUX)).toEqual({ id: 'syslog-rfc3164', confidence: 0.8 })
  })
})

describe('syslog-rfc3164 variants', () => {
  it('reads <PRI>, host-less tags, IPv6 peers, RFC 3339 stamps, sudo and su', async () => {
    const p = file(
      'variants.log',
      [
        '<38>Mar  1 10:00:00 srv sshd[1234]: Accepted publickey for deploy from 2001:db8::7 port 50022 ssh2',
        '2024-03-01T10:00:00.123456+01:00 srv sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
        'Mar  1 10:00:01 srv sudo:      bob : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/bob ; USER=root ; COMMAND=/bin/sh',
        'Mar  1 10:00:02 srv su: FAILED su for root by mallory',
        'Mar  1 10:00:03 srv sshd[99]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.4  user=carol',
        'Mar  1 10:00:04 srv sshd[99]: Invalid user oracle from 198.51.100.4 port 3333',
        '<13>Mar  1 10:00:05 myprog[5]: hello world',
        'Mar  1 10:00:06.250 srv kernel: fractional seconds',
        '2024-03-01 10:00:07 srv app: space-separated ISO stamp without zone'
      ].join('\n')
    )
    const r = await importSample('syslog-rfc3164', p, { year: 2024 })
    expect(r.bad).toEqual([])
    const [a, b, c, d, e, f, g, h, i] = r.events
    expect(a).toMatchObject({ ts: '2024-03-01T10:00:00.000Z', category: 'auth', action: 'login', outcome: 'success', actor: 'deploy', srcIp: '2001:db8::7', host: 'srv' })
    expect(a!.fields).toMatchObject({ facility: 'auth', severity: 'info', program: 'sshd', pid: '1234', method: 'publickey', port: 50022 })
    expect(b).toMatchObject({ ts: '2024-03-01T09:00:00.123456Z', action: 'sudo', outcome: 'success', actor: 'alice' })
    expect(b!.fields).toMatchObject({ targetUser: 'root', command: '/usr/bin/id' })
    expect(b!.flags.zoneAssumed).toBe(false)
    expect(c).toMatchObject({ action: 'sudo', outcome: 'failure', actor: 'bob' })
    expect(d).toMatchObject({ action: 'su', outcome: 'failure', actor: 'mallory' })
    expect(e).toMatchObject({ action: 'login', outcome: 'failure', actor: 'carol', srcIp: '198.51.100.4' })
    expect(f).toMatchObject({ action: 'invalid-user', outcome: 'failure', actor: 'oracle', srcIp: '198.51.100.4' })
    expect(g).toMatchObject({ host: null, message: 'myprog[5]: hello world', ts: '2024-03-01T10:00:05.000Z' })
    expect(h!.ts).toBe('2024-03-01T10:00:06.250Z')
    expect(i).toMatchObject({ ts: '2024-03-01T10:00:07.000Z', host: 'srv' })
  })
})

describe('syslog-rfc3164 bad input', () => {
  it('reports a non-syslog line in the middle by line number and keeps the rest', async () => {
    const p = file('middle.log', 'Mar  1 10:00:00 h a: one\nthis is not syslog at all\nMar  1 10:00:02 h a: three\n')
    const r = await importSample('syslog-rfc3164', p, { year: 2024 })
    expect(r.events.map((e) => e.lineNo)).toEqual([1, 3])
    expect(r.bad).toHaveLength(1)
    expect(r.bad[0]).toMatchObject({ lineNo: 2, excerpt: 'this is not syslog at all' })
    expect(r.bad[0]!.reason).toMatch(/no timestamp/)
  })

  it('refuses impossible dates: Feb 30, Apr 31, 25:00, and Feb 29 in a non-leap year', async () => {
    const p = file(
      'dates.log',
      ['Feb 30 10:00:00 h a: x', 'Apr 31 10:00:00 h a: x', 'Mar  1 25:00:00 h a: x', 'Feb 29 10:00:00 h a: leap?', 'Mar  1 10:00:00 h a: fine'].join('\n')
    )
    const r = await importSample('syslog-rfc3164', p, { year: 2023 })
    expect(r.bad.map((b) => b.lineNo)).toEqual([1, 2, 3, 4])
    expect(r.bad[0]!.reason).toMatch(/impossible date Feb 30/)
    expect(r.bad[3]!.reason).toMatch(/2023-2-29/)
    expect(r.events.map((e) => e.lineNo)).toEqual([5])
    const leap = await importSample('syslog-rfc3164', p, { year: 2024 })
    expect(leap.events.map((e) => e.ts)).toEqual(['2024-02-29T10:00:00.000Z', '2024-03-01T10:00:00.000Z'])
  })

  it('survives binary garbage and empty files in every syslog-family importer', async () => {
    let x = 12345
    const bytes = Buffer.alloc(64 * 1024)
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff
      bytes[i] = x >> 16
    }
    const garbage = file('garbage.bin', bytes)
    const empty = file('empty.log', '')
    const sniffGarbage = await readSniffInput(garbage)
    const sniffEmpty = await readSniffInput(empty)
    for (const imp of syslogImporters) {
      expect(imp.sniff(sniffGarbage), imp.id).toBe(0)
      expect(imp.sniff(sniffEmpty), imp.id).toBe(0)
      const r = await importSample(imp, garbage, { year: 2024 })
      expect(r.events, imp.id).toHaveLength(0)
      expect(r.bad.length, imp.id).toBeGreaterThan(0)
      for (const b of r.bad) expect(typeof b.lineNo).toBe('number')
      const e = await importSample(imp, empty, { year: 2024 })
      expect(e.events).toHaveLength(0)
      expect(e.bad).toHaveLength(0)
    }
  })

  it('stays fast on hostile lines (no regex backtracking blow-up)', () => {
    const parser = syslogRfc3164.createLineParser!({ fileName: 'x', note: () => {} })
    const hostile = [
      `Mar  1 10:00:00 h sudo: ${'a : x ; TTY=y ; '.repeat(20000)}`,
      `Mar  1 10:00:00 h sshd[1]: Failed password for ${'x from '.repeat(50000)}`,
      `Mar  1 10:00:00 h ${'['.repeat(100000)}`,
      `<1>${'Mar  1 '.repeat(50000)}`
    ]
    const t = performance.now()
    for (const l of hostile) parser.line(l, 1)
    expect(performance.now() - t).toBeLessThan(1000)
  })

  it('keeps every syslog-family parser fast and crash-free on long hostile lines', () => {
    const hostile = [
      `<166>Jun 05 2024 10:00:01: %ASA-6-302013: Built inbound TCP connection 1 for ${'a:b/1 (c/2) '.repeat(300)}`,
      `<166>Jun 05 2024 10:00:01: %ASA-6-113015: AAA user authentication Rejected : reason = ${' : reason = x'.repeat(300)}`,
      `${'Jun 05 2024 10:00:01 EDT '.repeat(20000)}%ASA-6-302013: x`,
      `LEEF:2.0|a|b|c|d|^|${'k=v^'.repeat(50000)}`,
      `date=2024-05-01 time=12:00:01 ${'k="v '.repeat(50000)}`,
      `${'1,'.repeat(100000)}2023/07/06 08:11:40,0,TRAFFIC,${','.repeat(100000)}`,
      `Jun  8 14:34:33 h kernel: [1.0] ${'SRC= DST= '.repeat(50000)}`,
      `<134>1 2025-11-06T11:32:42Z h filterlog 1 - ${'[a b="c" '.repeat(30000)}`,
      `0|${'|'.repeat(100000)}`
    ]
    const t = performance.now()
    for (const imp of syslogImporters) {
      const parser = imp.createLineParser!({ fileName: 'x', note: () => {} })
      for (const l of hostile) expect(() => parser.line(l, 1), imp.id).not.toThrow()
    }
    expect(performance.now() - t).toBeLessThan(3000)
  })
})
