// Changing how a source's times are read — its zone, its year, its clock offset — re-derives
// every event time from the evidence file and records the change in custody. An offset
// alone shifts stored times; a zone or year change re-reads the original, all in one
// transaction, so the source is never half old and half new.
import type { ImportReport, SourceSummary } from '@shared/ingestModel'
import { isValidTimeZone, microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody } from '../case/custody'
import { evidenceById } from '../case/evidence'
import { isoToMicros } from '@shared/time'
import { dropAggregatesForSource, refreshAggregatesForSource } from '../timeline/aggregates'
import { listSources } from '../timeline/eventQuery'
import { clearSourceEvents, indexSourceText, insertBatches, parseInThread } from './importPipeline'
import { importerById } from './registry'
import { formatClockOffset } from './timeResolve'

export interface TimeChange {
  timeZone?: string
  year?: number | null
  offsetUs?: number
  reason: string
}

export async function rederiveSource(folder: CaseFolder, sourceId: number, change: TimeChange, examiner: string): Promise<SourceSummary> {
  const db = folder.db
  const before = listSources(db).find((s) => s.id === sourceId)
  if (!before) throw new Error(`There is no source #${sourceId} in this case.`)
  const timeZone = change.timeZone ?? before.timeZone
  if (!isValidTimeZone(timeZone)) throw new Error(`Unknown time zone "${timeZone}".`)
  const year = change.year !== undefined ? change.year : before.explicitYear
  const offsetUs = change.offsetUs ?? before.clockOffsetUs
  const details = {
    sourceId,
    reason: change.reason,
    from: { timeZone: before.timeZone, explicitYear: before.explicitYear, clockOffset: formatClockOffset(before.clockOffsetUs) },
    to: { timeZone, explicitYear: year, clockOffset: formatClockOffset(offsetUs) }
  }
  const object = `source ${sourceId}`

  if (timeZone === before.timeZone && year === before.explicitYear) {
    if (offsetUs === before.clockOffsetUs) return before
    db.transaction(() => {
      db.prepare('UPDATE event SET ts = source_ts + ? WHERE source_id = ?').run(offsetUs, sourceId)
      refreshAggregatesForSource(db, sourceId)
      db.prepare(
        `UPDATE source SET clock_offset_us = ?,
           first_us = (SELECT MIN(ts) FROM event WHERE source_id = ?), last_us = (SELECT MAX(ts) FROM event WHERE source_id = ?)
         WHERE id = ?`
      ).run(offsetUs, sourceId, sourceId, sourceId)
      const decisions = { ...before.time, offsetUs }
      db.prepare('UPDATE source SET decisions = ? WHERE id = ?').run(JSON.stringify(decisions), sourceId)
      appendCustody(db, { examiner, action: 'source.time-changed', object, details: { ...details, reparsed: false } })
    })()
    return listSources(db).find((s) => s.id === sourceId)!
  }

  const evidence = evidenceById(db, before.evidenceId)!
  const importer = importerById(before.format)
  if (!importer) throw new Error(`This version cannot read format ${before.format} any more.`)
  const parse = parseInThread(folder.evidencePath(evidence.sha256), importer, {
    fileName: evidence.originalName,
    sourceId,
    time: { timeZone, explicitYear: year, fileMtimeUs: evidence.sourceMtime ? isoToMicros(evidence.sourceMtime) : null, offsetUs }
  })
  const report = { events: 0, badLines: 0, invalidUtf8Lines: 0, issues: [], bytes: evidence.size } as unknown as ImportReport
  db.exec('BEGIN IMMEDIATE')
  try {
    clearSourceEvents(db, sourceId)
    // insertBatches writes the source's aggregates anew as it inserts.
    dropAggregatesForSource(db, sourceId)
    const stats = await insertBatches(db, sourceId, parse.batches, report, {})
    const { decisions, notes } = await parse.finish()
    indexSourceText(db, sourceId)
    db.prepare(
      `UPDATE source SET time_zone = ?, explicit_year = ?, clock_offset_us = ?, event_count = ?, bad_count = ?, invalid_utf8_count = ?,
         first_us = ?, last_us = ?, decisions = ?, notes = ? WHERE id = ?`
    ).run(timeZone, year, offsetUs, report.events, report.badLines, report.invalidUtf8Lines, stats.first, stats.last, JSON.stringify(decisions), JSON.stringify(notes), sourceId)
    appendCustody(db, {
      examiner,
      action: 'source.time-changed',
      object,
      details: {
        ...details,
        reparsed: true,
        events: report.events,
        badLines: report.badLines,
        firstTs: stats.first === null ? null : microsToIso(stats.first),
        lastTs: stats.last === null ? null : microsToIso(stats.last),
        timeDecisions: decisions
      }
    })
    db.exec('COMMIT')
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw err
  }
  return listSources(db).find((s) => s.id === sourceId)!
}
