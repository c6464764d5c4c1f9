// Confirmed findings for the export (schema v8, through correlation/findings.ts listFindings):
// each with its severity, explanation, the events that support it and the cameras the rule
// associated with it. Open and dismissed findings are the investigator's working state and
// are not exported.
import { isoToMicros, microsToIso } from '@shared/time'
import type { Db } from '../case/database'
import { listFindings } from '../correlation/findings'

export interface ExportFinding {
  id: number
  title: string
  rule: string
  severity: string
  status: string
  explanation: string
  subjects: string[]
  from: string | null
  to: string | null
  /** The finding rests on a person ↔ identity link nobody has confirmed. */
  unconfirmedLink: boolean
  decidedAt: string | null
  examiner: string | null
  reason: string
  events: { id: number; ts: string | null; source: string | null; summary: string }[]
  cameras: string[]
}

interface EventRow {
  id: number
  ts: number | null
  action: string
  actor: string | null
  location: string | null
  message: string | null
  source: string | null
}

/** Confirmed findings overlapping the range (all of them without a range), in time order. */
export function findingsForExport(db: Db, range: { fromUs: number | null; toUs: number | null }): ExportFinding[] {
  const findings = listFindings(db, { status: 'confirmed' }).filter((f) => {
    const from = isoToMicros(f.ts)
    const to = isoToMicros(f.endTs) ?? from
    return (range.toUs === null || from === null || from < range.toUs) && (range.fromUs === null || to === null || to >= range.fromUs)
  })
  const ids = [...new Set(findings.flatMap((f) => f.eventIds))]
  const rows = ids.length
    ? (db
        .prepare(
          `SELECT e.id, e.ts, e.action, e.actor, e.location, e.message, ev.original_name AS source
             FROM event e LEFT JOIN source s ON s.id = e.source_id LEFT JOIN evidence ev ON ev.id = s.evidence_id
            WHERE e.id IN (SELECT value FROM json_each(?))`
        )
        .all(JSON.stringify(ids)) as EventRow[])
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  return findings.map((f) => ({
    id: f.id,
    title: f.title,
    rule: f.ruleName ? `${f.ruleName} (${f.rule})` : f.rule,
    severity: f.severity,
    status: f.status,
    explanation: f.explanation,
    subjects: f.subjects,
    from: f.ts,
    to: f.endTs,
    unconfirmedLink: f.unconfirmedLink,
    decidedAt: f.decidedAt,
    examiner: f.examiner,
    reason: f.reason,
    events: f.eventIds
      .map((id) => byId.get(id))
      .filter((e): e is EventRow => e !== undefined)
      .sort((a, b) => (a.ts ?? 0) - (b.ts ?? 0) || a.id - b.id)
      .map((e) => ({
        id: e.id,
        ts: e.ts === null ? null : microsToIso(e.ts),
        source: e.source,
        summary: [e.action, e.actor ? `by ${e.actor}` : '', e.location ? `at ${e.location}` : '', e.message ? `— ${e.message}` : ''].filter(Boolean).join(' ')
      })),
    cameras: f.cameras
  }))
}

/** Ids of the events that support the confirmed findings (the "findings" selection). */
export function confirmedFindingEventIds(db: Db): Set<number> {
  return new Set(listFindings(db, { status: 'confirmed' }).flatMap((f) => f.eventIds))
}
