// The rules, in the order the issue numbers them, and one run over a case: rebuild people,
// places and devices, build the working tables, run each enabled rule, store the findings.
import type { RuleId, RunSummary } from '@shared/contracts/correlation'
import { nowMicros } from '@shared/time'
import type { Db } from '../../case/database'
import { cameraLookup } from '../cameraLookup'
import { rebuildDevices } from '../devices'
import { saveFindings } from '../findings'
import { rebuildPeople } from '../people'
import { rebuildPlaces } from '../places'
import { readRuleSettings, ruleEnabled } from '../ruleSettings'
import { afterHours } from './afterHours'
import { badgeLogon } from './badgeLogon'
import { cameraGap } from './cameraGap'
import { prepareWorkingTables, type FindingDraft, type Rule } from './common'
import { deniedRepeat } from './deniedRepeat'
import { doorAlarm } from './doorAlarm'
import { impossibleTravel } from './impossibleTravel'
import { itAlertPresence } from './itAlertPresence'
import { remoteOnSite } from './remoteOnSite'
import { tailgating } from './tailgating'

export const rules: Rule[] = [deniedRepeat, doorAlarm, afterHours, badgeLogon, remoteOnSite, impossibleTravel, tailgating, itAlertPresence, cameraGap]

export interface RunOptions {
  /** Rebuild people, identities, places and devices first (default true). */
  entities?: boolean
  only?: RuleId[]
  signal?: AbortSignal
  onRule?: (index: number, total: number, id: RuleId) => void
}

/** Runs the rules and stores their findings; returns timings and counts. */
export function runCorrelation(db: Db, options: RunOptions = {}): RunSummary {
  const started = performance.now()
  let entitiesMs = 0
  let people = 0
  let identities = 0
  if (options.entities ?? true) {
    const t = performance.now()
    const r = rebuildPeople(db)
    people = r.people
    identities = r.identities
    rebuildPlaces(db)
    rebuildDevices(db)
    entitiesMs = performance.now() - t
  } else {
    people = (db.prepare('SELECT COUNT(*) AS n FROM person').get() as { n: number }).n
    identities = (db.prepare('SELECT COUNT(*) AS n FROM identity').get() as { n: number }).n
  }
  const settings = readRuleSettings(db)
  const ctx = { db, settings, cameras: cameraLookup(db) }
  const perRuleMs: Record<string, number> = {}
  const drafts: FindingDraft[] = []
  const rulesStart = performance.now()
  prepareWorkingTables(db)
  perRuleMs.prepare = performance.now() - rulesStart
  const chosen = rules.filter((r) => ruleEnabled(settings, r.id) && (!options.only || options.only.includes(r.id)))
  chosen.forEach((rule, i) => {
    if (options.signal?.aborted) throw new Error('cancelled')
    options.onRule?.(i, chosen.length, rule.id)
    const t = performance.now()
    drafts.push(...rule.run(ctx))
    perRuleMs[rule.id] = performance.now() - t
  })
  const state = db.prepare('SELECT run_id FROM correlation_state WHERE id = 1').get() as { run_id: number }
  const runId = state.run_id + 1
  const t = performance.now()
  saveFindings(db, drafts, runId, chosen.map((r) => r.id))
  perRuleMs.save = performance.now() - t
  const events = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS max FROM event').get() as { n: number; max: number }
  const ms = performance.now() - started
  db.prepare('UPDATE correlation_state SET run_id = ?, last_run_us = ?, last_run_ms = ?, events_seen = ?, max_event_id = ? WHERE id = 1').run(runId, nowMicros(), ms, events.n, events.max)
  db.exec('DROP TABLE IF EXISTS temp.corr_badge; DROP TABLE IF EXISTS temp.corr_ident;')
  const byRule: Record<string, number> = {}
  for (const d of drafts) byRule[d.rule] = (byRule[d.rule] ?? 0) + 1
  return { runId, ms, perRuleMs, entitiesMs, findings: drafts.length, byRule, people, identities }
}

/** Whether events were added or removed since the rules last ran (an import finished). */
export function findingsStale(db: Db): boolean {
  const s = db.prepare('SELECT events_seen, max_event_id FROM correlation_state WHERE id = 1').get() as { events_seen: number; max_event_id: number }
  const e = db.prepare('SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS max FROM event').get() as { n: number; max: number }
  return s.events_seen !== e.n || s.max_event_id !== e.max
}
