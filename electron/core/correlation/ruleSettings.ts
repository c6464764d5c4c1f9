// Rule settings live in the case (correlation_state.settings), so two investigators on one
// case see the same thresholds; a change is a custody entry. Unknown or missing values fall
// back to the defaults of the zod schema.
import { RULE_IDS, RuleSettings, SiteSettings, type RuleId } from '@shared/contracts/correlation'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'

export function readRuleSettings(db: Db): RuleSettings {
  const row = db.prepare('SELECT settings FROM correlation_state WHERE id = 1').get() as { settings: string } | undefined
  let raw: unknown = {}
  try {
    raw = JSON.parse(row?.settings ?? '{}')
  } catch {
    raw = {}
  }
  const parsed = RuleSettings.safeParse(raw)
  return parsed.success ? parsed.data : RuleSettings.parse({})
}

export function writeRuleSettings(db: Db, settings: RuleSettings, examiner: string, reason: string): RuleSettings {
  const next = RuleSettings.parse(settings)
  db.transaction(() => {
    const before = readRuleSettings(db)
    // events_seen = -1 marks the findings stale: they were made with the old settings.
    db.prepare('UPDATE correlation_state SET settings = ?, events_seen = -1 WHERE id = 1').run(JSON.stringify(next))
    appendCustody(db, { examiner, action: 'rules.settings-changed', object: 'correlation rules', details: { before, after: next, reason } })
  })()
  return next
}

export function ruleEnabled(s: RuleSettings, id: RuleId): boolean {
  return s.enabled[id] ?? true
}

export function siteSettings(s: RuleSettings, site: string | null): SiteSettings {
  return (site !== null ? s.sites[site] : undefined) ?? s.defaultSite ?? SiteSettings.parse({})
}

export { RULE_IDS }
