// Verkada Access door events (CSV export or the API's JSON, one object per line). The
// header alone is not distinctive, so detection also checks that sample rows carry
// Verkada's door_* event codes. Times are ISO 8601 or epoch (UTC).
import { classifyAccess, type VendorTable } from './accessClassifier'
import type { FieldBag } from './fieldBag'
import { epochToUs, parseStamp } from './stampText'
import { createTableImporter, firstPresent, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'

const TIME = ['timestamp', 'time', 'event_time', 'occurred_at', 'created']
const TYPE = ['event_type', 'type']
const DOOR = ['door_name', 'door', 'door_info.name', 'device_name']

const TABLE: VendorTable = {
  door_granted: { action: 'granted' },
  door_rejected: { action: 'denied' },
  door_forced_open: { action: 'forced-open' },
  door_held_open: { action: 'held-open' },
  door_tailgating: { action: 'tailgating' },
  door_tamper: { action: 'tamper' },
  door_offline: { action: 'offline' },
  door_opened: { action: 'door-opened' },
  door_closed: { action: 'door-closed' },
  door_request_to_exit: { action: 'request-to-exit' }
}
const CODES = new Set(Object.keys(TABLE))
// TABLE keys pass through normText, which turns "door_granted" into "door granted".
const NORM_TABLE: VendorTable = Object.fromEntries(Object.entries(TABLE).map(([k, v]) => [k.replace(/_/g, ' '), v]))

const timeColumn = (h: HeaderView): string | undefined => firstPresent(h, ...TIME)

export const verkadaAccessProfile: TableProfile = {
  id: 'badge-verkada-access',
  name: 'Verkada Access',
  description: 'Verkada Access door events (event_type door_granted, door_rejected, door_forced_open…), CSV or JSON lines',
  matchHeader(h) {
    return timeColumn(h) && hasAny(h, ...TYPE) && hasAny(h, ...DOOR) ? 0.5 : 0
  },
  confirm(_h, rows: FieldBag[], headerScore) {
    const codes = rows.map((r) => r.get(...TYPE)?.toLowerCase()).filter((c): c is string => c !== undefined)
    if (codes.length === 0) return headerScore
    const known = codes.filter((c) => CODES.has(c)).length
    const doorLike = codes.filter((c) => c.startsWith('door_')).length
    return known > 0 && doorLike === codes.length ? 0.92 : 0.1
  },
  bind(h, ctx) {
    const column = timeColumn(h)
    if (!column) return 'has no timestamp column'
    return (row) => {
      const t = readTime(row, column, (s) => parseStamp(s, ['iso', 'epoch']))
      if ('bad' in t) return t
      const epoch = epochToUs(t.rawTime)
      if (epoch) ctx.note(`Verkada Access: ${column} read as epoch ${epoch.unit} (UTC)`)
      const code = row.get(...TYPE) ?? ''
      if (!code) return { bad: 'no event_type' }
      const reasonText = row.get('reason', 'rejection_reason', 'event_info.reason')
      return {
        ...t,
        ...classifyAccess(code, { table: NORM_TABLE, reasonText }),
        vendorEvent: code,
        reasonText,
        cardholder: row.get('user_name', 'user', 'user_info.name', 'name'),
        cardNumber: row.get('card_number', 'credential', 'card', 'user_info.card_number'),
        employeeId: row.get('employee_id', 'user_info.employee_id'),
        site: row.get('site_name', 'site', 'site.name', 'door_info.site.name'),
        door: row.get(...DOOR)
      }
    }
  }
}

export const verkadaAccessImporter = createTableImporter(verkadaAccessProfile)
