// Parsed items become rows for the event table, in batches. The same code runs in the
// parse worker (big files: parsing on one core, inserting on the other) and in the
// importing thread (small files, and importers that live only in memory).
//
// A batch is held by column: numbers in one Float64Array, texts as a few strings per column
// (the values concatenated, cut into pieces below V8's large-object size: joining into a
// bigger string cost 0.8 ms per batch and column) plus the length of each value. Crossing from the worker that is two buffers moved (not
// copied) and a dozen strings, where an array of 80,000 values cost the inserting thread
// seconds per million rows to rebuild value by value.
import type { ImportIssue } from '@shared/ingestModel'
import { BatchAggregator, type BatchAggregates } from '../timeline/aggregates'
import type { ParsedItem } from './parseFile'

/** Number columns, null stored as NaN. */
export const NUMBER_COLUMNS = ['source_id', 'ts', 'source_ts', 'ref_offset', 'ref_length', 'ref_line', 'ref_record', 'flags'] as const
/** Text columns, null stored as length -1. */
export const TEXT_COLUMNS = [
  'raw_time', 'category', 'action', 'outcome', 'actor', 'actor_id', 'host', 'src_ip', 'dst_ip', 'location', 'message', 'fields'
] as const
/** The order of values in an insert row: the number columns, then the text columns. */
export const EVENT_COLUMNS = [...NUMBER_COLUMNS, ...TEXT_COLUMNS] as const
export const ROW_WIDTH = EVENT_COLUMNS.length
const NUMBERS = NUMBER_COLUMNS.length
const TEXTS = TEXT_COLUMNS.length

export interface RowBatch {
  count: number
  /** count × NUMBER_COLUMNS values, row by row. */
  numbers: Float64Array<ArrayBuffer>
  /** count × TEXT_COLUMNS lengths (UTF-16 units), row by row; -1 is null. */
  textLengths: Int32Array<ArrayBuffer>
  /** Per text column, its values concatenated, in pieces of at most about PIECE_CHARS (a value never straddles two). */
  texts: string[][]
  issues: ImportIssue[]
  badCount: number
  invalidUtf8: number
  first: number | null
  last: number | null
  bytesDone: number
  /** The batch's timeline counts (cells and buckets), so the import never groups its events afterwards. */
  agg: BatchAggregates
}

export const ROWS_PER_BATCH = 4096
/** Characters per text piece: 64 KB even for two-byte strings, under V8's 128 KB large-object limit. */
export const PIECE_CHARS = 32_000

function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true
  return false
}

class BatchBuilder {
  count = 0
  numbers = new Float64Array(ROWS_PER_BATCH * NUMBERS)
  lengths = new Int32Array(ROWS_PER_BATCH * TEXTS)
  /** Per text column: the closed pieces, the values of the open one and its length. */
  pieces: string[][] = TEXT_COLUMNS.map(() => [])
  open: string[][] = TEXT_COLUMNS.map(() => [])
  openChars: number[] = TEXT_COLUMNS.map(() => 0)
  issues: ImportIssue[] = []
  badCount = 0
  invalidUtf8 = 0
  first: number | null = null
  last: number | null = null

  constructor(public bytesDone: number) {}

  get full(): boolean {
    return this.count >= ROWS_PER_BATCH
  }

  text(row: number, column: number, value: string | null | undefined): void {
    if (value === null || value === undefined) this.lengths[row * TEXTS + column] = -1
    else {
      this.lengths[row * TEXTS + column] = value.length
      if (this.openChars[column]! + value.length > PIECE_CHARS) this.close(column)
      this.open[column]!.push(value)
      this.openChars[column]! += value.length
    }
  }

  private close(column: number): void {
    const values = this.open[column]!
    if (values.length === 0) return
    this.pieces[column]!.push(values.join(''))
    this.open[column] = []
    this.openChars[column] = 0
  }

  add(item: Extract<ParsedItem, { kind: 'event' }>, sourceId: number, agg: BatchAggregator): void {
    const e = item.event
    const f = item.flags
    if (item.invalidUtf8) this.invalidUtf8++
    const r = this.count
    const nums = this.numbers
    let k = r * NUMBERS
    nums[k++] = sourceId
    nums[k++] = item.us
    nums[k++] = item.sourceUs
    nums[k++] = item.ref.offset
    nums[k++] = item.ref.length
    nums[k++] = item.ref.lineNo ?? Number.NaN
    nums[k++] = item.ref.recordNo ?? Number.NaN
    nums[k] = (f.dstAmbiguous ? 1 : 0) | (f.dstGap ? 2 : 0) | (f.yearInferred ? 4 : 0) | (f.zoneAssumed ? 8 : 0) | (item.invalidUtf8 ? 16 : 0)
    this.text(r, 0, e.rawTime)
    this.text(r, 1, e.category)
    this.text(r, 2, e.action)
    this.text(r, 3, e.outcome)
    this.text(r, 4, e.actor)
    this.text(r, 5, e.actorId)
    this.text(r, 6, e.host)
    this.text(r, 7, e.srcIp)
    this.text(r, 8, e.dstIp)
    this.text(r, 9, e.location)
    this.text(r, 10, e.message)
    this.text(r, 11, e.fields && hasKeys(e.fields) ? JSON.stringify(e.fields) : null)
    agg.add(e.category, e.location ?? null, item.us, e.outcome === 'failure')
    this.count++
    if (this.first === null || item.us < this.first) this.first = item.us
    if (this.last === null || item.us > this.last) this.last = item.us
  }

