// Windows DHCP Server audit log (DhcpSrvLog-<Day>.log; DhcpV6SrvLog-<Day>.log for v6):
// an optional descriptive header block (event ID table, QResult legend), then
// `ID,Date,Time,Description,IP Address,Host Name,MAC Address,User Name, TransactionID,
// QResult,Probationtime, CorrelationID,Dhcid,VendorClass(Hex),…` and one CSV line per
// event. Older servers write only the first seven columns.
//
// Time: `MM/DD/YY,HH:MM:SS` in the DHCP server's local time, no zone (→ local). Two-digit
// years are read 00–69 → 20xx, 70–99 → 19xx (noted). Test and placeholder lines use
// dates like 01/01/01 (2001-01-01): imported as written, marked suspectDate and noted,
// since dropping or "fixing" them would alter evidence.
import type { EventTime, Importer, LineParser, LineOutput, ParserContext, SniffInput } from '../../types'
import { bad, ok, skip } from '../../types'

const DATA_LINE = /^(\d{2,5}),(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4}),(\d{1,2}):(\d{2}):(\d{2}),/
const HEADER = /^ID,Date,Time,Description,IP Address/i
const BANNER = /Microsoft DHCP Service Activity Log/i

const DEFAULT_COLUMNS = [
  'ID',
  'Date',
  'Time',
  'Description',
  'IP Address',
  'Host Name',
  'MAC Address',
  'User Name',
  'TransactionID',
  'QResult',
  'Probationtime',
  'CorrelationID',
  'Dhcid',
  'VendorClass(Hex)',
  'VendorClass(ASCII)',
  'UserClass(Hex)',
  'UserClass(ASCII)',
  'RelayAgentInformation',
  'DnsRegError'
]

type Outcome = 'success' | 'failure' | 'unknown'
/** Event IDs from the header Microsoft writes into every audit log. */
const IDS: Record<number, [string, Outcome]> = {
  0: ['log-started', 'success'],
  1: ['log-stopped', 'success'],
  2: ['log-paused-low-disk', 'failure'],
  10: ['lease-assigned', 'success'],
  11: ['lease-renewed', 'success'],
  12: ['lease-released', 'success'],
  13: ['address-conflict', 'failure'],
  14: ['pool-exhausted', 'failure'],
  15: ['lease-denied', 'failure'],
  16: ['lease-deleted', 'success'],
  17: ['lease-expired', 'unknown'],
  18: ['lease-expired-dns-deleted', 'success'],
  20: ['bootp-assigned', 'success'],
  21: ['dynamic-bootp-assigned', 'success'],
  22: ['bootp-pool-exhausted', 'failure'],
  23: ['bootp-deleted', 'success'],
  24: ['cleanup-started', 'unknown'],
  25: ['cleanup-statistics', 'unknown'],
  30: ['dns-update-request', 'unknown'],
  31: ['dns-update-failed', 'failure'],
  32: ['dns-update-succeeded', 'success'],
  33: ['packet-dropped-nap', 'failure'],
  34: ['dns-update-queue-full', 'failure'],
  35: ['dns-update-request-failed', 'failure'],
  36: ['packet-dropped-failover', 'failure'],
  50: ['rogue-domain-unreachable', 'failure'],
  51: ['authorization-succeeded', 'success'],
  52: ['upgraded', 'unknown'],
  53: ['authorization-cached', 'success'],
  54: ['authorization-failed', 'failure'],
  55: ['authorized-servicing', 'success'],
  56: ['not-authorized-stopped', 'failure'],
  57: ['rogue-server-in-domain', 'unknown'],
  58: ['rogue-domain-not-found', 'failure'],
  59: ['rogue-network-failure', 'failure'],
  60: ['rogue-no-ds-dc', 'unknown'],
  61: ['rogue-server-in-ds-domain', 'unknown'],
  62: ['rogue-other-server-found', 'unknown'],
  63: ['rogue-detection-restarted', 'unknown'],
  64: ['rogue-no-dhcp-interfaces', 'unknown'],
  11000: ['v6-solicit', 'unknown'],
  11001: ['v6-advertise', 'success'],
  11002: ['v6-request', 'unknown'],
  11003: ['v6-confirm', 'unknown'],
  11004: ['v6-renew', 'success'],
  11005: ['v6-rebind', 'success'],
  11006: ['v6-decline', 'failure'],
  11007: ['v6-release', 'success'],
  11008: ['v6-information-request', 'unknown'],
  11009: ['v6-scope-full', 'failure'],
  11010: ['v6-started', 'success'],
  11011: ['v6-stopped', 'success'],
  11012: ['v6-log-paused', 'failure'],
  11014: ['v6-bad-address', 'failure'],
  11015: ['v6-address-in-use', 'failure'],
  11016: ['v6-client-deleted', 'success'],
  11017: ['v6-dns-record-not-deleted', 'unknown'],
  11018: ['v6-expired', 'unknown'],
  11019: ['v6-expired-and-deleted', 'success'],
  11020: ['v6-cleanup-started', 'unknown'],
  11021: ['v6-cleanup-ended', 'unknown']
}

