// UTF-16 text (Excel "Unicode text", Event Viewer) is split on UTF-16 code units and
// decoded, while every line keeps its offset and length in BYTES of the file: reading the
// bytes back at offset/length and decoding them gives the line again. UTF-8 with a BOM
// keeps working the same way.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { readLines, type Line } from '../../../electron/core/ingest/lineReader'
import { createMappedImporter, suggestMappingForFile } from '../../../electron/core/ingest/mapping'
import { readSniffInput } from '../../../electron/core/ingest/sniff'
import { listSources, originalBytes, queryEvents } from '../../../electron/core/timeline/eventQuery'
import { detect, importSample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

type Enc = 'utf-16le' | 'utf-16be' | 'utf-8'

function encode(text: string, enc: Enc): Buffer {
  if (enc === 'utf-8') return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])
  const le = Buffer.from(text, 'utf16le')
  return enc === 'utf-16le' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le]) : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()])
}

function decode(bytes: Buffer, enc: Enc): string {
  return new TextDecoder(enc).decode(bytes)
}

// RFC 3164 lines with non-ASCII text (two-byte and four-byte UTF-16), and one bad line (5).
const LINES = [
  'Mar  5 10:00:01 gate sshd[100]: Accepted password for zoë from 10.0.0.5 port 22 ssh2',
  'Mar  5 10:00:02 gate sshd[101]: Failed password for root from 10.0.0.6 port 22 ssh2',
  'Mar  5 10:00:03 gate kernel: ♥ link up 😀 eth0',
  'Mar  5 10:00:04 gate sshd[102]: Connection closed by 10.0.0.7',
  'this line is not syslog at all',
  'Mar  5 10:00:06 gate cron[7]: (root) CMD (run-parts /etc/cron.hourly)'
]
const TEXT = LINES.join('\r\n') + '\r\n'

let tmp: ReturnType<typeof tempDir>
beforeEach(() => {
  tmp = tempDir()
})
afterEach(() => tmp.cleanup())

function write(name: string, content: Buffer): string {
  const p = join(tmp.path, name)
  writeFileSync(p, content)
  return p
}

async function collect(path: string, maxLineBytes?: number): Promise<Line[]> {
  const out: Line[] = []
  for await (const l of readLines(path, { maxLineBytes })) out.push(l)
  return out
}

describe.each<Enc>(['utf-16le', 'utf-16be', 'utf-8'])('%s text with a BOM and CRLF', (enc) => {
  const bom = enc === 'utf-8' ? 3 : 2

  it('splits lines with byte offsets and lengths that read back to the same text', async () => {
    const bytes = encode(TEXT, enc)
    const path = write(`lines-${enc}.log`, bytes)
    const lines = await collect(path)
    expect(lines.map((l) => l.text)).toEqual(LINES)
    expect(lines.map((l) => l.lineNo)).toEqual([1, 2, 3, 4, 5, 6])
    expect(lines[0]!.offset).toBe(bom)
    for (const l of lines) {
      expect(l.invalidUtf8).toBe(false)
      expect(decode(bytes.subarray(l.offset, l.offset + l.length), enc)).toBe(l.text)
    }
    // Lengths are bytes without CRLF: the next line starts one terminator later.
    const crlf = enc === 'utf-8' ? 2 : 4
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.offset).toBe(lines[i - 1]!.offset + lines[i - 1]!.length + crlf)
  })

  it('gives the sniffers decoded text and detects the format', async () => {
    const path = write(`sniff-${enc}.log`, encode(TEXT, enc))
    const input = await readSniffInput(path)
    expect(input.lines.slice(0, 6)).toEqual(LINES)
    expect(await detect(path)).toMatchObject({ id: 'syslog-rfc3164' })
  })

  it('imports through importSample: events, offsets and the bad line number', async () => {
    const bytes = encode(TEXT, enc)
    const path = write(`sample-${enc}.log`, bytes)
    const r = await importSample('syslog-rfc3164', path, { year: 2024 })
    expect(r.events.map((e) => [e.lineNo, e.ts])).toEqual([
      [1, '2024-03-05T10:00:01.000Z'],
      [2, '2024-03-05T10:00:02.000Z'],
      [3, '2024-03-05T10:00:03.000Z'],
      [4, '2024-03-05T10:00:04.000Z'],
      [6, '2024-03-05T10:00:06.000Z']
    ])
    expect(r.events[2]!.message).toContain('♥ link up 😀 eth0')
    for (const e of r.events) expect(decode(bytes.subarray(e.offset, e.offset + e.length), enc)).toBe(LINES[e.lineNo! - 1])
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 5, excerpt: 'this line is not syslog at all' })])
  })

  it('imports through the pipeline: stored references read back to the original line', async () => {
    const folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'UTF-16', examiner: 'Ana', timeZone: 'UTC' })
    try {
      const bytes = encode(TEXT, enc)
      const path = write(`auth-${enc}.log`, bytes)
      const acquired = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
      const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Ana', year: 2024 })
      expect(report).toMatchObject({ status: 'complete', format: 'syslog-rfc3164', formatChosenBy: 'detected', events: 5, badLines: 1, invalidUtf8Lines: 0 })
      expect(report.issues).toEqual([expect.objectContaining({ line: 5, excerpt: 'this line is not syslog at all' })])
      expect(report.issues[0]!.offset).toBe(bytes.indexOf(encode('this line', enc).subarray(bom)))
      expect(listSources(folder.db)[0]).toMatchObject({ events: 5, badLines: 1 })
      const events = queryEvents(folder.db, { limit: 100 })
      expect(events.map((e) => e.ref.line)).toEqual([1, 2, 3, 4, 6])
      for (const e of events) {
        const original = await originalBytes(folder, e)
        expect(decode(original, enc)).toBe(LINES[e.ref.line! - 1])
        expect(original.equals(bytes.subarray(e.ref.offset, e.ref.offset + e.ref.length))).toBe(true)
      }
      expect(events[2]!.message).toContain('😀')
    } finally {
      folder.close()
    }
  })
})

