// The import pipeline: one evidence file becomes one source and its events, all or
// nothing. The format is detected (or chosen), every line or record is parsed and its
// time resolved with the source's recorded decisions, events are inserted in multi-row
// batches inside one transaction (the timeline aggregates counted on the way), the
// full-text index is filled in bulk at the end, and
// the source row and its custody entry commit together. A failure, a cancel or a crash
// leaves no events and no source; custody says what happened.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { ImportReport } from '@shared/ingestModel'
import { isoToMicros, microsToIso, nowMicros } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'
import { evidenceById } from '../case/evidence'
import { CancelledError } from '../util/fileHash'
import { Worker } from 'node:worker_threads'
import { parseFile } from './parseFile'
import { ParseWorkerMessage, parseWorkerPath, type ParseWorkerRequest } from './parseWorkerProtocol'
import { EVENT_COLUMNS, fillRows, nextText, ROW_WIDTH, TEXT_COLUMNS, textCursor, toRowBatches, type RowBatch } from './rowBatches'
import { importers as allImporters } from './registry'
import { rankImporters, readSniffInput } from './sniff'
import { formatClockOffset, type TimeDecisions, type TimeSettings } from './timeResolve'
import type { Importer } from './types'
import { AggregateWriter } from '../timeline/aggregates'

/** Below this confidence detection refuses to guess and asks for --format. */
export const MIN_DETECT_CONFIDENCE = 0.3
/** More than this share of unreadable lines means the file is not of the chosen format. */
export const MAX_BAD_SHARE = 0.5
/** Issues kept per source for the report; the count covers all of them. */
export const MAX_STORED_ISSUES = 10_000

/** Files at least this big are parsed in a separate worker thread while this one inserts. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024

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

/**
 * CPU ms (user + system) of this thread so far, from Linux's /proc (Node 20 has no per-thread
 * counter); null elsewhere. On a shared machine it says what wall time cannot.
 */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // Fields 14 and 15 of stat (utime, stime) in clock ticks: 100 per second on Linux.
    return (Number(f[11]) + Number(f[12])) * 10
  } catch {
    return null
  }
}

/** IWB_IMPORT_PROFILE=1 prints how long each phase of an import took (to stderr), for tuning. */
function phaseTimer(): (phase: string) => void {
  if (!process.env.IWB_IMPORT_PROFILE) return () => undefined
  let last = performance.now()
  let lastCpu = process.cpuUsage()
  let lastMain = mainThreadCpuMs()
  return (phase) => {
    const now = performance.now()
    const cpu = process.cpuUsage(lastCpu)
    const main = mainThreadCpuMs()
    const mainPart = main !== null && lastMain !== null ? `, ${main - lastMain} ms cpu on the importing thread` : ''
    process.stderr.write(`import phase ${phase}: ${(now - last).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu (all threads)${mainPart}\n`)
    last = now
    lastCpu = process.cpuUsage()
    lastMain = mainThreadCpuMs()
  }
}

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

  const time = { timeZone, explicitYear: year, fileMtimeUs: evidence.sourceMtime ? isoToMicros(evidence.sourceMtime) : null, offsetUs }

  const phase = phaseTimer()
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
    const indexes = new BulkLoadIndexes(db, evidence.size)
    const parallel = options.importers === undefined && evidence.size >= PARALLEL_MIN_BYTES ? parseWorkerPath() : null
    const parse = parallel
      ? parseInWorker(parallel, { path, fileName: evidence.originalName, importerId: importer.id, sourceId, time }, options.signal)
      : parseInThread(path, importer, { fileName: evidence.originalName, sourceId, time, signal: options.signal })
    const stats = await insertBatches(db, sourceId, parse.batches, report, { ...options, beforeInsert: (b) => indexes.beforeInsert(b) })
    const { decisions, notes } = await parse.finish()
    if (options.signal?.aborted) throw new CancelledError()
    phase('parse + insert')
    const rebuild = indexes.rebuild()
    for (const sql of rebuild) db.exec(sql)
    phase(`rebuild ${rebuild.length} indexes`)

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
    phase('full-text index')

    report.time = decisions
    report.notes = [...notes]
    report.sourceId = sourceId
    report.firstTs = stats.first === null ? null : microsToIso(stats.first)
    report.lastTs = stats.last === null ? null : microsToIso(stats.last)
    db.prepare(
      `UPDATE source SET event_count = ?, bad_count = ?, invalid_utf8_count = ?, first_us = ?, last_us = ?, decisions = ?, notes = ?
       WHERE id = ?`
    ).run(report.events, report.badLines, report.invalidUtf8Lines, stats.first, stats.last, JSON.stringify(decisions), JSON.stringify(notes), sourceId)
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
        notes
      }
    })
    db.exec('COMMIT')
    committed = true
    phase('commit')
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
 * A partial index on `column IS NOT NULL` or `column = 'text'` is dropped only when a
 * batch about to be inserted has a row it would hold: each rebuild reads the whole
 * table, and most sources never fill most of them (syslog names no door or badge).
 */
