// An archive already acquired as evidence is expanded: each accepted member is extracted
// to the case's private staging folder and acquired as its own evidence item, derived from
// the archive (parentId, memberPath). Members we refuse are custody entries too, so the
// log shows what the archive held and why part of it was not imported.
import { unlink } from 'node:fs/promises'
import { basename } from 'node:path'
import type { CaseFolder } from '../../case/caseFolder'
import { appendCustody } from '../../case/custody'
import { evidenceById } from '../../case/evidence'
import { acquireEvidence, type IntakeContext } from '../../case/intake'
import type { ArchiveKind, ExtractOptions } from './archiveTypes'
import { ArchiveRefusedError, extractMembers } from './extractMembers'
import { detectArchiveKind } from './inspectArchive'

export interface ArchiveMemberOutcome {
  index: number
  /** Name as stored in the archive. */
  name: string
  memberPath: string | null
  outcome: 'acquired' | 'duplicate' | 'refused' | 'skipped'
  reason: string | null
  evidenceId: number | null
  /** For duplicates: the item already in the case with the same SHA-256. */
  existingId: number | null
  size: number | null
}

export interface ArchiveIntakeReport {
  archiveId: number
  kind: ArchiveKind | null
  /** The whole archive was refused; `members` is then empty. */
  refusal: string | null
  members: ArchiveMemberOutcome[]
  counts: { acquired: number; duplicate: number; refused: number; skipped: number }
}

export type ArchiveIntakeOptions = Pick<ExtractOptions, 'limits' | 'includeMetadata' | 'onProgress'>

export async function acquireArchiveMembers(
  folder: CaseFolder,
  archiveEvidenceId: number,
  archivePath: string,
  ctx: IntakeContext,
  options: ArchiveIntakeOptions = {}
): Promise<ArchiveIntakeReport> {
  const archive = evidenceById(folder.db, archiveEvidenceId)
  if (!archive) throw new Error(`Evidence #${archiveEvidenceId} is not in this case.`)
  const report: ArchiveIntakeReport = {
    archiveId: archiveEvidenceId,
    kind: null,
    refusal: null,
    members: [],
    counts: { acquired: 0, duplicate: 0, refused: 0, skipped: 0 }
  }
  const custody = (action: string, details: Record<string, unknown>) =>
    folder.db.transaction(() => appendCustody(folder.db, { examiner: ctx.examiner, action, object: `evidence ${archiveEvidenceId}`, details }))()

  try {
    report.kind = await detectArchiveKind(archivePath)
    const members = extractMembers(archivePath, folder.layout.incoming, {
      ...options,
      archiveName: archive.originalName,
      signal: ctx.signal
    })
    for await (const item of members) {
      const { member } = item
      const base = { index: member.index, name: member.name, memberPath: member.path, evidenceId: null, existingId: null, size: null }
      if (item.outcome === 'skipped') {
        report.members.push({ ...base, outcome: 'skipped', reason: item.reason })
        continue
      }
      if (item.outcome === 'refused') {
        custody('evidence.member-refused', { archiveSha256: archive.sha256, memberIndex: member.index, member: member.name, reason: item.reason })
        report.members.push({ ...base, outcome: 'refused', reason: item.reason })
        continue
      }
      const memberPath = member.path ?? member.name
      try {
        const outcome = await acquireEvidence(
          folder,
          {
            path: item.tempPath,
            acquiredVia: 'archive-member',
            parentId: archiveEvidenceId,
            memberPath,
            originalName: basename(memberPath),
            originalPath: `${archive.originalPath}!/${memberPath}`,
            // The staging copy's mtime is now; only a UTC time recorded in the archive means anything.
            sourceMtimeUs: member.modifiedUs
          },
          ctx
        )
        report.members.push({
          ...base,
          outcome: outcome.outcome,
          reason: outcome.reason,
          evidenceId: outcome.outcome === 'acquired' ? (outcome.evidence?.id ?? null) : null,
          existingId: outcome.existingId,
          size: item.size
        })
      } finally {
        await unlink(item.tempPath).catch(() => undefined)
      }
    }
  } catch (err) {
    if (!(err instanceof ArchiveRefusedError)) throw err
    report.refusal = err.reason
    custody('evidence.archive-refused', { archiveSha256: archive.sha256, reason: err.reason })
    return report
  }

  for (const m of report.members) report.counts[m.outcome]++
  custody('evidence.archive-expanded', {
    archiveSha256: archive.sha256,
    kind: report.kind,
    ...report.counts,
    skippedMembers: report.members.filter((m) => m.outcome === 'skipped').map((m) => m.name)
  })
  return report
}
