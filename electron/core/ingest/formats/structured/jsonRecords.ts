// Glue between the streaming JSON splitter and the importer contract, for formats that come
// as JSON documents or JSON lines alike (CloudTrail, Entra, Okta, UniFi Protect): each
// record is mapped to events by the format's own function, and every failure, parse or
// mapping, becomes a bad record that names its record number; the line the record starts
// on travels as the output's lineNo (JSON lines and pretty-printed arrays alike).
import { recordExcerpt, type ParsedEvent, type ParserContext, type RecordOutput } from '../../types'
import { readJsonRecords, type JsonLayout } from './jsonStream'
import type { JsonObject } from './values'

/** A format's mapping: events for a record, or the reason it cannot be read. */
export type RecordMapper = (record: JsonObject) => ParsedEvent[] | string

const LAYOUT_NOTES: Record<JsonLayout, string> = {
  array: 'read as a JSON array of records',
  wrapper: 'read as a JSON document wrapping an array of records',
  lines: 'read as JSON lines (one record per line)',
  objects: 'read as a sequence of JSON objects'
}

export async function* jsonRecordOutputs(
  path: string,
  ctx: ParserContext,
  map: RecordMapper,
  wrapperKeys: readonly string[] = []
): AsyncGenerator<RecordOutput> {
  const items = readJsonRecords(path, { wrapperKeys, signal: ctx.signal, onLayout: (l) => ctx.note(LAYOUT_NOTES[l]) })
  for await (const item of items) {
    if (item.kind === 'bad') {
      yield { bad: item.reason, offset: item.offset, recordNo: item.recordNo, lineNo: item.line, ...(item.excerpt ? { excerpt: item.excerpt } : {}) }
      continue
    }
    let out: ParsedEvent[] | string
    try {
      out = map(item.value)
    } catch (err) {
      out = `cannot read the record: ${(err as Error).message}`
    }
    if (typeof out === 'string') {
      // The record's text, re-serialised (whitespace aside, the same as its bytes): only on failure.
      yield { bad: `record ${item.recordNo}: ${out}`, offset: item.offset, recordNo: item.recordNo, lineNo: item.line, excerpt: recordExcerpt(JSON.stringify(item.value)) }
    } else yield { events: out, offset: item.offset, length: item.length, recordNo: item.recordNo, lineNo: item.line }
  }
}
