// The import pipeline: one evidence file becomes one source and its events, all or
// nothing. The format is detected (or chosen), every line or record is parsed and its
// time resolved with the source's recorded decisions, events are inserted in multi-row
// batches inside one transaction, the full-text index is filled in bulk at the end, and
// the source row and its custody entry commit together. A failure, a cancel or a crash
// leaves no events and no source; custody says what happened.
import { randomUUID } from 'node:crypto'
import type { ImportIssue, ImportReport } from '@shared/ingestModel'
import { isoToMicros, microsToIso, nowMicros } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'
import { evidenceById } from '../case/evidence'
import { CancelledError } from '../util/fileHash'
import { parseFile, type ParsedItem } from './parseFile'
import { importers as allImporters } from './registry'
import { rankImporters, readSniffInput } from './sniff'
import { formatClockOffset } from './timeResolve'
import type { Importer } from './types'

/** Below this confidence detection refuses to guess and asks for --format. */
export const MIN_DETECT_CONFIDENCE = 0.3
/** More than this share of unreadable lines means the file is not of the chosen format. */
export const MAX_BAD_SHARE = 0.5
/** Issues kept per source for the report; the count covers all of them. */
export const MAX_STORED_ISSUES = 10_000

const BATCH_ROWS = 64
const EVENT_COLUMNS = [
  'source_id', 'ts', 'source_ts', 'raw_time', 'category', 'action', 'outcome', 'actor', 'actor_id', 'host',
  'src_ip', 'dst_ip', 'location', 'message', 'fields', 'ref_offset', 'ref_length', 'ref_line', 'ref_record', 'flags'
] as const

export interface ImportOptions {
  evidenceId: number
  examiner: string
  /** An importer id, or null/undefined to detect. */
  format?: string | null
  /** IANA zone for zone-less stamps; default the case zone. */
  timeZone?: string | null
  year?: number | null
  offsetUs?: number
  signal?: AbortSignal
  onProgress?: (p: ImportProgress) => void
  /** The importers to choose from (tests may pass their own). */
  importers?: Importer[]
}

export interface ImportProgress {
  bytesDone: number
  bytesTotal: number
  events: number
  bad: number
}

export class ImportInputError extends Error {}

