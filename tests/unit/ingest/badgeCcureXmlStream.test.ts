// The C•CURE XML reader scans bytes in 1 MiB reads: messages cut by a read boundary, long
// files, UTF-16 and damaged input must all give exact offsets, bad records and no hang.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importSample } from '../../helpers/importSample'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'iwb-ccure-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

function journal(n: number): string {
  const parts = ['<?xml version="1.0" encoding="utf-8"?>\n<Journal>\n']
  for (let i = 0; i < n; i++) {
    const minute = String(i % 60).padStart(2, '0')
    const second = String(Math.floor(i / 60) % 60).padStart(2, '0')
    parts.push(
      `  <JournalMessage><MessageLocalDateTime>03/01/2024 10:${minute}:${second} AM</MessageLocalDateTime>` +
        `<JournalLogMessageType>CardAdmitted</JournalLogMessageType>` +
        `<MessageText>Admitted 'Person ${i}, Test' (Card: ${100000 + i}) at 'Door ${i % 7}' [In].</MessageText>` +
        `<PrimaryObjectName>Person ${i}, Test</PrimaryObjectName><SecondaryObjectName>Door ${i % 7}</SecondaryObjectName></JournalMessage>\n`
    )
  }
  parts.push('</Journal>\n')
  return parts.join('')
}

describe('C•CURE XML journal streaming', () => {
  it('reads 12,000 messages across read boundaries with exact byte offsets', async () => {
    const text = journal(12_000)
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 1024 * 1024)
    const path = join(dir, 'big.xml')
    await writeFile(path, text)
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'UTC' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(12_000)
    const bytes = await readFile(path)
    for (const i of [0, 4095, 4096, 7777, 11_999]) {
      const e = r.events[i]!
      const slice = bytes.subarray(e.offset, e.offset + e.length).toString('utf8')
      expect(slice.startsWith('<JournalMessage>')).toBe(true)
      expect(slice.endsWith('</JournalMessage>')).toBe(true)
      expect(slice).toContain(`(Card: ${100000 + i})`)
      expect(e.actorId).toBe(String(100000 + i))
      expect(e.recordNo).toBe(i + 1)
      // Line 1 is the XML declaration, line 2 <Journal>: message i is on line i + 3.
      expect(e.lineNo).toBe(i + 3)
    }
    // Every message between is accounted for, in order.
    expect(r.events.every((e, i) => e.actorId === String(100000 + i))).toBe(true)
  })

  it('reads the same journal in UTF-16LE with offsets in bytes', async () => {
    const text = journal(6000)
    const path = join(dir, 'big16.xml')
    await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]))
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'UTC' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(6000)
    const e = r.events[5000]!
    expect(e.offset).toBe(2 + 2 * text.lastIndexOf('<JournalMessage>', text.indexOf('(Card: 105000)')))
    expect(e.actorId).toBe('105000')
    expect(e.lineNo).toBe(5003)
    expect(r.events.every((x, i) => x.lineNo === i + 3)).toBe(true)
  })

  it('gives a broken message its line and the start of its text', async () => {
    const text = journal(5).replace('<PrimaryObjectName>Person 1, Test</PrimaryObjectName>', '<PrimaryObjectName>Person 1, Test</PrimaryObjectNam>')
    const path = join(dir, 'broken.xml')
    await writeFile(path, text)
    const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'UTC' })
    expect(r.events.map((e) => e.lineNo)).toEqual([3, 5, 6, 7])
    expect(r.bad).toHaveLength(1)
    expect(r.bad[0]).toMatchObject({ recordNo: 2, lineNo: 4 })
    expect(r.bad[0]!.reason).toMatch(/^malformed journal message: /)
    expect(r.bad[0]!.excerpt).toMatch(/^<JournalMessage><MessageLocalDateTime>03\/01\/2024 10:01:00 AM/)
  })

  it('turns damaged input into bad records without crashing or hanging', async () => {
    const good = journal(50)
    const cases: string[] = [
      good.slice(0, Math.floor(good.length / 2)),
      good.replace(/<\/JournalMessage>/g, (m, off: number) => (off % 3 === 0 ? '' : m)),
      good.replace(/MessageText>/g, 'MessageText >'),
      good.replace(/&/g, '&amp;').replace(/'Door 3'/g, "'Door &bogus; 3'"),
      '<Journal><JournalMessage><MessageLocalDateTime>' + 'x'.repeat(2_500_000),
      good.replace('<Journal>', '<Journal><!-- never closed ')
    ]
    for (const [k, text] of cases.entries()) {
      const path = join(dir, `damaged${k}.xml`)
      await writeFile(path, text)
      const r = await importSample('badge-ccure-9000-xml', path, { timeZone: 'UTC' })
      expect(r.events.length + r.bad.length).toBeGreaterThan(0)
      for (const b of r.bad) expect(b.recordNo).toBeGreaterThan(0)
    }
  })
})
