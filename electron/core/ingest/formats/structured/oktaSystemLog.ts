// Okta System Log LogEvents: the /api/v1/logs JSON array, or JSON lines as SIEM exports
// write them. `published` is ISO 8601 UTC with milliseconds (Z).
import type { Outcome } from '@shared/event'
import type { Importer, ParsedEvent, SniffInput } from '../../types'
import { jsonRecordOutputs } from './jsonRecords'
import { parseIsoInstant } from './stamps'
import { firstChar, firstStr, ipOrNull, joinPresent, jsonKeys, obj, rest, str, type JsonObject } from './values'

// Event types about proving identity; the rest is administration of the Okta tenant.
const AUTH_PREFIXES = ['user.session.', 'user.authentication.', 'user.mfa.', 'user.account.', 'policy.evaluate_sign_on', 'app.oauth2.', 'security.']

function outcomeOf(result: string | null): Outcome {
  switch (result?.toUpperCase()) {
    case 'SUCCESS':
    case 'ALLOW':
      return 'success'
    case 'FAILURE':
    case 'DENY':
      return 'failure'
    default:
      // SKIPPED, CHALLENGE, UNKNOWN: the event did not settle the attempt either way.
      return 'unknown'
  }
}

export function oktaEvent(r: JsonObject): ParsedEvent[] | string {
  const rawTime = str(r.published)
  if (rawTime === null) return 'no published time'
  const time = parseIsoInstant(rawTime)
  if (!time) return `published "${rawTime}" is not an ISO instant`
  const eventType = str(r.eventType) ?? str(r.legacyEventType) ?? 'unknown'
  const actor = obj(r.actor)
  const client = obj(r.client)
  const geo = obj(client?.geographicalContext)
  const out = obj(r.outcome)
  const result = str(out?.result)
  const outcome = outcomeOf(result)
  const who = firstStr(actor?.alternateId, actor?.displayName)
  const srcIp = ipOrNull(client?.ipAddress)
  const reason = str(out?.reason)
  const text = firstStr(r.displayMessage, eventType)
  return [
    {
      time,
      rawTime,
      category: AUTH_PREFIXES.some((p) => eventType.startsWith(p)) ? 'auth' : 'cloud',
      action: eventType,
      outcome,
      actor: who,
      actorId: str(actor?.id),
      srcIp,
      location: geo ? joinPresent([geo.city, geo.state, geo.country]) : null,
      message: `${text}${who ? ` by ${who}` : ''}${srcIp ? ` from ${srcIp}` : ''}${result ? `: ${result}` : ''}${reason ? ` (${reason})` : ''}`,
      fields: rest(r, ['published', 'eventType'])
    }
  ]
}

export const oktaSystemLog: Importer = {
  id: 'okta-system-log',
  name: 'Okta System Log',
  description: 'Okta System Log events (API JSON array or JSON lines); published is UTC.',
  sniff(input: SniffInput): number {
    const c = firstChar(input.text)
    if (c !== '{' && c !== '[') return 0
    const keys = jsonKeys(input.text)
    if (!keys.has('published') || !keys.has('eventType')) return 0
    if (keys.has('legacyEventType') || keys.has('displayMessage') || (keys.has('alternateId') && keys.has('outcome'))) return 0.95
    return 0.5
  },
  readRecords(path, ctx) {
    ctx.note('published read as UTC (ISO 8601 with Z)')
    return jsonRecordOutputs(path, ctx, oktaEvent)
  }
}
