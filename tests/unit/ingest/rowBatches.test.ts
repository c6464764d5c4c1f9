// Row batches carry each text column as a few pieces (kept under V8's large-object size);
// every value must come back whole and in order on the inserting side, whatever its length,
// and a batch whose lengths do not match its pieces is refused on arrival.
import { describe, expect, it } from 'vitest'
import type { ParsedItem } from '../../../electron/core/ingest/parseFile'
import { batchShapeError, EVENT_COLUMNS, fillRows, NUMBER_COLUMNS, PIECE_CHARS, ROW_WIDTH, textCursor, toRowBatches, type RowBatch } from '../../../electron/core/ingest/rowBatches'

function item(i: number, message: string, actor: string | null): ParsedItem {
  return {
    kind: 'event',
    event: { time: { kind: 'utc', us: i * 1e6 }, rawTime: `t${i}`, category: 'system', action: 'log', outcome: 'unknown', actor, message },
    us: 1_700_000_000_000_000 + i * 1e6,
    sourceUs: 1_700_000_000_000_000 + i * 1e6,
    flags: { dstAmbiguous: false, dstGap: false, yearInferred: false, zoneAssumed: false },
    ref: { offset: i * 100, length: 99, lineNo: i + 1, recordNo: null },
    invalidUtf8: false
  }
}

async function batchesOf(items: ParsedItem[]): Promise<RowBatch[]> {
  const out: RowBatch[] = []
  async function* chunks(): AsyncGenerator<ParsedItem[]> {
    for (let k = 0; k < items.length; k += 300) yield items.slice(k, k + 300)
  }
  for await (const b of toRowBatches(chunks(), 7, 10)) out.push(b)
  return out
}

/** Messages of every length class: short, empty, around a piece's size, longer than a piece, non-ASCII. */
function messageOf(i: number): string {
  if (i % 50 === 0) return ''
  if (i % 777 === 0) return `long ${i} `.padEnd(PIECE_CHARS + 123, 'é')
  if (i % 333 === 0) return 'm'.repeat(PIECE_CHARS - 5) + i
  return `message ${i} – ünïcode ${'x'.repeat(i % 90)}`
}

describe('row batches', () => {
  it('give back every text value whole, in order, across pieces', async () => {
    const n = 9000
    const items = Array.from({ length: n }, (_, i) => item(i, messageOf(i), i % 3 === 0 ? null : `user${i}`))
    const batches = await batchesOf(items)
    expect(batches.map((b) => b.count)).toEqual([4096, 4096, 808])
    // Some column really was cut into several pieces.
    const message = EVENT_COLUMNS.indexOf('message')
    expect(Math.max(...batches.map((b) => b.texts[message - NUMBER_COLUMNS.length]!.length))).toBeGreaterThan(3)
    const actor = EVENT_COLUMNS.indexOf('actor')
    const line = EVENT_COLUMNS.indexOf('ref_line')
    let i = 0
    for (const b of batches) {
      expect(batchShapeError(b)).toBeNull()
      const cur = textCursor()
      const row = new Array<string | number | null>(ROW_WIDTH)
      for (let r = 0; r < b.count; r++, i++) {
        fillRows(b, r, r + 1, cur, row)
        expect(row[line]).toBe(i + 1)
        if (row[message] !== messageOf(i) || row[actor] !== (i % 3 === 0 ? null : `user${i}`)) {
          expect({ i, message: row[message], actor: row[actor] }).toEqual({ i, message: messageOf(i), actor: i % 3 === 0 ? null : `user${i}` })
        }
      }
    }
    expect(i).toBe(n)
  })

  it('refuses a batch whose lengths do not match its texts', async () => {
    const [b] = await batchesOf(Array.from({ length: 1000 }, (_, i) => item(i, messageOf(i), `user${i}`)))
    const widths = b!.textLengths.length / b!.count
    const messageColumn = EVENT_COLUMNS.indexOf('message') - NUMBER_COLUMNS.length
    const longer = { ...b!, textLengths: b!.textLengths.slice() }
    longer.textLengths[5 * widths + messageColumn]! += 1
    expect(batchShapeError(longer)).toMatch(/add up/)
    const shorter = { ...b!, textLengths: b!.textLengths.slice() }
    shorter.textLengths[5 * widths + messageColumn]! -= 1
    expect(batchShapeError(shorter)).toMatch(/add up/)
    const missingPiece = { ...b!, texts: b!.texts.map((t, c) => (c === messageColumn ? t.slice(1) : t)) }
    expect(batchShapeError(missingPiece)).toMatch(/add up/)
  })
})