describe('Excel "Unicode text" (UTF-16LE TSV) through a mapping profile', () => {
  it('proposes the columns from the decoded header and imports with the profile', async () => {
    const tsv = ['Date\tCardholder\tCard\tDoor\tEvent', '05/03/2024 09:15:00\tJosé Núñez\t4711\tLobby\tAccess granted', '05/03/2024 09:16:00\t王伟\t4712\tLab\tAccess denied', ''].join('\r\n')
    const bytes = encode(tsv, 'utf-16le')
    const path = write('Unicode text.txt', bytes)
    const s = await suggestMappingForFile(path, 'Unicode text.txt')
    expect(s).toMatchObject({ kind: 'tsv', delimiter: '\t', columns: ['Date', 'Cardholder', 'Card', 'Door', 'Event'] })
    expect(s.sampleRows[1]).toEqual(['05/03/2024 09:16:00', '王伟', '4712', 'Lab', 'Access denied'])
    const profile = { ...s.draft, id: 'excel-doors', name: 'Excel doors', time: { column: 'Date', format: 'dd/MM/yyyy HH:mm:ss', zone: 'utc' as const } }
    const r = await importSample(createMappedImporter(profile), path)
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.lineNo, e.ts, e.actor, e.action, e.location])).toEqual([
      [2, '2024-03-05T09:15:00.000Z', 'José Núñez', 'granted', 'Lobby'],
      [3, '2024-03-05T09:16:00.000Z', '王伟', 'denied', 'Lab']
    ])
    for (const e of r.events) expect(decode(bytes.subarray(e.offset, e.offset + e.length), 'utf-16le')).toBe(tsv.split('\r\n')[e.lineNo! - 1])
  })
})

describe('UTF-16 edge cases', () => {
  it('flags a lone surrogate, keeps a last line without terminator, and ignores an odd trailing byte', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('ok\r\nbad ', 'utf16le'), Buffer.from([0x00, 0xd8]), Buffer.from('\nlast', 'utf16le')])
    const lines = await collect(write('edge.txt', le))
    expect(lines.map((l) => [l.lineNo, l.text, l.invalidUtf8, l.offset, l.length])).toEqual([
      [1, 'ok', false, 2, 4],
      [2, 'bad \uFFFD', true, 10, 10],
      [3, 'last', false, 22, 8]
    ])
    const odd = await collect(write('odd.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a\nb', 'utf16le'), Buffer.from([0x41])])))
    expect(odd.map((l) => [l.text, l.length])).toEqual([
      ['a', 2],
      ['b\uFFFD', 3]
    ])
  })

  it('does not take a 0x0A byte inside another character for a line end', async () => {
    // U+0A0A (GURMUKHI LETTER UU) is 0A 0A in both byte orders; U+010A is 0A 01 in LE.
    const text = 'x\u0A0Ay\u010Az\r\nnext'
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      const lines = await collect(write(`gur-${enc}.txt`, encode(text, enc)))
      expect(lines.map((l) => l.text)).toEqual(['x\u0A0Ay\u010Az', 'next'])
    }
  })

  it('reports an over-long UTF-16 line once by its byte length and goes on', async () => {
    const long = 'L'.repeat(3000)
    const bytes = encode(`first\r\n${long}\r\nthird\r\n`, 'utf-16le')
    const lines = await collect(write('long.txt', bytes), 1000)
    expect(lines.map((l) => [l.lineNo, l.tooLong ?? false, l.length])).toEqual([
      [1, false, 10],
      [2, true, 6000],
      [3, false, 10]
    ])
    expect(lines[1]!.text).toBe('L'.repeat(100))
    expect(lines[2]!.offset).toBe(2 + 10 + 4 + 6000 + 4)
    expect(decode(readFileSync(join(tmp.path, 'long.txt')).subarray(lines[2]!.offset, lines[2]!.offset + 10), 'utf-16le')).toBe('third')
  })

  it('splits across 1 MiB reads without losing or shifting a line', async () => {
    const many = Array.from({ length: 60_000 }, (_, i) => `line ${i} ${'é'.repeat(i % 13)}`)
    const bytes = encode(many.join('\r\n'), 'utf-16be')
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024)
    const lines = await collect(write('many.txt', bytes))
    expect(lines).toHaveLength(many.length)
    expect(lines.every((l, i) => l.text === many[i])).toBe(true)
    for (const i of [0, 17_000, 59_999]) expect(decode(bytes.subarray(lines[i]!.offset, lines[i]!.offset + lines[i]!.length), 'utf-16be')).toBe(many[i])
  })
})
