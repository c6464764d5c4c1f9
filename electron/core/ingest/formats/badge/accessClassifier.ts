// Turns a vendor's event text (and reason text) into a normalised access action and, for
// denials, a normalised reason. Each vendor profile passes its own exact table first; the
// keyword rules below cover the wording vendors share ("Access Denied - Expired Badge",
// "Door Held Open Restored", "CardRejected"…). Restorals of alarms are not alarms: a
// "Door Forced Open Restored" row must not put a second forced entry on the timeline.
import type { AccessAction } from '@shared/event'

export const DENIAL_REASONS = ['invalid-pin', 'expired', 'inactive', 'lost', 'unknown-credential', 'no-privilege', 'antipassback', 'other'] as const
export type DenialReason = (typeof DENIAL_REASONS)[number]

export interface Classified {
  action: AccessAction
  reason?: DenialReason
}

/** Exact vendor texts or codes, keyed by `normText` of the text. */
export type VendorTable = Record<string, Classified>

/** "CardRejected" / "door_forced_open" / "Access Denied - APB" → "card rejected" / "door forced open" / "access denied apb". */
export function normText(text: string): string {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
}

const ALARMS: [AccessAction, RegExp][] = [
  ['tailgating', /\b(tailgat\w*|piggyback\w*)\b/],
  ['forced-open', /\bforced\b|\bforce open\b/],
  ['held-open', /\bheld\b|\bajar\b|\bleft open\b|\bopen too long\b|\bpropped\b|\bdotl\b/],
  ['tamper', /\btamper\w*\b/],
  ['offline', /\boff ?line\b|\bcomm(unication)?s? (lost|loss|fail\w*|error|down|trouble)\b|\bloss of comm\w*\b|\bnot responding\b|\bdisconnected\b|\bconnection lost\b/]
]
const RESTORE = /\b(restor\w*|cancel\w*|normal|reset|clear\w*|back online|ended|acknowledged)\b/
const REX = /\brequest(ed)? (to|for) exit\b|\brex\b|\bexit request\w*\b|\begress\b|\bexit (push ?)?button\b|\bpush ?button exit\b/
const STRONG_DENY = /\bdenied\b|\bdeny\b|\breject\w*\b|\brefused\b|\bnot (permitted|granted|allowed|authori[sz]ed)\b|\bblocked\b|\bfail(ed|ure)?\b|\bno entry allowed\b/
const GRANT = /\bgrant(ed)?\b|\badmit(ted)?\b|\bpermitted\b|\baccess by\b|\bvalid (card|badge|credential|access|token|pin|read)\b|\b(card|badge|credential|token) valid\b|\baccess (ok|allowed|success\w*)\b|\ballowed\b/
const SOFT_DENY =
  /\binvalid\b|\bunknown (card|badge|credential|user|token|person|fob|tag)\b|\bexpired\b|\binactive\b|\blost\b|\bstolen\b|\banti ?pass ?back\b|\bapb\b|\bwrong pin\b|\bbad pin\b|\bpin (error|invalid|rejected|incorrect)\b|\bnot valid\b|\bunauthori[sz]ed\b|\bno (zone |access )?privilege\b|\bno access\b|\bnot (yet )?activ\w*\b|\bdisabled\b|\bsuspended\b|\bnot recogni[sz]ed\b|\bout of schedule\b/
const OPENED = /\bdoor (opened|open)\b|\bopened\b|\bentry detected\b/
const CLOSED = /\bdoor (closed|close|shut|secured?)\b|\bclosed\b/

const REASONS: [DenialReason, RegExp][] = [
  [
    'invalid-pin',
    /\b(invalid|wrong|bad|incorrect|rejected|failed) pin\b|\bpin (invalid|error|rejected|incorrect|wrong|bad|fail\w*|mismatch|denied|not valid|entered incorrectly)\b|\bpin code (error|invalid)\b/
  ],
  ['lost', /\blost\b|\bstolen\b/],
  ['expired', /\bexpir\w*\b/],
  ['inactive', /\binactive\b|\bdisabled\b|\bsuspended\b|\bdeactivated\b|\bnot (yet )?(active|activated)\b|\bnot yet valid\b|\brevoked\b|\bvoid\b|\bterminated\b/],
  ['antipassback', /\banti ?pass ?back\b|\bapb\b|\bpassback\b/],
  [
    'no-privilege',
    /\bprivilege\w*\b|\bclearance\b|\baccess (level|group|rule|right|schedule|permission)s?\b|\bschedule\b|\btime ?zone\b|\bnot authori[sz]ed\b|\bunauthori[sz]ed\b|\bno (access|permission)\b|\bnot allowed\b|\binsufficient\b|\bout of (schedule|hours|time)\b|\bafter hours\b|\bwrong (door|area|zone)\b|\bnot assigned\b/
  ],
  [
    'unknown-credential',
    /\bunknown\b|\bnot (found|recogni[sz]ed|enrolled|registered|in (the )?(database|system))\b|\bunassigned\b|\bunregistered\b|\binvalid (card|badge|credential|token|format|facility|site|issue|fob|tag)\w*\b|\bfacility code\b|\bcard format\b|\bno such\b|\b(card|badge|credential|token) (invalid|not valid)\b/
  ]
]

/** The normalised reason a denial text gives; 'other' when it names none we know. */
export function denialReason(text: string | undefined): DenialReason {
  if (!text) return 'other'
  const t = normText(text)
  for (const [reason, re] of REASONS) if (re.test(t)) return reason
  return 'other'
}

/**
 * Classifies an event. `reasonText` is a separate reason column when the vendor has one;
 * it refines a denial's reason and can turn an unlabelled event into a denial.
 */
export function classifyAccess(eventText: string, opts: { table?: VendorTable; reasonText?: string } = {}): Classified {
  const t = normText(eventText)
  const exact = opts.table?.[t]
  if (exact) {
    if (exact.action === 'denied' && (exact.reason === undefined || exact.reason === 'other') && opts.reasonText) {
      return { action: 'denied', reason: denialReason(opts.reasonText) }
    }
    return exact.action === 'denied' ? { action: 'denied', reason: exact.reason ?? 'other' } : exact
  }
  const action = classifyAction(t)
  if (action === 'denied') {
    const fromReason = denialReason(opts.reasonText)
    return { action, reason: fromReason !== 'other' ? fromReason : denialReason(eventText) }
  }
  if (action === 'other' && opts.reasonText && SOFT_DENY.test(normText(opts.reasonText))) {
    return { action: 'denied', reason: denialReason(opts.reasonText) }
  }
  return { action }
}

function classifyAction(t: string): AccessAction {
  for (const [action, re] of ALARMS) {
    if (re.test(t)) return RESTORE.test(t) ? 'other' : action
  }
  if (REX.test(t)) return 'request-to-exit'
  if (STRONG_DENY.test(t)) return 'denied'
  if (GRANT.test(t)) return 'granted'
  if (SOFT_DENY.test(t)) return 'denied'
  if (OPENED.test(t)) return 'door-opened'
  if (CLOSED.test(t)) return 'door-closed'
  return 'other'
}
