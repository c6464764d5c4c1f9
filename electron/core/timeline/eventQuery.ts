// Reading events back: filtered pages in time order, one event in full with the exact
// bytes it came from, and the sources they belong to.
import { open } from 'node:fs/promises'
import type { EventRecord, SourceSummary } from '@shared/ingestModel'
import { isoToMicros, microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import type { Db } from '../case/database'

export interface EventFilter {
  from?: string | null
  to?: string | null
  q?: string | null
  sourceId?: number | null
  category?: string | null
  action?: string | null
  outcome?: string | null
  actor?: string | null
  location?: string | null
  host?: string | null
  ip?: string | null
  /** Events carrying this tag now (event_tag, schema v6). */
  tag?: string | null
  limit?: number
  /** Keyset paging: continue after this (ts, id) — before it when newestFirst. */
  after?: { ts: string; id: number } | null
  /** Newest first (the previous event before `to`, for stepping backwards). */
  newestFirst?: boolean
}

interface EventRow {
  id: number
  source_id: number
  ts: number
  source_ts: number
  raw_time: string
  category: EventRecord['category']
  action: string
  outcome: EventRecord['outcome']
  actor: string | null
  actor_id: string | null
  host: string | null
  src_ip: string | null
  dst_ip: string | null
  location: string | null
  message: string
  fields: string | null
  ref_offset: number
  ref_length: number
  ref_line: number | null
  ref_record: number | null
  flags: number
  sha256: string
}

const SELECT = `SELECT e.*, ev.sha256 AS sha256 FROM event e JOIN source s ON s.id = e.source_id JOIN evidence ev ON ev.id = s.evidence_id`

function toRecord(r: EventRow): EventRecord {
  return {
    id: r.id,
    sourceId: r.source_id,
    ts: microsToIso(r.ts),
    sourceTs: microsToIso(r.source_ts),
    rawTime: r.raw_time,
    category: r.category,
    action: r.action,
    outcome: r.outcome,
    actor: r.actor,
    actorId: r.actor_id,
    host: r.host,
    srcIp: r.src_ip,
    dstIp: r.dst_ip,
    location: r.location,
    message: r.message,
    fields: r.fields ? (JSON.parse(r.fields) as Record<string, unknown>) : {},
    ref: { sha256: r.sha256, offset: r.ref_offset, length: r.ref_length, line: r.ref_line, record: r.ref_record },
    flags: {
      dstAmbiguous: (r.flags & 1) !== 0,
      dstGap: (r.flags & 2) !== 0,
      yearInferred: (r.flags & 4) !== 0,
      zoneAssumed: (r.flags & 8) !== 0,
      invalidUtf8: (r.flags & 16) !== 0
    }
  }
}

/** Turns what an investigator types into an FTS5 query: each word must match (prefix). */
export function ftsQuery(text: string): string | null {
  const words = text.match(/[\p{L}\p{N}_.@:-]+/gu) ?? []
  if (words.length === 0) return null
  return words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ')
}

export function queryEvents(db: Db, f: EventFilter): EventRecord[] {
  const where: string[] = []
  const params: unknown[] = []
  const time = (iso: string, label: string): number => {
    const us = isoToMicros(iso)
    if (us === null) throw new Error(`${label} "${iso}" is not an ISO 8601 time (e.g. 2024-05-03T22:14:00Z).`)
    return us
  }
  if (f.from) {
    where.push('e.ts >= ?')
    params.push(time(f.from, '--from'))
  }
  if (f.to) {
    where.push('e.ts < ?')
    params.push(time(f.to, '--to'))
  }
  if (f.q) {
    const q = ftsQuery(f.q)
    if (q) {
      where.push('e.id IN (SELECT rowid FROM event_fts WHERE event_fts MATCH ?)')
      params.push(q)
    }
  }
  const eq: [keyof EventFilter, string][] = [
    ['sourceId', 'e.source_id'],
    ['category', 'e.category'],
    ['action', 'e.action'],
    ['outcome', 'e.outcome'],
    ['location', 'e.location'],
    ['host', 'e.host']
  ]
  for (const [key, column] of eq) {
    const v = f[key]
    if (v !== undefined && v !== null && v !== '') {
      where.push(`${column} = ?`)
      params.push(v)
    }
  }
  if (f.actor) {
    where.push('(e.actor = ? OR e.actor_id = ?)')
    params.push(f.actor, f.actor)
  }
  if (f.ip) {
    where.push('(e.src_ip = ? OR e.dst_ip = ?)')
    params.push(f.ip, f.ip)
  }
  if (f.tag) {
    where.push('e.id IN (SELECT event_id FROM event_tag WHERE tag = ?)')
    params.push(f.tag.trim())
  }
  const desc = f.newestFirst === true
  if (f.after) {
    where.push(desc ? '(e.ts < ? OR (e.ts = ? AND e.id < ?))' : '(e.ts > ? OR (e.ts = ? AND e.id > ?))')
    const ts = time(f.after.ts, 'after')
    params.push(ts, ts, f.after.id)
  }
  const order = desc ? 'ORDER BY e.ts DESC, e.id DESC' : 'ORDER BY e.ts, e.id'
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order} LIMIT ?`
  params.push(Math.min(Math.max(f.limit ?? 1000, 1), 100_000))
  return (db.prepare(sql).all(...params) as EventRow[]).map(toRecord)
}

export function getEvent(db: Db, id: number): EventRecord | null {
  const row = db.prepare(`${SELECT} WHERE e.id = ?`).get(id) as EventRow | undefined
  return row ? toRecord(row) : null
}

/** The exact bytes an event was read from, straight from the evidence file. */
export async function originalBytes(folder: CaseFolder, event: EventRecord, maxBytes = 1024 * 1024): Promise<Buffer> {
  const fh = await open(folder.evidencePath(event.ref.sha256), 'r')
  try {
    const length = Math.min(event.ref.length, maxBytes)
    const buf = Buffer.alloc(length)
    const { bytesRead } = await fh.read(buf, 0, length, event.ref.offset)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

interface SourceRow {
  id: number
  evidence_id: number
  sha256: string
  original_name: string
  format: string
  format_chosen_by: 'detected' | 'user'
  time_zone: string
  explicit_year: number | null
  clock_offset_us: number
  imported_us: number
  examiner: string
  event_count: number
  bad_count: number
  invalid_utf8_count: number
  first_us: number | null
  last_us: number | null
  decisions: string
  notes: string
}

export function listSources(db: Db): SourceSummary[] {
  const rows = db
    .prepare(
      `SELECT s.*, ev.sha256 AS sha256, ev.original_name AS original_name FROM source s JOIN evidence ev ON ev.id = s.evidence_id ORDER BY s.id`
    )
    .all() as SourceRow[]
  return rows.map((r) => ({
    id: r.id,
    evidenceId: r.evidence_id,
    evidenceSha256: r.sha256,
    fileName: r.original_name,
    format: r.format,
    formatChosenBy: r.format_chosen_by,
    timeZone: r.time_zone,
    explicitYear: r.explicit_year,
    clockOffsetUs: r.clock_offset_us,
    importedAt: microsToIso(r.imported_us),
    examiner: r.examiner,
    events: r.event_count,
    badLines: r.bad_count,
    invalidUtf8Lines: r.invalid_utf8_count,
    firstTs: r.first_us === null ? null : microsToIso(r.first_us),
    lastTs: r.last_us === null ? null : microsToIso(r.last_us),
    time: JSON.parse(r.decisions) as SourceSummary['time'],
    notes: JSON.parse(r.notes) as string[]
  }))
}
