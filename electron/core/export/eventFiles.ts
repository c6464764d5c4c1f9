// The events of an export as JSON lines (canonical JSON, exactly as stored) and as CSV
// for spreadsheets (UTC time, the same instant in the case zone, and formula-safe cells).
import { canonicalJson } from '@shared/canonicalJson'
import type { EventRecord } from '@shared/ingestModel'
import { csvRow } from './csvSafe'

export const EVENTS_JSONL = 'data/events/events.jsonl'
export const EVENTS_CSV = 'data/events/events.csv'

export function eventJsonLine(e: EventRecord): string {
  return `${canonicalJson(e)}\n`
}

export const CSV_COLUMNS = [
  'event_id',
  'time_utc',
  'time_case_zone',
  'source_clock_time_utc',
  'raw_time',
  'source_id',
  'source_file',
  'category',
  'action',
  'outcome',
  'actor',
  'actor_id',
  'host',
  'src_ip',
  'dst_ip',
  'location',
  'message',
  'fields_json',
  'evidence_sha256',
  'byte_offset',
  'byte_length',
  'line',
  'record',
  'flags'
] as const

/**
 * Formats instants as wall-clock time in one zone. Intl is asked once per quarter hour of
 * UTC (zone offsets change only on such boundaries); the rest is arithmetic, since a
 * formatToParts per event would cost more than writing the event.
 */
export function zoneFormatter(zone: string): (iso: string) => string {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
  const QUARTER = 15 * 60 * 1000
  const offsets = new Map<number, number>()
  const offsetMinutes = (ms: number): number => {
    const bucket = Math.floor(ms / QUARTER)
    let off = offsets.get(bucket)
    if (off === undefined) {
      const name = fmt.formatToParts(new Date(bucket * QUARTER)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
      const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name)
      off = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0
      if (offsets.size > 100_000) offsets.clear()
      offsets.set(bucket, off)
    }
    return off
  }
  return (iso) => {
    const ms = Date.parse(iso)
    const off = offsetMinutes(ms)
    const local = new Date(ms + off * 60_000).toISOString() // the wall clock, spelled as if UTC
    const fraction = /\.(\d+)Z$/.exec(iso)?.[1] ?? '000'
    const abs = Math.abs(off)
    const sign = off < 0 ? '-' : '+'
    return `${local.slice(0, 10)} ${local.slice(11, 19)}.${fraction} ${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
  }
}

export function eventCsvHeader(): string {
  return csvRow(CSV_COLUMNS)
}

export function eventCsvRow(e: EventRecord, sourceFile: string, inZone: (iso: string) => string): string {
  const flags = Object.entries(e.flags)
    .filter(([, v]) => v)
    .map(([k]) => k)
    .join(';')
  return csvRow([
    e.id,
    e.ts,
    inZone(e.ts),
    e.sourceTs,
    e.rawTime,
    e.sourceId,
    sourceFile,
    e.category,
    e.action,
    e.outcome,
    e.actor,
    e.actorId,
    e.host,
    e.srcIp,
    e.dstIp,
    e.location,
    e.message,
    Object.keys(e.fields).length ? canonicalJson(e.fields) : '',
    e.ref.sha256,
    e.ref.offset,
    e.ref.length,
    e.ref.line,
    e.ref.record,
    flags
  ])
}
