// Software House C•CURE 9000 journal messages, shared by the XML journal export and the
// CSV report / JSON feed. MessageLocalDateTime is zone-less local time
// (`MM/dd/yyyy hh:mm:ss AM/PM`); MessageUTC (JSON feed `messageutc`) is UTC and wins
// when both exist. The card number is only inside MessageText ("(Card: 1234)").
import type { AccessAction } from '@shared/event'
import { classifyAccess, denialReason, type VendorTable } from './accessClassifier'
import type { AccessRecord } from './accessEvent'
import { normKey, type FieldBag } from './fieldBag'
import { parseStamp, parseStampAsUtc, type StampStyle } from './stampText'
import { createTableImporter, firstPresent, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'
import type { EventTime } from '../../types'

const STYLES: StampStyle[] = ['us', 'iso']
export const CCURE_UTC_COLUMNS = ['MessageUTC', 'MessageUTCDateTime', 'MessageDateTimeUTC']
export const CCURE_LOCAL_COLUMNS = ['MessageLocalDateTime']
const TYPE_COLUMNS = ['JournalLogMessageType', 'MessageType']

/** Journal message types, as C•CURE names them (CamelCase or spaced). */
const TABLE: VendorTable = {
  'card admitted': { action: 'granted' },
  'admitted': { action: 'granted' },
  'card rejected': { action: 'denied' },
  'rejected': { action: 'denied' },
  'door forced open': { action: 'forced-open' },
  'door held open': { action: 'held-open' },
  'request to exit': { action: 'request-to-exit' },
  'admit rex': { action: 'request-to-exit' }
}

/** Reasons C•CURE prints after a rejection, mapped where the keyword rules would miss. */
const REJECT_REASONS: Record<string, AccessRecord['reason']> = {
  clearance: 'no-privilege',
  'not in clearance': 'no-privilege',
  disabled: 'inactive',
  'not yet active': 'inactive',
  expired: 'expired',
  lost: 'lost',
  stolen: 'lost',
  'invalid pin': 'invalid-pin',
  'unknown card': 'unknown-credential',
  'invalid card format': 'unknown-credential',
  antipassback: 'antipassback',
  'anti passback': 'antipassback'
}

export interface CcureTime {
  column: string
  convention: string
  parse: (text: string) => EventTime | null
}

export function ccureTimeColumn(names: string[]): CcureTime | null {
  const h: HeaderView = { kind: 'csv', names, keys: new Set(names.map(normKey)) }
  const utc = firstPresent(h, ...CCURE_UTC_COLUMNS)
  if (utc) return { column: utc, convention: 'UTC', parse: (t) => parseStampAsUtc(t, STYLES) }
  const local = firstPresent(h, ...CCURE_LOCAL_COLUMNS)
  if (local) return { column: local, convention: "local time in the source's zone", parse: (t) => parseStamp(t, STYLES) }
  return null
}

const DOOR_ACTIONS = new Set<AccessAction>(['forced-open', 'held-open', 'tamper', 'offline', 'door-opened', 'door-closed'])

/** One journal message (any of the three shapes) → AccessRecord, or why not. */
export function ccureRecord(row: FieldBag, tc: CcureTime): AccessRecord | { bad: string } {
  const t = readTime(row, tc.column, tc.parse)
  if ('bad' in t) return t
  const text = row.get('MessageText') ?? ''
  const type = row.get(...TYPE_COLUMNS) ?? ''
  const state = row.get('StateCode') ?? ''
  if (!text && !type && !state) return { bad: 'journal message has neither MessageText nor a message type' }
  const primary = row.get('PrimaryObjectName', 'ObjectName1')
  const secondary = row.get('SecondaryObjectName', 'ObjectName2')
  const card = /\(Card:\s*([^)]+?)\s*\)/i.exec(text)?.[1] ?? row.get('Card', 'CardNumber')
  const reasonText = /\breason:\s*([^.\]\n]+)/i.exec(text)?.[1]?.trim()

  // Names and door names are quoted in MessageText and must not be read as event words
  // (a cardholder called "Lost" is not a lost card).
  let plain = text.replace(/'[^']*'|"[^"]*"|\(Card:[^)]*\)/gi, ' ')
  for (const name of [primary, secondary]) if (name) plain = plain.split(name).join(' ')
  const c = classifyAccess(`${type} ${state} ${plain}`.trim(), { table: TABLE })
  if (c.action === 'denied' && reasonText) c.reason = REJECT_REASONS[reasonText.toLowerCase()] ?? denialReason(reasonText)

  const primaryType = row.get('PrimaryObjectType', 'PrimaryObjectClass') ?? ''
  const primaryIsDoor = /door/i.test(primaryType) || (!secondary && DOOR_ACTIONS.has(c.action))
  return {
    ...t,
    ...c,
    vendorEvent: type || state || text,
    reasonText,
    cardholder: primaryIsDoor ? undefined : primary,
    cardNumber: card,
    door: primaryIsDoor ? primary : secondary,
    message: text || undefined
  }
}

export const ccure9000CsvProfile: TableProfile = {
  id: 'badge-ccure-9000-csv',
  name: 'C•CURE 9000 (CSV / JSON)',
  description: 'Software House C•CURE 9000 journal report as CSV, or its JSON feed as JSON lines (MessageLocalDateTime / messageutc, MessageText, PrimaryObjectName…)',
  matchHeader(h) {
    if (!ccureTimeColumn(h.names)) return 0
    if (hasAny(h, 'MessageText') && hasAny(h, 'PrimaryObjectName', 'SecondaryObjectName', ...TYPE_COLUMNS)) return 0.95
    // The JSON feed carries no MessageText but a state code and object names.
    return hasAny(h, 'StateCode') && hasAny(h, 'PrimaryObjectName', 'ObjectName1') ? 0.9 : 0
  },
  bind(h, ctx) {
    const tc = ccureTimeColumn(h.names)
    if (!tc) return 'has no MessageLocalDateTime or MessageUTC column'
    ctx.note(`C•CURE 9000: time taken from ${tc.column} as ${tc.convention}`)
    return (row) => ccureRecord(row, tc)
  }
}

export const ccure9000CsvImporter = createTableImporter(ccure9000CsvProfile)