const QRESULT: Record<string, string> = { '0': 'NoQuarantine', '1': 'Quarantine', '2': 'Drop Packet', '3': 'Probation', '6': 'No Quarantine Information' }

/** Two-digit years: 00–69 → 2000s, 70–99 → 1900s. */
export function expandYear(text: string): number {
  const y = Number(text)
  if (text.length === 4) return y
  return y < 70 ? 2000 + y : 1900 + y
}

/** A 12-hex-digit MAC as aa:bb:cc:dd:ee:ff; anything else as written. */
function normaliseMac(raw: string): string {
  const hex = raw.replace(/[-:.]/g, '')
  return /^[0-9a-f]{12}$/i.test(hex) ? hex.toLowerCase().match(/../g)!.join(':') : raw
}

function createParser(ctx: ParserContext): LineParser {
  let columns = DEFAULT_COLUMNS
  let inData = false
  ctx.note('DHCP audit log times are the DHCP server\'s local time with no zone: converted with the source\'s time zone')
  ctx.note('DHCP two-digit years read as 2000–2069 for 00–69 and 1970–1999 for 70–99')
  return {
    line(text: string): LineOutput {
      const line = text.replace(/^\uFEFF/, '')
      if (HEADER.test(line)) {
        columns = line.replace(/\.\s*$/, '').split(',').map((c) => c.trim())
        inData = true
        return skip()
      }
      const m = DATA_LINE.exec(line)
      if (!m) {
        // The banner and ID legend before the column line are not events.
        if (!inData) return skip()
        return bad('not a DHCP audit line (ID,MM/DD/YY,HH:MM:SS,…)')
      }
      inData = true
      const values = line.split(',')
      const get = (name: string): string => {
        const i = columns.findIndex((c) => c.toLowerCase() === name.toLowerCase())
        return i === -1 ? '' : (values[i] ?? '').trim()
      }
      const id = Number(m[1])
      const year = expandYear(m[4]!)
      const suspectDate = year < 2000 || (m[2] === '01' && m[3] === '01' && m[4] === '01')
      if (suspectDate) ctx.note('DHCP lines dated 01/01/01 (or before 2000) carry a placeholder-looking date: imported as written (01/01/01 = 2001-01-01) and marked suspectDate')
      const time: EventTime = {
        kind: 'local',
        year,
        month: Number(m[2]),
        day: Number(m[3]),
        hour: Number(m[5]),
        minute: Number(m[6]),
        second: Number(m[7]),
        micros: 0
      }
      const [action, outcome] = IDS[id] ?? [`dhcp-${m[1]}`, 'unknown']
      const description = get('Description')
      const ip = get('IP Address')
      const hostName = get('Host Name')
      const mac = get('MAC Address')
      const fields: Record<string, unknown> = { dhcpEventId: m[1], description }
      if (suspectDate) fields.suspectDate = true
      if (mac) fields.mac = normaliseMac(mac)
      if (mac && fields.mac !== mac) fields.macRaw = mac
      columns.forEach((c, i) => {
        if (i < 7) return
        const v = (values[i] ?? '').trim()
        if (v !== '') fields[c.replace(/[()\s]/g, '')] = v
      })
      for (let i = columns.length; i < values.length; i++) {
        const v = values[i]!.trim()
        if (v !== '') fields[`column${i + 1}`] = v
      }
      const q = get('QResult')
      if (q && QRESULT[q]) fields.QResultText = QRESULT[q]
      const who = [ip, hostName, mac ? fields.mac : ''].filter(Boolean).join(' ')
      return ok({
        time,
        rawTime: `${m[2]}/${m[3]}/${m[4]},${m[5]}:${m[6]}:${m[7]}`,
        category: 'network',
        action,
        outcome,
        host: hostName || null,
        srcIp: ip || null,
        actor: get('User Name') || null,
        message: who ? `DHCP ${description} — ${who}` : `DHCP ${description}`,
        fields
      })
    }
  }
}

export const dhcpImporter: Importer = {
  id: 'windows-dhcp',
  name: 'Windows DHCP Server audit log',
  description: 'DhcpSrvLog-*.log / DhcpV6SrvLog-*.log audit logs (ID,Date,Time,Description,IP,Host,MAC…). Times are server-local.',
  sniff(input: SniffInput): number {
    const lines = input.lines.filter((l) => l.trim() !== '')
    if (lines.some((l) => HEADER.test(l.replace(/^\uFEFF/, ''))) || BANNER.test(input.text.slice(0, 2000))) return 0.95
    const sample = lines.slice(0, 200)
    if (sample.length === 0) return 0
    const hits = sample.filter((l) => DATA_LINE.test(l)).length
    return hits / sample.length >= 0.6 ? 0.85 : 0
  },
  createLineParser: createParser
}
