// Confirmed findings for the export (schema v8, correlation/findings.ts): each with its
// severity, explanation, the events that support it and the cameras at their doors.
import type { Db } from '../case/database'

export interface ExportFinding {
  id: number
  title: string
  rule: string
  severity: string
  status: string
  explanation: string
  from: string | null
  to: string | null
  events: { id: number; ts: string | null; source: string | null; summary: string }[]
  cameras: string[]
}

/** Confirmed findings overlapping the range (correlation lands in schema v8). */
export function findingsForExport(_db: Db, _range: { fromUs: number | null; toUs: number | null }): ExportFinding[] {
  return []
}

/** Ids of the events that support the confirmed findings. */
export function findingEventIds(findings: ExportFinding[]): Set<number> {
  return new Set(findings.flatMap((f) => f.events.map((e) => e.id)))
}
