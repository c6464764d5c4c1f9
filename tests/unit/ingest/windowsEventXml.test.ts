import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { eventXmlImporter, stripViewerPrefixes } from '../../../electron/core/ingest/formats/windows/eventXml'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const SAMPLE = sample('windows/crowdsec_windows-eventviewer-xml.log')
const tmp = tempDir('iwb-evxml-')
afterAll(() => tmp.cleanup())
let n = 0
function file(content: string | Buffer): string {
  const path = join(tmp.path, `events${++n}.xml`)
  writeFileSync(path, content)
  return path
}

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
const event = (id: number, time: string, recordId: number, data: string, extra = '') =>
  `<Event xmlns="${NS}"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}"/><EventID>${id}</EventID><Version>2</Version><Level>0</Level><Task>12544</Task><Opcode>0</Opcode><Keywords>0x8020000000000000</Keywords><TimeCreated SystemTime="${time}"/><EventRecordID>${recordId}</EventRecordID><Correlation/><Execution ProcessID="640" ThreadID="712"/><Channel>Security</Channel><Computer>DC01.corp.example</Computer><Security/></System><EventData>${data}</EventData>${extra}</Event>`

describe('windows-event-xml', () => {
  it('reads the Event Viewer "XML view" sample (IE "- " prefixes, one line)', async () => {
    expect(await detect(SAMPLE)).toEqual({ id: 'windows-event-xml', confidence: 0.95 })
    const r = await importSample('windows-event-xml', SAMPLE)
    expect(r.bad).toEqual([])
    expect(r.events.length).toBe(1)
    const e = r.events[0]!
    // SystemTime="2022-04-28T16:09:28.9443547Z": 100 ns digits truncated to µs.
    expect(e.ts).toBe('2022-04-28T16:09:28.944354Z')
    expect(e.rawTime).toBe('2022-04-28T16:09:28.9443547Z')
    expect(e).toMatchObject({
      category: 'auth',
      action: 'logon',
      outcome: 'failure',
      actor: 'testuser@mydomain.test',
      actorId: null,
      host: 'exchange-1.mydomain.test',
      srcIp: '192.168.9.212',
      recordNo: 1,
      offset: 2,
      length: 1654
    })
    expect(e.fields).toMatchObject({
      EventID: '4625',
      EventRecordID: '2524',
      Channel: 'Security',
      Keywords: '0x8010000000000000',
      ActivityID: '{31491fb2-5b07-0001-4d20-4931075bd801}',
      ExecutionProcessID: '712',
      ExecutionThreadID: '11528',
      SubStatus: '0xc0000064',
      LogonType: '8',
      ProcessName: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      IpPort: '1628',
      TransmittedServices: '-',
      FailureMeaning: 'user name does not exist'
    })
    expect(e.message).toBe('Failed logon (type 8 NetworkCleartext) of testuser@mydomain.test from 192.168.9.212: user name does not exist')
  })

  it('strips only the IE collapse markers, never a "-" value', () => {
    expect(stripViewerPrefixes('- <Event>- <System>  <Data Name="a">-</Data><Data Name="b">- </Data></System>')).toBe('<Event><System>  <Data Name="a">-</Data><Data Name="b">- </Data></System>')
  })

  it('reads a "Save as XML" file (UTF-16LE, <Events> root, RenderingInfo) with per-event offsets', async () => {
    const rendering = '<RenderingInfo Culture="en-US"><Message>An account was successfully logged on.&#13;\n&#13;\nSubject: …</Message><Level>Information</Level><Task>Logon</Task><Keywords><Keyword>Audit Success</Keyword></Keywords></RenderingInfo>'
    const e1 = event(4624, '2024-02-29T23:59:59.9999999Z', 10, '<Data Name="TargetUserSid">S-1-5-21-1-2-3-1104</Data><Data Name="TargetUserName">alice</Data><Data Name="TargetDomainName">CORP</Data><Data Name="LogonType">3</Data><Data Name="IpAddress">::ffff:10.0.0.5</Data><Data Name="IpPort">50123</Data>', rendering)
    const e2 = event(4634, '2024-03-01T00:10:00.0000000Z', 11, '<Data Name="TargetUserSid">S-1-5-21-1-2-3-1104</Data><Data Name="TargetUserName">alice</Data><Data Name="LogonType">3</Data>')
    const head = '<?xml version="1.0" encoding="UTF-16"?>\r\n<Events>\r\n'
    const text = `${head}${e1}\r\n${e2}\r\n</Events>\r\n`
    const path = file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    expect(await detect(path)).toEqual({ id: 'windows-event-xml', confidence: 0.95 })
    const r = await importSample('windows-event-xml', path)
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.ts, e.action, e.actor, e.srcIp, e.recordNo, e.offset, e.length])).toEqual([
      ['2024-02-29T23:59:59.999999Z', 'logon', 'alice', '10.0.0.5', 1, 2 + 2 * head.length, 2 * e1.length],
      ['2024-03-01T00:10:00.000Z', 'logoff', 'alice', null, 2, 2 + 2 * (head.length + e1.length + 2), 2 * e2.length]
    ])
    expect(r.events[0]!.fields).toMatchObject({ RenderedMessage: 'An account was successfully logged on.\r\n\r\nSubject: …', RenderedLevel: 'Information', RenderedTask: 'Logon' })
  })

  it('reads wevtutil output (bare events, multi-line, UTF-8) and reports broken events by number', async () => {
    const good = (i: number) => event(4688, `2024-05-01T10:00:0${i}.5Z`, 100 + i, `<Data Name="SubjectUserSid">S-1-5-21-1-2-3-1105</Data><Data Name="SubjectUserName">bob</Data><Data Name="SubjectDomainName">CORP</Data><Data Name="NewProcessName">C:\\Windows\\System32\\cmd.exe</Data><Data Name="CommandLine">cmd /c whoami &amp; hostname</Data>`).replace(/></g, '>\n  <')
    const broken = event(4688, '2024-05-01T10:00:05Z', 105, '<Data Name="SubjectUserName">bob</Dta>')
    const noTime = event(4688, 'yesterday', 106, '')
    const text = [good(1), broken, good(2), noTime, good(3), event(4688, '2024-05-01T10:00:09Z', 109, '<Data Name="x">cut</Data>').slice(0, -30)].join('\n')
    const path = file(text)
    expect((await detect(path)).id).toBe('windows-event-xml')
    const r = await importSample('windows-event-xml', path)
    expect(r.events.map((e) => [e.recordNo, e.ts, e.category, e.action, e.actor, e.actorId])).toEqual([
      [1, '2024-05-01T10:00:01.500Z', 'process', 'process-created', 'bob', 'S-1-5-21-1-2-3-1105'],
      [3, '2024-05-01T10:00:02.500Z', 'process', 'process-created', 'bob', 'S-1-5-21-1-2-3-1105'],
      [5, '2024-05-01T10:00:03.500Z', 'process', 'process-created', 'bob', 'S-1-5-21-1-2-3-1105']
    ])
    expect(r.events[0]!.fields?.CommandLine).toBe('cmd /c whoami & hostname')
    expect(r.events[0]!.message).toBe('Process created: C:\\Windows\\System32\\cmd.exe (cmd /c whoami & hostname) by CORP\\bob')
    // Each record carries the line its <Event> starts on.
    const starts = [...text.matchAll(/<Event[\s>]/g)].map((m) => text.slice(0, m.index).split('\n').length)
    expect(starts).toHaveLength(6)
    expect(r.events.map((e) => e.lineNo)).toEqual([starts[0], starts[2], starts[4]])
    expect(r.bad.map((b) => [b.recordNo, b.lineNo, b.reason])).toEqual([
      [2, starts[1], expect.stringMatching(/^malformed XML: .*Dta/)],
      [4, starts[3], 'SystemTime "yesterday" is not an ISO time'],
      [6, starts[5], '<Event> is cut off by the end of the file']
    ])
    expect(r.bad[0]!.excerpt).toMatch(/^<Event[\s>]/)
  })

  it('gives 0 to XML that is not a Windows event, and to other text', async () => {
    expect(eventXmlImporter.sniff(await readSniffInput(file('<?xml version="1.0"?><Journal><Event>door</Event></Journal>')))).toBe(0)
    expect(eventXmlImporter.sniff(await readSniffInput(file('Jun 14 15:16:01 combo sshd[19939]: x\n')))).toBe(0)
  })
})
