// Honeywell Pro-Watch event log (EV_LOG table or its report): evnt_dat, evnt_descrp
// ("Local Grant", "Invalid Card Schedule"…), logdevdescrp (the logical device, i.e. the
// door), cardno, lname, fname. evnt_dat is ISO; zone-less stamps are left to the source's zone.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { parseStamp } from './stampText'
import { createTableImporter, hasAny, readTime, type TableProfile } from './tableImporter'

const TABLE: VendorTable = {
  'local grant': { action: 'granted' },
  'local grant in': { action: 'granted' },
  'local grant out': { action: 'granted' },
  'host grant': { action: 'granted' },
  'invalid card': { action: 'denied', reason: 'unknown-credential' },
  'invalid card schedule': { action: 'denied', reason: 'no-privilege' },
  'invalid card location': { action: 'denied', reason: 'no-privilege' },
  'invalid pin': { action: 'denied', reason: 'invalid-pin' },
  'card expired': { action: 'denied', reason: 'expired' },
  'badge lost': { action: 'denied', reason: 'lost' },
  'door forced open': { action: 'forced-open' },
  'door held open': { action: 'held-open' },
  'request to exit': { action: 'request-to-exit' },
  'exit request': { action: 'request-to-exit' }
}

export const honeywellProWatchProfile: TableProfile = {
  id: 'badge-honeywell-prowatch',
  name: 'Honeywell Pro-Watch',
  description: 'Honeywell Pro-Watch event log export (evnt_dat, evnt_descrp, logdevdescrp, cardno, lname, fname)',
  matchHeader(h) {
    return hasAny(h, 'evnt_dat') && hasAny(h, 'evnt_descrp') ? 0.95 : 0
  },
  bind(_h, ctx) {
    return (row) => {
      const t = readTime(row, 'evnt_dat', (s) => parseStamp(s, ['iso', 'us']))
      if ('bad' in t) return t
      if (t.time.kind === 'local') ctx.note("Honeywell Pro-Watch: evnt_dat has no zone: read in the source's zone")
      const vendorEvent = row.get('evnt_descrp') ?? ''
      if (!vendorEvent) return { bad: 'no evnt_descrp' }
      const door = row.get('logdevdescrp', 'logdevadescrp')
      return {
        ...t,
        ...classifyAccess(vendorEvent, { table: TABLE }),
        vendorEvent,
        firstName: row.get('fname'),
        lastName: row.get('lname'),
        cardNumber: row.get('cardno', 'badgeno'),
        employeeId: row.get('badge_employeeid', 'employeeid'),
        // Without a logical-device name, LOCATION is the nearest name for the door.
        site: door ? row.get('location') : undefined,
        door: door ?? row.get('location'),
        panel: row.get('panel_descrp')
      }
    }
  }
}

export const honeywellProWatchImporter = createTableImporter(honeywellProWatchProfile)
