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
  /** Progress over every step (entity rebuilds, working tables, each rule, saving), before the step runs. */
  onStep?: (done: number, total: number, label: string) => void
}

/**
 * One run, cut into steps: the generator yields before each step so a caller can hand the
 * thread back between them (runCorrelationAsync) or run them straight through (runCorrelation).
 * A step itself is synchronous (better-sqlite3); the longest is one rule on a big case.
 */
function* correlationSteps(db: Db, options: RunOptions): Generator<void, RunSummary, void> {
  const started = performance.now()
  const entities = options.entities ?? true
  const settings = readRuleSettings(db)
  const chosen = rules.filter((r) => ruleEnabled(settings, r.id) && (!options.only || options.only.includes(r.id)))
  const total = (entities ? 3 : 0) + 1 + chosen.length + 1
  let done = 0
  function* step(label: string): Generator<void, void, void> {
    if (options.signal?.aborted) throw new Error('cancelled')
    options.onStep?.(done++, total, label)
    yield
    if (options.signal?.aborted) throw new Error('cancelled')
  }
  let entitiesMs = 0
  let people = 0
  let identities = 0
  if (entities) {
    yield* step('Rebuilding people and identities')
    let t = performance.now()
    const r = rebuildPeople(db)
    people = r.people
    identities = r.identities
    entitiesMs += performance.now() - t
    yield* step('Rebuilding places')
    t = performance.now()
    rebuildPlaces(db)
    entitiesMs += performance.now() - t
    yield* step('Rebuilding devices')
    t = performance.now()
    rebuildDevices(db)
    entitiesMs += performance.now() - t
  } else {
    people = (db.prepare('SELECT COUNT(*) AS n FROM person').get() as { n: number }).n
    identities = (db.prepare('SELECT COUNT(*) AS n FROM identity').get() as { n: number }).n
  }
  const ctx = { db, settings, cameras: cameraLookup(db) }
  const perRuleMs: Record<string, number> = {}
  const drafts: FindingDraft[] = []
  try {
    yield* step('Preparing working tables')
    const rulesStart = performance.now()
    prepareWorkingTables(db, settings)
    perRuleMs.prepare = performance.now() - rulesStart
    for (const [i, rule] of chosen.entries()) {
      yield* step(`Rule ${rule.id}`)
      options.onRule?.(i, chosen.length, rule.id)
      const t = performance.now()
      drafts.push(...rule.run(ctx))
      perRuleMs[rule.id] = performance.now() - t
    }
    yield* step('Saving findings')
    const state = db.prepare('SELECT run_id FROM correlation_state WHERE id = 1').get() as { run_id: number }
    const runId = state.run_id + 1
    const t = performance.now()
    saveFindings(db, drafts, runId, chosen.map((r) => r.id))
    perRuleMs.save = performance.now() - t
    const events = eventCounts(db)
    const ms = performance.now() - started
    db.prepare('UPDATE correlation_state SET run_id = ?, last_run_us = ?, last_run_ms = ?, events_seen = ?, max_event_id = ? WHERE id = 1').run(runId, nowMicros(), ms, events.n, events.max)
    options.onStep?.(total, total, 'Done')
    const byRule: Record<string, number> = {}
    for (const d of drafts) byRule[d.rule] = (byRule[d.rule] ?? 0) + 1
    return { runId, ms, perRuleMs, entitiesMs, findings: drafts.length, byRule, people, identities }
  } finally {
    // Also when cancelled between steps.
    db.exec('DROP TABLE IF EXISTS temp.corr_badge; DROP TABLE IF EXISTS temp.corr_ident;')
  }
}

/** Runs the rules and stores their findings; returns timings and counts. Blocks until done (CLI, tests). */
export function runCorrelation(db: Db, options: RunOptions = {}): RunSummary {
  const steps = correlationSteps(db, options)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
  }
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * The same run, handing the event loop back between steps (each entity rebuild, each rule)
 * so a host on this thread keeps answering requests; cancellation is checked at each step.
 */
export async function runCorrelationAsync(db: Db, options: RunOptions = {}): Promise<RunSummary> {
  const steps = correlationSteps(db, options)
  for (;;) {
    const r = steps.next()
    if (r.done) return r.value
    await yieldToLoop()
  }
}

/**
 * How many events the case holds and the highest id. Two statements on purpose: alone, COUNT(*)
 * counts b-tree cells and MAX(id) reads the last rowid; together in one SELECT they scan every
 * index entry (0.9 s CPU on 10 million events instead of 0.2 s).
 */
function eventCounts(db: Db): { n: number; max: number } {
  const n = (db.prepare('SELECT COUNT(*) AS n FROM event').get() as { n: number }).n
  const max = (db.prepare('SELECT COALESCE(MAX(id), 0) AS max FROM event').get() as { max: number }).max
  return { n, max }
}

/** Whether events were added or removed since the rules last ran (an import finished). */
export function findingsStale(db: Db): boolean {
  const s = db.prepare('SELECT events_seen, max_event_id FROM correlation_state WHERE id = 1').get() as { events_seen: number; max_event_id: number }
  const e = eventCounts(db)
  return s.events_seen !== e.n || s.max_event_id !== e.max
}
