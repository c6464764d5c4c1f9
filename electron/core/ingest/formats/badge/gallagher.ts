// Gallagher Command Centre event export. Column names are not published; this reads the
// usual ones (Event Time, Event Type, Message, Reason, Cardholder, Card Number, Door /
// Source, Access Zone, Division). Times are ISO 8601 UTC (or with the server's offset).
// The event type says granted or denied and a separate reason names why
// ("Access Denied" + "No Zone Privilege").
import { classifyAccess, normText, type Classified, type VendorTable } from './accessClassifier'
import { parseStamp } from './stampText'
import { createTableImporter, firstPresent, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'

const TIME = ['Event Time', 'Time', 'Occurred', 'Date Time', 'Date/Time']
const TYPE = ['Event Type', 'Type', 'Event', 'Alarm/Event']

const TABLE: VendorTable = {
  'door access granted': { action: 'granted' },
  'access granted': { action: 'granted' },
  'no zone privilege': { action: 'denied', reason: 'no-privilege' },
  'card not activated': { action: 'denied', reason: 'inactive' },
  'card disabled': { action: 'denied', reason: 'inactive' },
  'card expired': { action: 'denied', reason: 'expired' },
  'card lost': { action: 'denied', reason: 'lost' },
  'card stolen': { action: 'denied', reason: 'lost' },
  'unknown card': { action: 'denied', reason: 'unknown-credential' },
  'invalid pin': { action: 'denied', reason: 'invalid-pin' },
  'door open too long': { action: 'held-open' },
  'door forced open': { action: 'forced-open' }
}

const timeColumn = (h: HeaderView): string | undefined => firstPresent(h, ...TIME)

export const gallagherProfile: TableProfile = {
  id: 'badge-gallagher',
  name: 'Gallagher Command Centre',
  description: 'Gallagher Command Centre event export CSV (Event Time, Event Type, Cardholder, Card Number, Door/Source, Access Zone, Division), ISO UTC',
  matchHeader(h) {
    if (!timeColumn(h) || !hasAny(h, ...TYPE)) return 0
    return hasAny(h, 'Division', 'Access Zone') && hasAny(h, 'Cardholder', 'Card Number') ? 0.85 : 0
  },
  bind(h) {
    const column = timeColumn(h)
    if (!column) return 'has no Event Time column'
    return (row) => {
      const t = readTime(row, column, (s) => parseStamp(s, ['iso']))
      if ('bad' in t) return t
      const type = row.get(...TYPE) ?? ''
      const reasonText = row.get('Reason', 'Event Reason')
      const message = row.get('Message', 'Details', 'Description')
      const cardholder = row.get('Cardholder')
      if (!type && !message) return { bad: 'no event type or message' }
      let c: Classified = classifyAccess(type, { table: TABLE, reasonText })
      if (c.action === 'other' && message) {
        // The message repeats the cardholder's name, which must not be read as event words.
        const plain = cardholder ? message.split(cardholder).join(' ') : message
        const fromMessage = classifyAccess(plain, { table: TABLE, reasonText })
        if (fromMessage.action !== 'other') c = fromMessage
      }
      if (c.action === 'denied' && reasonText && TABLE[normText(reasonText)]?.reason) c.reason = TABLE[normText(reasonText)]!.reason
      return {
        ...t,
        ...c,
        vendorEvent: type || message!,
        reasonText,
        message: message ? `${type ? `${type}: ` : ''}${message}` : undefined,
        cardholder,
        cardNumber: row.get('Card Number', 'Card'),
        site: row.get('Site'),
        door: row.get('Door', 'Source', 'Item'),
        extra: { accessZone: row.get('Access Zone'), division: row.get('Division') }
      }
    }
  }
}

export const gallagherImporter = createTableImporter(gallagherProfile)
