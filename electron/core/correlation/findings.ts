// Findings as stored: drafts from a rule run are merged by key into the finding table so a
// confirmed or dismissed finding keeps its decision (and reason) when the rules run again;
// open findings a run no longer produces are removed, decided ones are kept. Confirm and
// dismiss are custody entries. `listFindings` is also what the case export calls.
import { RULE_NAMES, type Finding, type FindingStatus, type RuleId, type Severity } from '@shared/contracts/correlation'
import { microsToIso, nowMicros } from '@shared/time'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'
import type { FindingDraft } from './rules/common'

interface FindingRow {
  id: number
  key: string
  rule: RuleId
  severity: Severity
  ts_us: number
  end_us: number
  title: string
  explanation: string
  subjects: string
  event_ids: string
  cameras: string
  links: string
  status: FindingStatus
  reason: string
  decided_us: number | null
  examiner: string | null
}

export function saveFindings(db: Db, drafts: FindingDraft[], runId: number, rulesRun: RuleId[]): void {
  db.transaction(() => {
    const upsert = db.prepare(
      `INSERT INTO finding (key, rule, severity, ts_us, end_us, title, explanation, subjects, event_ids, cameras, links, unconfirmed_link, run_id, current)
       VALUES (@key, @rule, @severity, @ts, @end, @title, @explanation, @subjects, @eventIds, @cameras, @links, 0, @runId, 1)
       ON CONFLICT (key) DO UPDATE SET severity = excluded.severity, ts_us = excluded.ts_us, end_us = excluded.end_us, title = excluded.title,
         explanation = excluded.explanation, subjects = excluded.subjects, event_ids = excluded.event_ids, cameras = excluded.cameras,
         links = excluded.links, run_id = excluded.run_id, current = 1`
    )
    const seen = new Set<string>()
    for (const d of drafts) {
      if (seen.has(d.key)) continue
      seen.add(d.key)
      upsert.run({
        key: d.key,
        rule: d.rule,
        severity: d.severity,
        ts: d.tsUs,
        end: d.endUs,
        title: d.title,
        explanation: d.explanation,
        subjects: JSON.stringify([...new Set(d.subjects)]),
        eventIds: JSON.stringify([...new Set(d.eventIds)]),
        cameras: JSON.stringify([...new Set(d.cameras)]),
        links: JSON.stringify(d.links),
        runId
      })
    }
    const rules = JSON.stringify(rulesRun)
    db.prepare(`DELETE FROM finding WHERE run_id < ? AND status = 'open' AND rule IN (SELECT value FROM json_each(?))`).run(runId, rules)
    db.prepare(`UPDATE finding SET current = 0 WHERE run_id < ? AND rule IN (SELECT value FROM json_each(?))`).run(runId, rules)
  })()
}

function linkStatuses(db: Db): Map<string, string> {
  const m = new Map<string, string>()
  for (const r of db.prepare('SELECT person_key, identity_value, status FROM person_link').all() as { person_key: string; identity_value: string; status: string }[]) {
    m.set(`${r.person_key}\u0000${r.identity_value}`, r.status)
  }
  return m
}

function toFinding(r: FindingRow, links: Map<string, string>): Finding {
  const rests = JSON.parse(r.links) as [string, string][]
  return {
    id: r.id,
    rule: r.rule,
    ruleName: RULE_NAMES[r.rule] ?? r.rule,
    severity: r.severity,
    ts: microsToIso(r.ts_us),
    endTs: microsToIso(r.end_us),
    title: r.title,
    explanation: r.explanation,
    subjects: JSON.parse(r.subjects) as string[],
    eventIds: JSON.parse(r.event_ids) as number[],
    cameras: JSON.parse(r.cameras) as string[],
    // Computed when read, so confirming a link clears the marker at once.
    unconfirmedLink: rests.some(([p, i]) => links.get(`${p}\u0000${i}`) !== 'confirmed'),
    status: r.status,
    reason: r.reason,
    decidedAt: r.decided_us === null ? null : microsToIso(r.decided_us),
    examiner: r.examiner
  }
}

export interface FindingFilter {
  status?: FindingStatus | null
  rule?: RuleId | null
  severity?: Severity | null
}

/** Findings in time order, optionally of one status, rule or severity. The export calls this. */
export function listFindings(db: Db, filter: FindingFilter = {}): Finding[] {
  const rows = db
    .prepare(
      `SELECT * FROM finding WHERE (@status IS NULL OR status = @status) AND (@rule IS NULL OR rule = @rule) AND (@severity IS NULL OR severity = @severity)
        ORDER BY ts_us, id`
    )
    .all({ status: filter.status ?? null, rule: filter.rule ?? null, severity: filter.severity ?? null }) as FindingRow[]
  const links = linkStatuses(db)
  return rows.map((r) => toFinding(r, links))
}

export function getFinding(db: Db, id: number): Finding | null {
  const r = db.prepare('SELECT * FROM finding WHERE id = ?').get(id) as FindingRow | undefined
  return r ? toFinding(r, linkStatuses(db)) : null
}

export class FindingError extends Error {}

export function decideFinding(db: Db, input: { id: number; decision: 'confirm' | 'dismiss' | 'reopen'; reason: string; examiner: string }): Finding {
  const before = getFinding(db, input.id)
  if (!before) throw new FindingError(`No finding #${input.id} in this case.`)
  if (input.decision === 'dismiss' && !input.reason.trim()) throw new FindingError('Say why the finding is dismissed.')
  const status: FindingStatus = input.decision === 'confirm' ? 'confirmed' : input.decision === 'dismiss' ? 'dismissed' : 'open'
  const now = nowMicros()
  db.transaction(() => {
    db.prepare('UPDATE finding SET status = ?, reason = ?, decided_us = ?, examiner = ? WHERE id = ?').run(status, input.reason, now, input.examiner, input.id)
    appendCustody(db, {
      examiner: input.examiner,
      action: `finding.${input.decision === 'confirm' ? 'confirmed' : input.decision === 'dismiss' ? 'dismissed' : 'reopened'}`,
      object: `finding ${input.id} (${before.rule})`,
      details: { title: before.title, from: before.status, to: status, reason: input.reason, events: before.eventIds },
      tsUs: now
    })
  })()
  return getFinding(db, input.id)!
}
