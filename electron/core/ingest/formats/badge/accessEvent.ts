// The one normalised access event every badge profile (and a mapped CSV with category
// access) produces: action and outcome, cardholder as "First Last" with the source's own
// spelling kept, card number as actor id, "site / door" as location, vendor text kept.
import type { AccessAction } from '@shared/event'
import type { EventTime, ParsedEvent } from '../../types'
import type { DenialReason } from './accessClassifier'

export interface AccessRecord {
  time: EventTime
  rawTime: string
  action: AccessAction
  /** The vendor's own event text or code, verbatim. */
  vendorEvent: string
  reason?: DenialReason
  /** The vendor's reason text when it has a reason column (else the event text explains it). */
  reasonText?: string
  /** A combined name as written ("Smith, John" or "John Smith"). */
  cardholder?: string
  firstName?: string
  lastName?: string
  cardNumber?: string
  employeeId?: string
  site?: string
  door?: string
  reader?: string
  panel?: string
  /** Overrides the "site / door" location (e.g. "floor 1 / zone 4" for proximity readings). */
  location?: string
  /** Overrides the composed message (C•CURE's MessageText is already a sentence). */
  message?: string
  /** Vendor columns worth keeping that have no normalised home. */
  extra?: Record<string, unknown>
}

/**
 * "Smith, John" → "John Smith". Only a single comma is read as "Last, First": names with
 * more commas ("Smith, Jr., John") are kept as written rather than reordered by guesswork.
 */
export function displayName(raw: string): string {
  const parts = raw.split(',')
  if (parts.length !== 2) return raw.trim()
  const last = parts[0]!.trim()
  const first = parts[1]!.trim()
  if (!last || !first) return raw.trim()
  return `${first} ${last}`
}

export function outcomeOf(action: AccessAction): ParsedEvent['outcome'] {
  return action === 'granted' ? 'success' : action === 'denied' ? 'failure' : 'unknown'
}

const ACTION_LABEL: Record<AccessAction, string> = {
  granted: 'Access granted',
  denied: 'Access denied',
  'forced-open': 'Door forced open',
  'held-open': 'Door held open',
  'request-to-exit': 'Request to exit',
  tailgating: 'Tailgating',
  tamper: 'Tamper',
  offline: 'Offline',
  'door-opened': 'Door opened',
  'door-closed': 'Door closed',
  other: 'Access event'
}

export function accessEvent(r: AccessRecord): ParsedEvent {
  const fields: Record<string, unknown> = {}
  let actor: string | null = null
  if (r.cardholder) {
    actor = displayName(r.cardholder)
    fields.cardholderRaw = r.cardholder
  } else if (r.firstName || r.lastName) {
    actor = [r.firstName, r.lastName].filter(Boolean).join(' ')
  }
  if (r.firstName) fields.firstName = r.firstName
  if (r.lastName) fields.lastName = r.lastName
  if (r.cardNumber) fields.cardNumber = r.cardNumber
  if (r.employeeId) fields.employeeId = r.employeeId
  if (r.site) fields.site = r.site
  if (r.door) fields.door = r.door
  if (r.reader) fields.reader = r.reader
  if (r.panel) fields.panel = r.panel
  if (r.action === 'denied') {
    fields.reason = r.reason ?? 'other'
    fields.reasonText = r.reasonText ?? r.vendorEvent
  }
  fields.vendorEvent = r.vendorEvent
  if (r.extra) for (const [k, v] of Object.entries(r.extra)) if (v !== undefined && v !== '') fields[k] = v

  const place = r.door ?? r.reader
  const location = r.location ?? ([r.site, place].filter(Boolean).join(' / ') || null)
  const actorId = r.cardNumber ?? null
  const who = actor ? `${actor}${actorId ? ` (card ${actorId})` : ''}` : actorId ? `card ${actorId}` : ''
  const message =
    r.message ??
    [r.vendorEvent || ACTION_LABEL[r.action], who && `— ${who}`, location && `at ${location}`].filter(Boolean).join(' ')

  return {
    time: r.time,
    rawTime: r.rawTime,
    category: 'access',
    action: r.action,
    outcome: outcomeOf(r.action),
    actor,
    actorId,
    location,
    message,
    fields
  }
}
