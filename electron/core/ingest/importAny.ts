// Import of whatever evidence item the investigator points at: a plain export is imported
// directly; a .zip or .gz is first expanded (each member becomes its own evidence item,
// derived from the archive, with hostile members refused) and each member is imported.
import type { ImportReport } from '@shared/ingestModel'
import type { CaseFolder } from '../case/caseFolder'
import { evidenceById } from '../case/evidence'
import { acquireArchiveMembers } from './archive/archiveIntake'
import { detectArchiveKind } from './archive/inspectArchive'
import { importEvidence, type ImportOptions } from './importPipeline'

export function failedImportReport(evidenceId: number, fileName: string, message: string): ImportReport {
  return {
    status: 'failed', message, evidenceId, fileName, sourceId: null, format: null, formatName: null, formatChosenBy: null,
    detection: [], events: 0, badLines: 0, invalidUtf8Lines: 0, issues: [], bytes: 0, durationMs: 0, eventsPerSecond: 0,
    firstTs: null, lastTs: null, time: null, notes: []
  }
}

export async function importEvidenceExpanding(folder: CaseFolder, options: ImportOptions): Promise<ImportReport[]> {
  const evidence = evidenceById(folder.db, options.evidenceId)
  if (!evidence) throw new Error(`There is no evidence #${options.evidenceId} in this case.`)
  const path = folder.evidencePath(evidence.sha256)
  if (evidence.size === 0 || !(await detectArchiveKind(path))) return [await importEvidence(folder, options)]

  const expanded = await acquireArchiveMembers(folder, evidence.id, path, { examiner: options.examiner, signal: options.signal })
  if (expanded.refusal) return [failedImportReport(evidence.id, evidence.originalName, `${evidence.originalName} was not expanded: ${expanded.refusal}`)]
  const reports: ImportReport[] = []
  for (const m of expanded.members) {
    if (m.outcome === 'skipped') continue
    const id = m.outcome === 'acquired' ? m.evidenceId : m.outcome === 'duplicate' ? m.existingId : null
    if (id === null) {
      reports.push(failedImportReport(evidence.id, `${evidence.originalName}!/${m.name}`, `member refused: ${m.reason ?? 'unknown reason'}`))
      continue
    }
    reports.push(await importEvidence(folder, { ...options, evidenceId: id }))
  }
  if (reports.length === 0) reports.push(failedImportReport(evidence.id, evidence.originalName, `${evidence.originalName} holds no file to import.`))
  return reports
}