export class BulkLoadIndexes {
  private readonly dropped: string[] = []
  private readonly waiting: { name: string; sql: string; column: number; equals: string | null }[] = []

  constructor(private readonly db: Db, fileBytes: number) {
    const existing = (db.prepare('SELECT COALESCE(SUM(event_count), 0) AS n FROM source').get() as { n: number }).n
    const estimatedNew = fileBytes / 120 // bytes per line of a typical log
    if (estimatedNew < 50_000 || estimatedNew < existing) return
    const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL").all() as {
      name: string
      sql: string
    }[]
    for (const i of indexes) {
      const where = partialWhere(i.sql)
      if (where) this.waiting.push({ ...i, ...where })
      else this.drop(i)
    }
  }

  /** Before a batch is inserted: drops the partial indexes that would receive any of its rows. */
  beforeInsert(b: RowBatch): void {
    for (let k = this.waiting.length - 1; k >= 0; k--) {
      const w = this.waiting[k]!
      if (!batchMeets(b, w.column, w.equals)) continue
      this.drop(w)
      this.waiting.splice(k, 1)
    }
  }

  /** The definitions of the dropped indexes, to re-run after the load. */
  rebuild(): string[] {
    return [...this.dropped]
  }

  private drop(i: { name: string; sql: string }): void {
    this.db.exec(`DROP INDEX "${i.name.replace(/"/g, '""')}"`)
    this.dropped.push(i.sql)
  }
}

/** The text column and value of a partial index's `WHERE col IS NOT NULL` / `WHERE col = 'v'`; null for any other index. */
function partialWhere(sql: string): { column: number; equals: string | null } | null {
  const m = /\bWHERE\s+"?(\w+)"?\s+(?:(IS\s+NOT\s+NULL)|=\s*'([^']*)')\s*;?\s*$/i.exec(sql)
  if (!m) return null
  const column = (TEXT_COLUMNS as readonly string[]).indexOf(m[1]!.toLowerCase())
  if (column < 0) return null
  return { column, equals: m[2] ? null : m[3]! }
}

/** Whether some row of the batch has the text column non-null (equals null) or exactly `equals`. */
function batchMeets(b: RowBatch, column: number, equals: string | null): boolean {
  const width = TEXT_COLUMNS.length
  if (equals !== null && !b.texts[column]!.some((piece) => piece.includes(equals))) return false
  const cur = textCursor()
  for (let r = 0; r < b.count; r++) {
    const len = b.textLengths[r * width + column]!
    if (len < 0) continue
    if (equals === null) return true
    if (nextText(b, cur, column, len) === equals) return true
  }
  return false
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

export interface BatchSource {
  batches: AsyncGenerator<RowBatch>
  /** After the batches are consumed: the time decisions and format notes of the parse. */
  finish(): Promise<{ decisions: TimeDecisions; notes: string[] }>
}

export function parseInThread(
  path: string,
  importer: Importer,
  o: { fileName: string; sourceId: number; time: TimeSettings; signal?: AbortSignal }
): BatchSource {
  const run = parseFile(path, importer, { fileName: o.fileName, signal: o.signal, time: o.time })
  return {
    batches: toRowBatches(run.chunks, o.sourceId, MAX_STORED_ISSUES),
    finish: async () => ({ decisions: run.resolver.summary(), notes: run.notes })
  }
}

/** Parses in the parse worker thread while this thread inserts: two cores, two jobs. */
export function parseInWorker(
  workerPath: string,
  o: { path: string; fileName: string; importerId: string; sourceId: number; time: TimeSettings },
  signal?: AbortSignal
): BatchSource {
  const worker = new Worker(workerPath)
  const queue: RowBatch[] = []
  let ended: { decisions: TimeDecisions; notes: string[] } | null = null
  let failure: Error | null = null
  let wake: (() => void) | null = null
  const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies ParseWorkerRequest)
  signal?.addEventListener('abort', onAbort)
  worker.on('message', (raw: unknown) => {
    const m = ParseWorkerMessage.safeParse(raw)
    if (!m.success) failure = new Error('The parse worker sent a malformed message.')
    else if (m.data.type === 'batch') queue.push(m.data.batch)
    else if (m.data.type === 'end') ended = { decisions: m.data.decisions, notes: m.data.notes }
    else failure = new Error(m.data.message)
    wake?.()
  })
  worker.on('error', (err) => {
    failure = err
    wake?.()
  })
  worker.postMessage({ type: 'start', ...o, maxIssues: MAX_STORED_ISSUES, window: 4 } satisfies ParseWorkerRequest)
  const cleanup = (): void => {
    signal?.removeEventListener('abort', onAbort)
    void worker.terminate()
  }
  async function* batches(): AsyncGenerator<RowBatch> {
    try {
      for (;;) {
        const next = queue.shift()
        if (next) {
          worker.postMessage({ type: 'ack' } satisfies ParseWorkerRequest)
          yield next
          continue
        }
        if (failure) throw failure
        if (ended) return
        if (signal?.aborted) throw new CancelledError()
        await new Promise<void>((r) => (wake = r))
        wake = null
      }
    } finally {
      if (!ended || failure) cleanup()
    }
  }
  return {
    batches: batches(),
    finish: async () => {
      cleanup()
      if (!ended) throw failure ?? new Error('the parse worker stopped early')
      return ended
    }
  }
}

