// Paxton Net2 event report. EventTime is `dd-MM-yyyy HH:mm:ss` (day first: a UK product)
// in the Net2 server's local time with no zone. EventTypeDescription carries the event,
// EventSubTypeDescription the detail of a denial when present.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { parseStamp } from './stampText'
import { createTableImporter, hasAny, readTime, type TableProfile } from './tableImporter'

const TABLE: VendorTable = {
  'access permitted': { action: 'granted' },
  'access denied': { action: 'denied' },
  'door forced open': { action: 'forced-open' },
  'door left open': { action: 'held-open' },
  'door open too long': { action: 'held-open' },
  'exit button pressed': { action: 'request-to-exit' },
  'door opened': { action: 'door-opened' },
  'door closed': { action: 'door-closed' },
  'token not recognised': { action: 'denied', reason: 'unknown-credential' },
  'invalid token': { action: 'denied', reason: 'unknown-credential' },
  'pin rejected': { action: 'denied', reason: 'invalid-pin' },
  'acu offline': { action: 'offline' },
  'tamper alarm': { action: 'tamper' }
}

export const paxtonNet2Profile: TableProfile = {
  id: 'badge-paxton-net2',
  name: 'Paxton Net2',
  description: 'Paxton Net2 event report (EventTime dd-MM-yyyy HH:mm:ss local, EventTypeDescription, UserName, CardNo, DeviceName)',
  matchHeader(h) {
    return hasAny(h, 'EventTime') && hasAny(h, 'EventTypeDescription') ? 0.95 : 0
  },
  bind(_h, ctx) {
    ctx.note("Paxton Net2: EventTime read as day-month-year local time in the source's zone")
    return (row) => {
      const t = readTime(row, 'EventTime', (s) => parseStamp(s, ['dmy', 'iso']))
      if ('bad' in t) return t
      const vendorEvent = row.get('EventTypeDescription') ?? ''
      if (!vendorEvent) return { bad: 'no EventTypeDescription' }
      const reasonText = row.get('EventSubTypeDescription', 'EventDetails')
      return {
        ...t,
        ...classifyAccess(vendorEvent, { table: TABLE, reasonText }),
        vendorEvent,
        reasonText,
        cardholder: row.get('UserName', 'User'),
        firstName: row.get('FirstName'),
        lastName: row.get('Surname', 'LastName'),
        cardNumber: row.get('CardNo', 'TokenNumber', 'Token'),
        employeeId: row.get('UserID', 'PayrollNo'),
        site: row.get('Site', 'SiteName'),
        door: row.get('DeviceName', 'Where', 'DoorName'),
        panel: row.get('Address')
      }
    }
  }
}

export const paxtonNet2Importer = createTableImporter(paxtonNet2Profile)
