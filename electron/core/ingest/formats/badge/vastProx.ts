// VAST Challenge 2016 (MC2) proximity-card readings: `timestamp, type, prox-id, floor,
// zone`, comma + space separated, minute-resolution local time with no zone. A reading
// says a card was seen in a zone, not that a door decided anything: action "other".
import { parseStamp } from './stampText'
import { createTableImporter, readTime, type TableProfile } from './tableImporter'
import { normKey } from './fieldBag'

const COLUMNS = ['timestamp', 'type', 'proxid', 'floor', 'zone']

export const vastProxProfile: TableProfile = {
  id: 'badge-vast-prox',
  name: 'VAST 2016 proximity readings',
  description: 'VAST Challenge 2016 MC2 proximity sensor readings (timestamp, type, prox-id, floor, zone), local time',
  matchHeader(h) {
    return h.names.length === COLUMNS.length && h.names.every((n, i) => normKey(n) === COLUMNS[i]) ? 0.95 : 0
  },
  bind(_h, ctx) {
    ctx.note("VAST proximity readings: timestamps have no zone: read in the source's zone")
    return (row) => {
      const t = readTime(row, 'timestamp', (s) => parseStamp(s, ['iso']))
      if ('bad' in t) return t
      const readingType = row.get('type') ?? ''
      const proxId = row.get('prox-id')
      if (!proxId) return { bad: 'no prox-id' }
      const floor = row.get('floor') ?? ''
      const zone = row.get('zone') ?? ''
      const location = `floor ${floor} / zone ${zone}`
      return {
        ...t,
        action: 'other',
        vendorEvent: readingType,
        cardNumber: proxId,
        location,
        message: `${readingType || 'prox'} reading: ${proxId} at ${location}`,
        extra: { readingType, floor, zone }
      }
    }
  }
}

export const vastProxImporter = createTableImporter(vastProxProfile)
