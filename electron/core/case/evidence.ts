// Queries over the evidence table. Evidence rows are immutable; an item's status is the
// latest row of evidence_check written by verify.
import type { EvidenceItem, EvidenceStatus } from '@shared/model'
import { microsToIso } from '@shared/time'
import type { Db } from './database'

export interface EvidenceRow {
  id: number
  sha256: string
  size: number
  original_name: string
  original_path: string
  source_mtime_us: number | null
  acquired_us: number
  examiner: string
  workstation: string
  tool: string
  tool_version: string
  note: string
  acquired_via: 'file' | 'upload' | 'archive-member'
  parent_id: number | null
  member_path: string | null
  status: EvidenceStatus | null
  checked_us: number | null
}

const SELECT_WITH_STATUS = `
  SELECT e.*, c.status AS status, c.checked_us AS checked_us
  FROM evidence e
  LEFT JOIN evidence_check c ON c.id = (SELECT MAX(id) FROM evidence_check WHERE evidence_id = e.id)`

export function toEvidenceItem(row: EvidenceRow): EvidenceItem {
  return {
    id: row.id,
    sha256: row.sha256,
    size: row.size,
    originalName: row.original_name,
    originalPath: row.original_path,
    sourceMtime: row.source_mtime_us === null ? null : microsToIso(row.source_mtime_us),
    acquiredAt: microsToIso(row.acquired_us),
    examiner: row.examiner,
    workstation: row.workstation,
    tool: row.tool,
    toolVersion: row.tool_version,
    note: row.note,
    acquiredVia: row.acquired_via,
    parentId: row.parent_id,
    status: row.status ?? 'unverified',
    lastCheckedAt: row.checked_us === null ? null : microsToIso(row.checked_us)
  }
}

export function listEvidence(db: Db): EvidenceItem[] {
  return (db.prepare(`${SELECT_WITH_STATUS} ORDER BY e.id`).all() as EvidenceRow[]).map(toEvidenceItem)
}

export function evidenceById(db: Db, id: number): EvidenceItem | null {
  const row = db.prepare(`${SELECT_WITH_STATUS} WHERE e.id = ?`).get(id) as EvidenceRow | undefined
  return row ? toEvidenceItem(row) : null
}

export function evidenceIdBySha(db: Db, sha256: string): number | null {
  const row = db.prepare('SELECT id FROM evidence WHERE sha256 = ?').get(sha256) as { id: number } | undefined
  return row?.id ?? null
}

export function recordEvidenceCheck(db: Db, id: number, checkedUs: number, status: EvidenceStatus, actualSha256: string | null): void {
  db.prepare('INSERT INTO evidence_check (evidence_id, checked_us, status, actual_sha256) VALUES (?, ?, ?, ?)').run(
    id,
    checkedUs,
    status,
    actualSha256
  )
}
