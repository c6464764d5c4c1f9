// UniFi Access door logs (door_name, actor, event_type, event_time, result), CSV or JSON
// lines. These column names are unconfirmed. event_time is epoch (UTC); its unit is told
// apart by magnitude and noted. The result column (ACCESS / BLOCKED) decides granted or
// denied; door alarms are read from event_type.
import type { AccessAction } from '@shared/event'
import { classifyAccess, denialReason, type Classified } from './accessClassifier'
import { epochToUs, parseStamp } from './stampText'
import { createTableImporter, hasAny, readTime, type TableProfile } from './tableImporter'

const GRANTED = /^(access|granted|allowed|allow|success|succeeded|unlocked|pass)$/i
const DENIED = /^(blocked|denied|deny|rejected|failed|failure|fail)$/i
const DOOR_ACTIONS = new Set<AccessAction>(['forced-open', 'held-open', 'tamper', 'offline', 'tailgating', 'request-to-exit', 'door-opened', 'door-closed'])

export const unifiAccessProfile: TableProfile = {
  id: 'badge-unifi-access',
  name: 'UniFi Access',
  description: 'UniFi Access door logs (door_name, actor, event_type, event_time epoch, result), CSV or JSON lines',
  matchHeader(h) {
    return hasAny(h, 'door_name') && hasAny(h, 'actor') && hasAny(h, 'event_type') && hasAny(h, 'event_time') ? 0.9 : 0
  },
  bind(_h, ctx) {
    return (row) => {
      const t = readTime(row, 'event_time', (s) => parseStamp(s, ['epoch', 'iso']))
      if ('bad' in t) return t
      const epoch = epochToUs(t.rawTime)
      if (epoch) ctx.note(`UniFi Access: event_time read as epoch ${epoch.unit} (UTC)`)
      const type = row.get('event_type') ?? ''
      const result = row.get('result') ?? ''
      if (!type && !result) return { bad: 'neither event_type nor result' }
      const reasonText = row.get('reason', 'result_reason', 'message')
      const fromType = classifyAccess(type)
      let c: Classified
      if (DOOR_ACTIONS.has(fromType.action)) c = fromType
      else if (GRANTED.test(result)) c = { action: 'granted' }
      else if (DENIED.test(result)) c = { action: 'denied', reason: denialReason(reasonText) }
      else c = classifyAccess(`${type} ${result}`, { reasonText })
      return {
        ...t,
        ...c,
        vendorEvent: result ? `${type} (${result})` : type,
        reasonText,
        cardholder: row.get('actor', 'actor.display_name'),
        cardNumber: row.get('credential', 'card_number', 'nfc_id'),
        employeeId: row.get('actor_id', 'employee_id'),
        site: row.get('site', 'site_name'),
        door: row.get('door_name')
      }
    }
  }
}

export const unifiAccessImporter = createTableImporter(unifiAccessProfile)