export async function importEvidence(folder: CaseFolder, options: ImportOptions): Promise<ImportReport> {
  const started = performance.now()
  const db = folder.db
  const list = options.importers ?? allImporters
  const evidence = evidenceById(db, options.evidenceId)
  if (!evidence) throw new ImportInputError(`There is no evidence #${options.evidenceId} in this case.`)
  const path = folder.evidencePath(evidence.sha256)
  const timeZone = options.timeZone ?? folder.info().timeZone
  const offsetUs = options.offsetUs ?? 0
  const year = options.year ?? null

  const report: ImportReport = {
    status: 'failed',
    message: '',
    evidenceId: evidence.id,
    fileName: evidence.originalName,
    sourceId: null,
    format: null,
    formatName: null,
    formatChosenBy: null,
    detection: [],
    events: 0,
    badLines: 0,
    invalidUtf8Lines: 0,
    issues: [],
    bytes: evidence.size,
    durationMs: 0,
    eventsPerSecond: 0,
    firstTs: null,
    lastTs: null,
    time: null,
    notes: []
  }
  const object = `evidence ${evidence.id}`
  const finish = (status: ImportReport['status'], message: string): ImportReport => {
    report.status = status
    report.message = message
    report.durationMs = performance.now() - started
    report.eventsPerSecond = report.durationMs > 0 ? (report.events / report.durationMs) * 1000 : 0
    return report
  }
  const refuse = (message: string, details: Record<string, unknown> = {}): ImportReport => {
    db.transaction(() => appendCustody(db, { examiner: options.examiner, action: 'import.refused', object, details: { reason: message, ...details } }))()
    return finish('failed', message)
  }

  if (evidence.size === 0) return refuse(`${evidence.originalName} is empty: there is nothing to import.`)

  const sniff = await readSniffInput(path, evidence.originalName)
  const ranking = rankImporters(list, sniff)
  report.detection = ranking.slice(0, 5)
  let importer: Importer | undefined
  if (options.format) {
    importer = list.find((i) => i.id === options.format)
    if (!importer) throw new ImportInputError(`Unknown format "${options.format}". \`iwb formats\` lists the formats this version reads.`)
    report.formatChosenBy = 'user'
  } else {
    const best = ranking[0]
    if (!best || best.confidence < MIN_DETECT_CONFIDENCE) {
      const binary = looksBinary(sniff.head)
      const hint = ranking
        .filter((r) => r.confidence > 0)
        .slice(0, 3)
        .map((r) => `${r.id} (${Math.round(r.confidence * 100)}%)`)
        .join(', ')
      return refuse(
        binary
          ? `${evidence.originalName} looks like binary data of no format this version reads. Keep it as evidence; choose a format with --format only if you know it.`
          : `The format of ${evidence.originalName} was not recognised${hint ? ` (closest: ${hint})` : ''}. Choose one with --format; \`iwb formats\` lists them.`,
        { detection: report.detection }
      )
    }
    importer = list.find((i) => i.id === best.id)!
    report.formatChosenBy = 'detected'
  }
  report.format = importer.id
  report.formatName = importer.name

  const importId = randomUUID()
  const decisionsIn = { importId, format: importer.id, formatChosenBy: report.formatChosenBy, timeZone, explicitYear: year, clockOffset: formatClockOffset(offsetUs) }
  // Recorded before the work starts, so a crash mid-import still leaves a trace.
  db.transaction(() => appendCustody(db, { examiner: options.examiner, action: 'import.started', object, details: decisionsIn }))()

  const run = parseFile(path, importer, {
    fileName: evidence.originalName,
    signal: options.signal,
    time: { timeZone, explicitYear: year, fileMtimeUs: evidence.sourceMtime ? isoToMicros(evidence.sourceMtime) : null, offsetUs }
  })

  db.exec('BEGIN IMMEDIATE')
  let committed = false
  try {
    const sourceId = Number(
      db
        .prepare(
          `INSERT INTO source (evidence_id, format, format_chosen_by, detection, time_zone, explicit_year, clock_offset_us,
             imported_us, examiner, event_count, bad_count)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0)`
        )
        .run(evidence.id, importer.id, report.formatChosenBy, JSON.stringify(report.detection), timeZone, year, offsetUs, nowMicros(), options.examiner)
        .lastInsertRowid
    )
    const rebuild = dropIndexesForBulkLoad(db, evidence.size)
    const stats = await insertItems(db, sourceId, run.items, report, options)
    if (options.signal?.aborted) throw new CancelledError()
    for (const sql of rebuild) db.exec(sql)

    const total = report.events + report.badLines
    const firstIssue = report.issues[0]
    const where = firstIssue ? ` First problem, ${firstIssue.line !== null ? `line ${firstIssue.line}` : `record ${firstIssue.record}`}: ${firstIssue.reason}.` : ''
    if (report.events === 0) {
      throw new ImportRefusal(`No events could be read from ${evidence.originalName} as ${importer.name}.${where}`)
    }
    if (report.badLines >= 10 && report.badLines / total > MAX_BAD_SHARE) {
      throw new ImportRefusal(
        `${evidence.originalName} is clearly not ${importer.name}: ${report.badLines} of ${total} lines could not be read.${where} Choose another format with --format.`
      )
    }

    indexSourceText(db, sourceId)

    const decisions = run.resolver.summary()
    report.time = decisions
    report.notes = [...run.notes]
    report.sourceId = sourceId
    report.firstTs = stats.first === null ? null : microsToIso(stats.first)
    report.lastTs = stats.last === null ? null : microsToIso(stats.last)
    db.prepare(
      `UPDATE source SET event_count = ?, bad_count = ?, invalid_utf8_count = ?, first_us = ?, last_us = ?, decisions = ?, notes = ?
       WHERE id = ?`
    ).run(report.events, report.badLines, report.invalidUtf8Lines, stats.first, stats.last, JSON.stringify(decisions), JSON.stringify(run.notes), sourceId)
    appendCustody(db, {
      examiner: options.examiner,
      action: 'import.completed',
      object,
      details: {
        ...decisionsIn,
        sourceId,
        events: report.events,
        badLines: report.badLines,
        invalidUtf8Lines: report.invalidUtf8Lines,
        firstTs: report.firstTs,
        lastTs: report.lastTs,
        timeDecisions: decisions,
        notes: run.notes
      }
    })
    db.exec('COMMIT')
    committed = true
    return finish('complete', `Imported ${report.events} events from ${evidence.originalName} as ${importer.name}.`)
  } catch (err) {
    if (!committed && db.inTransaction) db.exec('ROLLBACK')
    report.sourceId = null
    const cancelled = err instanceof CancelledError || options.signal?.aborted === true
    const message = cancelled
      ? `Import of ${evidence.originalName} cancelled; nothing was kept.`
      : err instanceof ImportRefusal
        ? err.message
        : `Import of ${evidence.originalName} failed: ${(err as Error).message}`
    db.transaction(() =>
      appendCustody(db, {
        examiner: options.examiner,
        action: cancelled ? 'import.cancelled' : 'import.failed',
        object,
        details: { importId, reason: message, eventsRead: report.events, badLines: report.badLines }
      })
    )()
    const result = finish(cancelled ? 'cancelled' : 'failed', message)
    result.events = 0
    return result
  }
}