const INSERT_ROWS = 64

export async function insertBatches(
  db: Db,
  sourceId: number,
  batches: AsyncIterable<RowBatch>,
  report: ImportReport,
  options: Pick<ImportOptions, 'onProgress' | 'signal'> & { beforeInsert?: (b: RowBatch) => void }
): Promise<{ first: number | null; last: number | null }> {
  const placeholders = (rows: number): string => Array(rows).fill(`(${EVENT_COLUMNS.map(() => '?').join(',')})`).join(',')
  const sql = `INSERT INTO event (${EVENT_COLUMNS.join(',')}) VALUES `
  const manyStmt = db.prepare(sql + placeholders(INSERT_ROWS))
  const oneStmt = db.prepare(sql + placeholders(1))
  const issueStmt = db.prepare('INSERT INTO import_issue (source_id, line, record, byte_offset, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)')
  // The timeline aggregates are counted with the rows and written here as they arrive.
  const aggregates = new AggregateWriter(db, sourceId)
  let first: number | null = null
  let last: number | null = null
  let insertMs = 0
  let aggregateMs = 0
  const many = new Array<string | number | null>(INSERT_ROWS * ROW_WIDTH).fill(null)
  const one = new Array<string | number | null>(ROW_WIDTH).fill(null)
  for await (const b of batches) {
    options.beforeInsert?.(b)
    const t0 = performance.now()
    const cur = textCursor()
    let r = 0
    for (; r + INSERT_ROWS <= b.count; r += INSERT_ROWS) {
      fillRows(b, r, r + INSERT_ROWS, cur, many)
      manyStmt.run(many)
    }
    for (; r < b.count; r++) {
      fillRows(b, r, r + 1, cur, one)
      oneStmt.run(one)
    }
    const t1 = performance.now()
    insertMs += t1 - t0
    aggregates.add(b.agg)
    aggregateMs += performance.now() - t1
    for (const i of b.issues) {
      if (report.issues.length >= MAX_STORED_ISSUES) break
      report.issues.push(i)
      issueStmt.run(sourceId, i.line, i.record, i.offset, i.reason, i.excerpt)
    }
    report.events += b.count
    report.badLines += b.badCount
    report.invalidUtf8Lines += b.invalidUtf8
    if (b.first !== null && (first === null || b.first < first)) first = b.first
    if (b.last !== null && (last === null || b.last > last)) last = b.last
    options.onProgress?.({ bytesDone: b.bytesDone, bytesTotal: report.bytes, events: report.events, bad: report.badLines })
    if (options.signal?.aborted) throw new CancelledError()
  }
  aggregates.finish()
  options.onProgress?.({ bytesDone: report.bytes, bytesTotal: report.bytes, events: report.events, bad: report.badLines })
  if (process.env.IWB_IMPORT_PROFILE) {
    process.stderr.write(`import: ${insertMs.toFixed(0)} ms inside INSERT statements, ${aggregateMs.toFixed(0)} ms writing timeline aggregates\n`)
  }
  return { first, last }
}