  build(agg: BatchAggregates): RowBatch {
    const n = this.count
    for (let c = 0; c < TEXTS; c++) this.close(c)
    return {
      count: n,
      // Exact-size buffers, so that what is moved to the other thread is only the rows.
      numbers: n === ROWS_PER_BATCH ? this.numbers : this.numbers.slice(0, n * NUMBERS),
      textLengths: n === ROWS_PER_BATCH ? this.lengths : this.lengths.slice(0, n * TEXTS),
      texts: this.pieces,
      issues: this.issues,
      badCount: this.badCount,
      invalidUtf8: this.invalidUtf8,
      first: this.first,
      last: this.last,
      bytesDone: this.bytesDone,
      agg
    }
  }
}

/** Rows of the parsed items (given a chunk at a time), ROWS_PER_BATCH per batch. */
export async function* toRowBatches(chunks: AsyncIterable<ParsedItem[]>, sourceId: number, maxIssues: number): AsyncGenerator<RowBatch> {
  let batch = new BatchBuilder(0)
  let issuesKept = 0
  const agg = new BatchAggregator()
  for await (const chunk of chunks) {
    for (const item of chunk) {
      const end = item.ref.offset + item.ref.length
      if (end > batch.bytesDone) batch.bytesDone = end
      if (item.kind === 'bad') {
        batch.badCount++
        if (issuesKept < maxIssues) {
          issuesKept++
          batch.issues.push({ line: item.ref.lineNo, record: item.ref.recordNo, offset: item.ref.offset, reason: item.reason, excerpt: item.excerpt })
        }
        continue
      }
      batch.add(item, sourceId, agg)
      if (batch.full) {
        yield batch.build(agg.take())
        batch = new BatchBuilder(batch.bytesDone)
      }
    }
  }
  if (batch.count > 0 || batch.badCount > 0) yield batch.build(agg.take())
}

/** Where each text column of a batch is read next: piece index and position in it. */
export interface TextCursor {
  piece: number[]
  at: number[]
}

export function textCursor(): TextCursor {
  return { piece: TEXT_COLUMNS.map(() => 0), at: TEXT_COLUMNS.map(() => 0) }
}

/** The next value of a text column, `len` characters long, or null when it does not fit its piece. */
export function nextText(b: Pick<RowBatch, 'texts'>, cur: TextCursor, column: number, len: number): string | null {
  if (len === 0) return ''
  const pieces = b.texts[column]!
  let i = cur.piece[column]!
  let p = cur.at[column]!
  let piece = pieces[i]
  if (piece !== undefined && p === piece.length) {
    // This piece is used up: the value starts the next one.
    piece = pieces[++i]
    p = 0
  }
  if (piece === undefined || p + len > piece.length) return null
  cur.piece[column] = i
  cur.at[column] = p + len
  return piece.slice(p, p + len)
}

/** Whether a batch's parts agree in size (checked on arrival from the worker). */
export function batchShapeError(b: Pick<RowBatch, 'count' | 'numbers' | 'textLengths' | 'texts'>): string | null {
  if (b.numbers.length !== b.count * NUMBERS) return 'a row batch must hold count × number columns numbers'
  if (b.textLengths.length !== b.count * TEXTS || b.texts.length !== TEXTS) return 'a row batch must hold count × text columns lengths'
  // Every value must be found whole where the reader will look for it, and nothing left over.
  const cur = textCursor()
  for (let i = 0; i < b.textLengths.length; i++) {
    const n = b.textLengths[i]!
    if (n < -1) return 'a text length must be -1 (null) or more'
    if (n >= 0 && nextText(b, cur, i % TEXTS, n) === null) return 'the text lengths of a row batch must add up to its texts'
  }
  for (let c = 0; c < TEXTS; c++) {
    const pieces = b.texts[c]!
    let rest = -cur.at[c]!
    for (let i = cur.piece[c]!; i < pieces.length; i++) rest += pieces[i]!.length
    if (rest > 0) return 'the text lengths of a row batch must add up to its texts'
  }
  return null
}

/**
 * Writes rows [from, to) of a batch, in EVENT_COLUMNS order, into `out` (reused by the
 * caller for every statement). `cur` holds each text column's read position and advances.
 */
export function fillRows(b: RowBatch, from: number, to: number, cur: TextCursor, out: (string | number | null)[]): void {
  let o = 0
  for (let r = from; r < to; r++) {
    const nb = r * NUMBERS
    for (let c = 0; c < NUMBERS; c++) {
      const v = b.numbers[nb + c]!
      out[o++] = Number.isNaN(v) ? null : v
    }
    const tb = r * TEXTS
    for (let c = 0; c < TEXTS; c++) {
      const len = b.textLengths[tb + c]!
      out[o++] = len < 0 ? null : nextText(b, cur, c, len)
    }
  }
}
