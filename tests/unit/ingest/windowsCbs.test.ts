import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { cbsImporter } from '../../../electron/core/ingest/formats/windows/cbs'
import { measureImportSpeed } from '../../../electron/core/ingest/formats/windows/speed'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const SAMPLE = sample('windows/Windows_CBS_2k.log')
const tmp = tempDir('iwb-cbs-')
afterAll(() => tmp.cleanup())

describe('windows-cbs', () => {
  it('is detected on the sample', async () => {
    expect(await detect(SAMPLE)).toEqual({ id: 'windows-cbs', confidence: 0.9 })
    const path = join(tmp.path, 'other.log')
    writeFileSync(path, '2016-09-28 04:30:30 some other log line\n')
    expect(cbsImporter.sniff(await readSniffInput(path))).toBe(0)
  })

  it('reads all 2,000 stamped lines with the leading local stamp, keeping CSI stamps as text', async () => {
    // The file's machine was 8 h ahead of its CSI clock: read it as Asia/Shanghai (UTC+8).
    const r = await importSample('windows-cbs', SAMPLE, { timeZone: 'Asia/Shanghai' })
    expect(r.bad).toEqual([])
    expect(r.events.length).toBe(2000)
    expect(r.events.filter((e) => e.action === 'cbs').length).toBe(1973)
    expect(r.events.filter((e) => e.action === 'csi').length).toBe(27)
    expect(r.events[0]).toMatchObject({
      lineNo: 1,
      ts: '2016-09-27T20:30:30.000Z',
      rawTime: '2016-09-28 04:30:30',
      category: 'system',
      outcome: 'unknown',
      message: 'Loaded Servicing Stack v6.1.7601.23505 with Core: C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_6.1.7601.23505_none_681aa442f6fed7f0\\cbscore.dll'
    })
    const csi = r.events[1]!
    expect(csi.ts).toBe('2016-09-27T20:30:31.000Z')
    expect(csi.message.startsWith('00000001@2016/9/27:20:30:31.455 WcpInitialize')).toBe(true)
    expect(csi.fields).toEqual({ level: 'Info', component: 'CSI' })
    expect(r.events[1999]).toMatchObject({ lineNo: 2000, ts: '2016-09-28T18:04:40.000Z' })
    // 474 lines carry a failure HRESULT (0x8…).
    expect(r.events.filter((e) => e.outcome === 'failure').length).toBe(474)
    expect(r.events[10]!.fields).toEqual({ level: 'Info', component: 'CBS', hresult: '0x80004005' })
    // CRLF file: line 2 starts after line 1's 222 bytes + CRLF.
    expect(r.events[1]!.offset).toBe(224)
  })

  it('reports continuation lines without a stamp by line number', async () => {
    const path = join(tmp.path, 'CBS.log')
    writeFileSync(
      path,
      [
        '2024-01-10 09:00:00, Info                  CSI    00000007@2024/1/10:09:00:00.100 CSI perf trace:',
        'CSIPERF:TXCOMMIT;27601',
        '2024-01-10 09:00:01, Error                 CBS    Failed to process single phase execution. [HRESULT = 0x800f0922 - CBS_E_INSTALLERS_FAILED]',
        '2024-01-10 09:00:02, Info                  CBS    Exec: Processing complete.  Session: 31076534_1193592893, Package: Package_for_KB5034441 [HRESULT = 0x00000000 - S_OK]',
        '2024-01-10 09:00:03, Info'
      ].join('\r\n')
    )
    const r = await importSample('windows-cbs', path, { timeZone: 'UTC' })
    expect(r.events.map((e) => [e.lineNo, e.ts, e.outcome, e.fields?.level])).toEqual([
      [1, '2024-01-10T09:00:00.000Z', 'unknown', 'Info'],
      [3, '2024-01-10T09:00:01.000Z', 'failure', 'Error'],
      [4, '2024-01-10T09:00:02.000Z', 'success', 'Info']
    ])
    expect(r.bad.map((b) => [b.lineNo, b.reason, b.excerpt])).toEqual([
      [2, 'continuation line without a timestamp (belongs to the entry above; kept here so its text is not lost)', 'CSIPERF:TXCOMMIT;27601'],
      [5, 'CBS line with a timestamp but no level and component', '2024-01-10 09:00:03, Info']
    ])
  })

  it('measures line-parser throughput (reported, not asserted)', async () => {
    const path = join(tmp.path, 'CBS-big.log')
    const text = readFileSync(SAMPLE, 'utf8')
    writeFileSync(path, Array(25).fill(text).join('\r\n'))
    const speed = await measureImportSpeed(cbsImporter, path)
    expect(speed.events).toBe(50_000)
    console.log(`windows-cbs: ${speed.events} lines in ${speed.seconds.toFixed(3)} s = ${speed.recordsPerSecond} lines/s`)
  })
})
