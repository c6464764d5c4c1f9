// Lenel OnGuard (LenelS2) event history export. The time column says its convention in
// its name: EVENT_TIME_UTC (UTC), EVENT_LOCAL_TIME (panel-local, zone-less), or a zone
// abbreviation such as Event_Time_CST. Cardholder names come as FIRSTNAME / LASTNAME.
import { classifyAccess, type VendorTable } from './accessClassifier'
import { parseStamp, parseStampAsUtc, parseStampInAbbrev, type StampStyle } from './stampText'
import { createTableImporter, hasAny, readTime, type HeaderView, type TableProfile } from './tableImporter'
import type { EventTime } from '../../types'

const STYLES: StampStyle[] = ['iso', 'us']
const EVENT_COLUMNS = ['EVDESCR', 'EVTDESCR', 'EVENT_DESCRIPTION', 'EVENTDESCR']
const ZONE_COLUMN = /^event_?time_?([a-z]{2,5})$/i

/** OnGuard's own wording where the shared keyword rules would be too loose. */
const TABLE: VendorTable = {
  'access granted no entry made': { action: 'granted' },
  'access granted on facility code': { action: 'granted' },
  'invalid badge': { action: 'denied', reason: 'unknown-credential' },
  'invalid facility code': { action: 'denied', reason: 'unknown-credential' },
  'invalid pin number': { action: 'denied', reason: 'invalid-pin' },
  'access denied badge not active': { action: 'denied', reason: 'inactive' },
  'request to exit door used': { action: 'request-to-exit' },
  'request to exit door not used': { action: 'request-to-exit' }
}

interface TimeColumn {
  name: string
  convention: string
  parse: (text: string) => EventTime | null
}

function timeColumn(h: HeaderView): TimeColumn | null {
  const find = (pred: (n: string) => boolean): string | undefined => h.names.find(pred)
  const utc = find((n) => /^event_?time_?utc$/i.test(n))
  if (utc) return { name: utc, convention: 'UTC', parse: (t) => parseStampAsUtc(t, STYLES) }
  const zoned = find((n) => ZONE_COLUMN.test(n) && !/^(utc|local)$/i.test(ZONE_COLUMN.exec(n)![1]!))
  if (zoned) {
    const abbrev = ZONE_COLUMN.exec(zoned)![1]!.toUpperCase()
    return { name: zoned, convention: `the ${abbrev} zone named in the column`, parse: (t) => parseStampInAbbrev(t, STYLES, abbrev) }
  }
  const local = find((n) => /^event_?local_?time$|^event_?time_?local$/i.test(n))
  if (local) return { name: local, convention: "local time in the source's zone", parse: (t) => parseStamp(t, STYLES) }
  return null
}

export const lenelOnGuardProfile: TableProfile = {
  id: 'badge-lenel-onguard',
  name: 'Lenel OnGuard',
  description: 'Lenel OnGuard event history export (EVENT_TIME_UTC / EVENT_LOCAL_TIME / Event_Time_<zone>, EVDESCR, CARDNUM…), CSV or JSON lines',
  matchHeader(h) {
    if (!timeColumn(h) || !hasAny(h, ...EVENT_COLUMNS)) return 0
    return hasAny(h, 'CARDNUM', 'READERDESC', 'PANELNAME', 'BADGEKEY', 'EMPID') ? 0.95 : 0
  },
  bind(h, ctx) {
    const tc = timeColumn(h)
    if (!tc) return 'has no EVENT_TIME_UTC, EVENT_LOCAL_TIME or Event_Time_<zone> column'
    ctx.note(`Lenel OnGuard: time taken from ${tc.name} as ${tc.convention}`)
    return (row) => {
      const t = readTime(row, tc.name, tc.parse)
      if ('bad' in t) return t
      const vendorEvent = row.get(...EVENT_COLUMNS) ?? ''
      if (!vendorEvent) return { bad: 'no event description (EVDESCR)' }
      const c = classifyAccess(vendorEvent, { table: TABLE })
      return {
        ...t,
        ...c,
        vendorEvent,
        firstName: row.get('FIRSTNAME'),
        lastName: row.get('LASTNAME'),
        cardNumber: row.get('CARDNUM'),
        employeeId: row.get('EMPID', 'EMP_ID'),
        // OnGuard segments partition a system by site or region: the nearest thing to a site.
        // OnGuard segments partition a system by site or region: the nearest thing to a site.
        site: row.get('SEGMENTNAME'),
        reader: row.get('READERDESC'),
        panel: row.get('PANELNAME')
      }
    }
  }
}

export const lenelOnGuardImporter = createTableImporter(lenelOnGuardProfile)
