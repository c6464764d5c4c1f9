// AMAG Symmetry transaction history (the multiMAX transaction table or a report of it):
// datetimeoftxn, txnconditionname ("Card Valid", "Wrong PIN [n]"…), cardnumber,
// firstname, lastname, wherename (the reader/door). datetimeoftxn is documented as UTC
// but database exports print it without a zone: such stamps are left to the source's zone.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { parseStamp } from './stampText'
import { createTableImporter, hasAny, readTime, type TableProfile } from './tableImporter'

const TABLE: VendorTable = {
  'card valid': { action: 'granted' },
  'card valid no entry': { action: 'granted' },
  'card invalid': { action: 'denied', reason: 'unknown-credential' },
  'card expired': { action: 'denied', reason: 'expired' },
  'card lost stolen': { action: 'denied', reason: 'lost' },
  'card suspended': { action: 'denied', reason: 'inactive' },
  'unknown card': { action: 'denied', reason: 'unknown-credential' },
  'invalid access time': { action: 'denied', reason: 'no-privilege' },
  'invalid reader': { action: 'denied', reason: 'no-privilege' },
  'door forced': { action: 'forced-open' },
  'door open too long': { action: 'held-open' },
  'request to exit': { action: 'request-to-exit' }
}

export const amagSymmetryProfile: TableProfile = {
  id: 'badge-amag-symmetry',
  name: 'AMAG Symmetry',
  description: 'AMAG Symmetry transaction export (datetimeoftxn, txnconditionname, cardnumber, firstname, lastname, wherename)',
  matchHeader(h) {
    return hasAny(h, 'datetimeoftxn') && hasAny(h, 'txnconditionname') ? 0.95 : 0
  },
  bind(_h, ctx) {
    return (row) => {
      const t = readTime(row, 'datetimeoftxn', (s) => parseStamp(s, ['iso', 'us']))
      if ('bad' in t) return t
      if (t.time.kind === 'local') ctx.note("AMAG Symmetry: datetimeoftxn has no zone: read in the source's zone (set UTC if the export is UTC)")
      const vendorEvent = row.get('txnconditionname') ?? ''
      if (!vendorEvent) return { bad: 'no txnconditionname' }
      // "Wrong PIN [10191919]": the bracket holds the card, not event words.
      const condition = vendorEvent.replace(/\[[^\]]*\]/g, ' ')
      return {
        ...t,
        ...classifyAccess(condition, { table: TABLE }),
        vendorEvent,
        cardholder: row.get('fullname'),
        firstName: row.get('firstname'),
        lastName: row.get('lastname'),
        cardNumber: row.get('cardnumber', 'cardid'),
        employeeId: row.get('employeenumber', 'personaldata1'),
        site: row.get('sitename'),
        door: row.get('wherename'),
        panel: row.get('nodename', 'controllername')
      }
    }
  }
}

export const amagSymmetryImporter = createTableImporter(amagSymmetryProfile)
