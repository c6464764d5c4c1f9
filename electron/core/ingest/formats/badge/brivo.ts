// Brivo Access activity export: the web UI's CSV (Date/Time, User, Event, Site,
// Door/Device) and the API's field names (occurred, siteName, objectName, firstName,
// lastName, description). Times are ISO 8601 UTC with milliseconds; a stamp without a
// zone is left to the source's zone rather than assumed UTC.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { parseStamp } from './stampText'
import { createTableImporter, firstPresent, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'

const TIME = ['Date/Time', 'occurred', 'Occurred']
const EVENT = ['Event', 'description', 'securityAction.action']
const DOOR = ['Door/Device', 'Door', 'Device', 'objectName']

const TABLE: VendorTable = {
  'valid credential': { action: 'granted' },
  'access by user': { action: 'granted' },
  'door ajar': { action: 'held-open' },
  'unknown credential': { action: 'denied', reason: 'unknown-credential' },
  'failed access by unknown person': { action: 'denied', reason: 'unknown-credential' },
  'failed access by user out of schedule': { action: 'denied', reason: 'no-privilege' }
}

const timeColumn = (h: HeaderView): string | undefined => firstPresent(h, ...TIME)

export const brivoProfile: TableProfile = {
  id: 'badge-brivo',
  name: 'Brivo',
  description: 'Brivo Access activity export (Date/Time, User, Event, Site, Door/Device, or API names occurred/siteName/objectName), ISO UTC',
  matchHeader(h) {
    if (!timeColumn(h) || !hasAny(h, ...EVENT)) return 0
    if (hasAny(h, 'Door/Device', 'objectName')) return 0.9
    return hasAny(h, 'User') && hasAny(h, 'Site', 'siteName') && hasAny(h, 'Date/Time') ? 0.75 : 0
  },
  bind(h) {
    const column = timeColumn(h)
    if (!column) return 'has no Date/Time or occurred column'
    return (row) => {
      const t = readTime(row, column, (s) => parseStamp(s, ['iso']))
      if ('bad' in t) return t
      const vendorEvent = row.get(...EVENT) ?? ''
      if (!vendorEvent) return { bad: 'no Event text' }
      return {
        ...t,
        ...classifyAccess(vendorEvent, { table: TABLE }),
        vendorEvent,
        cardholder: row.get('User', 'actor.name', 'actorName'),
        firstName: row.get('firstName'),
        lastName: row.get('lastName'),
        cardNumber: row.get('Credential', 'Card Number', 'credential.referenceId'),
        site: row.get('Site', 'siteName'),
        door: row.get(...DOOR)
      }
    }
  }
}

export const brivoImporter = createTableImporter(brivoProfile)
