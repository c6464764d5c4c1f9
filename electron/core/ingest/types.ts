// The importer interface. An importer knows one format: it sniffs a file's first bytes
// and turns lines or records into ParsedEvents. It never decides time zones, years or
// clock offsets: it reports what the text says (EventTime) and the pipeline resolves it
// with the source's recorded decisions (see timeResolve.ts).
import type { EventCategory, Outcome } from '@shared/event'

/**
 * A timestamp as the source wrote it.
 * - utc: the text fixes the instant (Z, a numeric offset, epoch seconds): `us` is UTC microseconds.
 * - local: wall-clock fields with no offset. `year` null means the text has no year (syslog);
 *   `zoneAbbrev` is a zone abbreviation printed beside it (EDT, PST, WEST…), resolved by the pipeline.
 */
export type EventTime =
  | { kind: 'utc'; us: number }
  | {
      kind: 'local'
      year: number | null
      month: number
      day: number
      hour: number
      minute: number
      second: number
      micros: number
      zoneAbbrev?: string
    }

export interface ParsedEvent {
  time: EventTime
  /** The timestamp exactly as it appears in the source text. */
  rawTime: string
  category: EventCategory
  action: string
  outcome: Outcome
  /** User or cardholder name. */
  actor?: string | null
  /** Account id, card number, employee id… */
  actorId?: string | null
  host?: string | null
  srcIp?: string | null
  dstIp?: string | null
  /** Site / door / reader for access events; a place for others where the log has one. */
  location?: string | null
  message: string
  /** Everything else the record holds that is worth keeping, flat or nested. */
  fields?: Record<string, unknown>
}

/** What one line produced. */
export type LineOutput = { events: ParsedEvent[] } | { skip: true } | { bad: string }

export const ok = (...events: ParsedEvent[]): LineOutput => ({ events })
export const skip = (): LineOutput => ({ skip: true })
export const bad = (reason: string): LineOutput => ({ bad: reason })

export interface LineParser {
  /** `text` has no line terminator; `lineNo` counts from 1. */
  line(text: string, lineNo: number): LineOutput
}

/**
 * What a record-based importer yields for one record (EVTX record, JSON array element…).
 * `lineNo` is the line (from 1) the record starts on, for text formats that know it;
 * `excerpt` is the start of the record's text (at most 200 characters) shown beside a
 * bad record, or beside an event whose time cannot be resolved. Neither belongs in the
 * reason text: the report shows them from here.
 */
export type RecordOutput =
  | { events: ParsedEvent[]; offset: number; length: number; recordNo: number; lineNo?: number; excerpt?: string }
  | { bad: string; offset: number; recordNo: number; lineNo?: number; excerpt?: string }

/** At most 200 characters of a record's text, copied so it does not keep the record alive. */
export function recordExcerpt(text: string): string {
  const head = text.length > 200 ? text.slice(0, 200) : text
  return head.length > 12 ? Buffer.from(head, 'utf8').toString('utf8') : head
}

export interface ParserContext {
  fileName: string
  /** Record a format-level decision for the import report and custody (e.g. "time taken from UNIFIutcTime"). */
  note(decision: string): void
  signal?: AbortSignal
}

export interface SniffInput {
  /** Up to the first 64 KiB of the file. */
  head: Buffer
  /** `head` decoded as text: UTF-16LE/BE when it opens with that BOM, else UTF-8 with replacement (BOMs removed). */
  text: string
  /** Complete lines of `text` (the last, possibly cut, line is dropped when the head was cut). */
  lines: string[]
  fileName: string
}

export interface Importer {
  id: string
  name: string
  description: string
  /** 0 = not this format, 1 = certainly this format. */
  sniff(input: SniffInput): number
  /** Line formats: the pipeline splits lines (LF/CRLF), decodes UTF-8 (or BOM-marked UTF-16) with replacement and tracks byte offsets. */
  createLineParser?(ctx: ParserContext): LineParser
  /** Binary or whole-document formats read the file themselves, yielding byte offsets per record. */
  readRecords?(path: string, ctx: ParserContext): AsyncIterable<RecordOutput>
}
