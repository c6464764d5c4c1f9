// Genetec Security Center (Synergis) door / cardholder / credential activity report,
// exported as CSV. Column names are not published: this reads the report's usual
// headers (Event timestamp, Event, Cardholder, Credential, Door, Access point, Site).
// The report prints time in UTC when its header says "(UTC)", otherwise in the client's
// local time: the decision is noted for the import report.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { normKey } from './fieldBag'
import { parseStamp, parseStampAsUtc, type StampStyle } from './stampText'
import { createTableImporter, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'

const STYLES: StampStyle[] = ['iso', 'us']

const TABLE: VendorTable = {
  'access granted': { action: 'granted' },
  'access denied': { action: 'denied' },
  'door forced open': { action: 'forced-open' },
  'door held open': { action: 'held-open' },
  'request to exit': { action: 'request-to-exit' },
  'door opened': { action: 'door-opened' },
  'door closed': { action: 'door-closed' },
  'entry detected': { action: 'door-opened' },
  'entry assumed': { action: 'other' }
}

const timeColumn = (h: HeaderView): string | undefined => h.names.find((n) => normKey(n).startsWith('eventtimestamp'))

export const genetecSynergisProfile: TableProfile = {
  id: 'badge-genetec-synergis',
  name: 'Genetec Synergis',
  description: 'Genetec Security Center / Synergis access activity report CSV (Event timestamp [(UTC)], Event, Cardholder, Credential, Door, Access point, Site)',
  matchHeader(h) {
    if (!timeColumn(h) || !hasAny(h, 'Event')) return 0
    return hasAny(h, 'Cardholder', 'Credential', 'Door', 'Access point') ? 0.9 : 0
  },
  bind(h, ctx) {
    const column = timeColumn(h)
    if (!column) return 'has no "Event timestamp" column'
    const utc = /\(\s*utc\s*\)/i.test(column)
    ctx.note(
      utc
        ? `Genetec Synergis: "${column}" says (UTC): stamps read as UTC`
        : `Genetec Synergis: "${column}" does not say (UTC): stamps read as local time in the source's zone`
    )
    const parse = utc ? (t: string) => parseStampAsUtc(t, STYLES) : (t: string) => parseStamp(t, STYLES)
    return (row) => {
      const t = readTime(row, column, parse)
      if ('bad' in t) return t
      if (t.rawTime.includes('/')) ctx.note('Genetec Synergis: slash dates read as month/day/year')
      const vendorEvent = row.get('Event') ?? ''
      if (!vendorEvent) return { bad: 'no Event text' }
      const reasonText = row.get('Reason', 'Denial reason')
      const credential = row.get('Credential', 'Card number')
      return {
        ...t,
        ...classifyAccess(vendorEvent, { table: TABLE, reasonText }),
        vendorEvent,
        reasonText,
        cardholder: row.get('Cardholder'),
        cardNumber: credential,
        site: row.get('Site'),
        door: row.get('Door'),
        reader: row.get('Access point')
      }
    }
  }
}

export const genetecSynergisImporter = createTableImporter(genetecSynergisProfile)
