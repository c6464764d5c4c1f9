// Parsed items become flat rows for the event table, in batches. The same code runs in
// the parse worker (big files: parsing on one core, inserting on the other) and in the
// importing thread (small files, and importers that live only in memory).
import type { ImportIssue } from '@shared/ingestModel'
import { BatchAggregator, type BatchAggregates } from '../timeline/aggregates'
import type { ParsedItem } from './parseFile'

export const EVENT_COLUMNS = [
  'source_id', 'ts', 'source_ts', 'raw_time', 'category', 'action', 'outcome', 'actor', 'actor_id', 'host',
  'src_ip', 'dst_ip', 'location', 'message', 'fields', 'ref_offset', 'ref_length', 'ref_line', 'ref_record', 'flags'
] as const
export const ROW_WIDTH = EVENT_COLUMNS.length

export interface RowBatch {
  /** `count` rows of ROW_WIDTH values each, in EVENT_COLUMNS order. */
  rows: (string | number | null)[]
  count: number
  issues: ImportIssue[]
  badCount: number
  invalidUtf8: number
  first: number | null
  last: number | null
  bytesDone: number
  /** The batch's timeline counts (cells and buckets), so the import never groups its events afterwards. */
  agg: BatchAggregates
}

const ROWS_PER_BATCH = 4096

function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true
  return false
}

export async function* toRowBatches(items: AsyncIterable<ParsedItem>, sourceId: number, maxIssues: number): AsyncGenerator<RowBatch> {
  let batch = emptyBatch()
  let issuesKept = 0
  const agg = new BatchAggregator()
  for await (const item of items) {
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
    const e = item.event
    const f = item.flags
    if (item.invalidUtf8) batch.invalidUtf8++
    batch.rows.push(
      sourceId,
      item.us,
      item.sourceUs,
      e.rawTime,
      e.category,
      e.action,
      e.outcome,
      e.actor ?? null,
      e.actorId ?? null,
      e.host ?? null,
      e.srcIp ?? null,
      e.dstIp ?? null,
      e.location ?? null,
      e.message,
      e.fields && hasKeys(e.fields) ? JSON.stringify(e.fields) : null,
      item.ref.offset,
      item.ref.length,
      item.ref.lineNo,
      item.ref.recordNo,
      (f.dstAmbiguous ? 1 : 0) | (f.dstGap ? 2 : 0) | (f.yearInferred ? 4 : 0) | (f.zoneAssumed ? 8 : 0) | (item.invalidUtf8 ? 16 : 0)
    )
    agg.add(e.category, e.location ?? null, item.us, e.outcome === 'failure')
    batch.count++
    if (batch.first === null || item.us < batch.first) batch.first = item.us
    if (batch.last === null || item.us > batch.last) batch.last = item.us
    if (batch.count >= ROWS_PER_BATCH) {
      batch.agg = agg.take()
      yield batch
      const bytesDone = batch.bytesDone
      batch = emptyBatch()
      batch.bytesDone = bytesDone
    }
  }
  if (batch.count > 0 || batch.badCount > 0) {
    batch.agg = agg.take()
    yield batch
  }
}

function emptyBatch(): RowBatch {
  return { rows: [], count: 0, issues: [], badCount: 0, invalidUtf8: 0, first: null, last: null, bytesDone: 0, agg: { cells: [], buckets: [] } }
}