class ImportRefusal extends Error {}

function looksBinary(head: Buffer): boolean {
  const n = Math.min(head.length, 4096)
  let control = 0
  for (let i = 0; i < n; i++) {
    const b = head[i]!
    if (b === 0) return true
    if (b < 9 || (b > 13 && b < 32)) control++
  }
  return n > 0 && control / n > 0.1
}

/**
 * Building an index once after a bulk load is several times cheaper than maintaining it
 * row by row. When the new file is likely larger than everything already in the case,
 * the event table's secondary indexes are dropped inside the import transaction and
 * their saved definitions re-run at the end (a rollback restores them untouched).
 */
export function dropIndexesForBulkLoad(db: Db, fileBytes: number): string[] {
  const existing = (db.prepare('SELECT COALESCE(SUM(event_count), 0) AS n FROM source').get() as { n: number }).n
  const estimatedNew = fileBytes / 120 // bytes per line of a typical log
  if (estimatedNew < 50_000 || estimatedNew < existing) return []
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL").all() as {
    name: string
    sql: string
  }[]
  for (const i of indexes) db.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`)
  return indexes.map((i) => i.sql)
}

/** The full-text index is filled in one statement per source: far faster than row by row. */
export function indexSourceText(db: Db, sourceId: number): void {
  db.prepare(
    `INSERT INTO event_fts (rowid, message, actor, host, location, action)
     SELECT id, message, actor, host, location, action FROM event WHERE source_id = ?`
  ).run(sourceId)
}

/** Removes a source's events from the full-text index and the event table (for re-derivation). */
export function clearSourceEvents(db: Db, sourceId: number): void {
  db.prepare(
    `INSERT INTO event_fts (event_fts, rowid, message, actor, host, location, action)
     SELECT 'delete', id, message, actor, host, location, action FROM event WHERE source_id = ?`
  ).run(sourceId)
  db.prepare('DELETE FROM event WHERE source_id = ?').run(sourceId)
  db.prepare('DELETE FROM import_issue WHERE source_id = ?').run(sourceId)
}

export async function insertItems(
  db: Db,
  sourceId: number,
  items: AsyncGenerator<ParsedItem>,
  report: ImportReport,
  options: ImportOptions
): Promise<{ first: number | null; last: number | null }> {
  const placeholders = (rows: number): string => Array(rows).fill(`(${EVENT_COLUMNS.map(() => '?').join(',')})`).join(',')
  const sql = `INSERT INTO event (${EVENT_COLUMNS.join(',')}) VALUES `
  const batchStmt = db.prepare(sql + placeholders(BATCH_ROWS))
  const oneStmt = db.prepare(sql + placeholders(1))
  const issueStmt = db.prepare('INSERT INTO import_issue (source_id, line, record, byte_offset, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)')
  const width = EVENT_COLUMNS.length
  const batch: unknown[] = new Array(BATCH_ROWS * width)
  let inBatch = 0
  let first: number | null = null
  let last: number | null = null
  let bytesDone = 0
  let lastProgress = 0

  const flushBatch = (): void => {
    if (inBatch === BATCH_ROWS) batchStmt.run(batch)
    else for (let r = 0; r < inBatch; r++) oneStmt.run(batch.slice(r * width, (r + 1) * width))
    inBatch = 0
  }

  for await (const item of items) {
    const end = item.ref.offset + item.ref.length
    if (end > bytesDone) bytesDone = end
    if (item.kind === 'bad') {
      report.badLines++
      if (report.issues.length < MAX_STORED_ISSUES) {
        const issue: ImportIssue = { line: item.ref.lineNo, record: item.ref.recordNo, offset: item.ref.offset, reason: item.reason, excerpt: item.excerpt }
        report.issues.push(issue)
        issueStmt.run(sourceId, issue.line, issue.record, issue.offset, issue.reason, issue.excerpt)
      }
    } else {
      const e = item.event
      const f = item.flags
      const flags = (f.dstAmbiguous ? 1 : 0) | (f.dstGap ? 2 : 0) | (f.yearInferred ? 4 : 0) | (f.zoneAssumed ? 8 : 0) | (item.invalidUtf8 ? 16 : 0)
      if (item.invalidUtf8) report.invalidUtf8Lines++
      const o = inBatch * width
      batch[o] = sourceId
      batch[o + 1] = item.us
      batch[o + 2] = item.sourceUs
      batch[o + 3] = e.rawTime
      batch[o + 4] = e.category
      batch[o + 5] = e.action
      batch[o + 6] = e.outcome
      batch[o + 7] = e.actor ?? null
      batch[o + 8] = e.actorId ?? null
      batch[o + 9] = e.host ?? null
      batch[o + 10] = e.srcIp ?? null
      batch[o + 11] = e.dstIp ?? null
      batch[o + 12] = e.location ?? null
      batch[o + 13] = e.message
      batch[o + 14] = e.fields && hasKeys(e.fields) ? JSON.stringify(e.fields) : null
      batch[o + 15] = item.ref.offset
      batch[o + 16] = item.ref.length
      batch[o + 17] = item.ref.lineNo
      batch[o + 18] = item.ref.recordNo
      batch[o + 19] = flags
      if (++inBatch === BATCH_ROWS) flushBatch()
      report.events++
      if (first === null || item.us < first) first = item.us
      if (last === null || item.us > last) last = item.us
    }
    if (options.onProgress && (report.events + report.badLines) - lastProgress >= 5000) {
      lastProgress = report.events + report.badLines
      options.onProgress({ bytesDone, bytesTotal: report.bytes, events: report.events, bad: report.badLines })
      if (options.signal?.aborted) throw new CancelledError()
    }
  }
  flushBatch()
  options.onProgress?.({ bytesDone: report.bytes, bytesTotal: report.bytes, events: report.events, bad: report.badLines })
  return { first, last }
}

function hasKeys(o: Record<string, unknown>): boolean {
  for (const _ in o) return true
  return false
}
