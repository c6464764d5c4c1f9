// Palo Alto Networks PAN-OS syslog CSV (TRAFFIC, THREAT, SYSTEM, CONFIG and the other log
// types), with or without a syslog header in front. Field positions follow the PAN-OS
// "Syslog Field Descriptions"; positions 0–6 are shared by every type and 7–30 by TRAFFIC
// and THREAT. Time quirk: Receive Time and Generated Time are `YYYY/MM/DD HH:MM:SS` in the
// firewall's local zone with no offset (→ local, year known). PAN-OS 10+ appends a
// high-resolution timestamp with ms and offset (`2023-07-06T08:11:40.288+02:00`), which fixes
// the instant and is preferred; its position moves between versions, so it is found by
// shape among the late fields. Which one was used is noted.
import type { EventCategory, Outcome } from '@shared/event'
import type { EventTime, Importer, LineOutput, ParsedEvent, ParserContext } from '../../types'
import { bad, ok } from '../../types'
import { parseSyslogHeader } from './header'
import { headerFields, syslogEvent } from './rfc3164'
import { embeddedScore, headLines } from './sniffing'
import { digitsAt, impossibleTime, isoStampAt, localTime } from './stamps'
import { asIp, endpoint, port, splitCsv } from './text'

const TYPES = 'TRAFFIC|THREAT|SYSTEM|CONFIG|GLOBALPROTECT|USERID|HIPMATCH|HIP-MATCH|AUTH|DECRYPTION|CORRELATION|TUNNEL|GTP|SCTP|IPTAG|URL|DATA|WILDFIRE'
/** FUTURE_USE, Receive Time, Serial, Type: where the CSV begins in a line. */
const CSV_START = new RegExp(`(?:^|[\\s>])([^,\\s]*,\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2},[^,\\s]*,(?:${TYPES}),)`)

const COMMON = ['futureUse', 'receiveTime', 'serial', 'type', 'subtype', 'futureUse2', 'generatedTime'] as const
const SESSION = [
  'src', 'dst', 'natSrc', 'natDst', 'rule', 'srcUser', 'dstUser', 'application', 'vsys', 'srcZone', 'dstZone', 'inInterface', 'outInterface',
  'logAction', 'futureUse3', 'sessionId', 'repeatCount', 'srcPort', 'dstPort', 'natSrcPort', 'natDstPort', 'flags', 'protocol', 'action'
] as const
/** From position 31, by type; names that start with "-" are FUTURE_USE and dropped. */
const BY_TYPE: Record<string, readonly string[]> = {
  TRAFFIC: [
    'bytes', 'bytesSent', 'bytesReceived', 'packets', 'startTime', 'elapsed', 'category', '-', 'sequence', 'actionFlags', 'srcLocation', 'dstLocation', '-',
    'packetsSent', 'packetsReceived', 'sessionEndReason', 'dgHier1', 'dgHier2', 'dgHier3', 'dgHier4', 'vsysName', 'deviceName', 'actionSource'
  ],
  THREAT: [
    'urlOrFile', 'threat', 'category', 'threatSeverity', 'direction', 'sequence', 'actionFlags', 'srcLocation', 'dstLocation', '-', 'contentType', 'pcapId',
    'fileDigest', 'cloud', 'urlIndex', 'userAgent', 'fileType', 'xForwardedFor', 'referer', 'sender', 'subject', 'recipient', 'reportId', 'dgHier1',
    'dgHier2', 'dgHier3', 'dgHier4', 'vsysName', 'deviceName', '-', 'srcVmUuid', 'dstVmUuid', 'httpMethod', 'tunnelId', 'monitorTag', 'parentSessionId',
    'parentStartTime', 'tunnelType', 'threatCategory', 'contentVersion'
  ]
}
const SYSTEM = ['vsys', 'eventId', 'object', '-', '-', 'module', 'eventSeverity', 'description', 'sequence', 'actionFlags', 'dgHier1', 'dgHier2', 'dgHier3', 'dgHier4', 'vsysName', 'deviceName'] as const
const CONFIG = ['host', 'vsys', 'command', 'admin', 'client', 'result', 'configPath'] as const

const FAIL_ACTIONS = /^(?:deny|drop|drop-all|drop-icmp|reset-client|reset-server|reset-both|block|block-url|block-ip|block-continue|block-override|sinkhole|override-lockout|drop-all-packets|random-drop)/

/** PAN-OS `YYYY/MM/DD HH:MM:SS`, local to the firewall. */
function panTime(v: string | undefined): EventTime | string | null {
  if (!v || v.length !== 19 || v.charCodeAt(4) !== 47 || v.charCodeAt(7) !== 47 || v.charCodeAt(10) !== 32) return null
  const y = digitsAt(v, 0, 4)
  const mo = digitsAt(v, 5, 2)
  const d = digitsAt(v, 8, 2)
  const h = digitsAt(v, 11, 2)
  const mi = digitsAt(v, 14, 2)
  const s = digitsAt(v, 17, 2)
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0) return null
  const why = impossibleTime(y, mo, d, h, mi, s)
  if (why) return why
  return localTime(y, mo, d, h, mi, s, 0)
}

function put(fields: Record<string, unknown>, names: readonly string[], cols: string[], from: number): void {
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!
    const v = cols[from + k]
    if (v === undefined) return
    if (v !== '' && name[0] !== '-' && !name.startsWith('futureUse')) fields[name] = v
  }
}

function categoryOf(type: string, subtype: string): EventCategory {
  switch (type) {
    case 'TRAFFIC':
      return 'network'
    case 'THREAT':
      return subtype === 'url' ? 'web' : 'network'
    case 'URL':
      return 'web'
    case 'SYSTEM':
    case 'CONFIG':
      return 'system'
    case 'GLOBALPROTECT':
    case 'USERID':
    case 'AUTH':
      return 'auth'
    default:
      return 'other'
  }
}

export function panosLine(text: string, ctx: ParserContext): LineOutput {
  const m = CSV_START.exec(text)
  if (!m) {
    // A plain syslog line in a PAN-OS feed is kept as one; anything else is not ours.
    const h = parseSyslogHeader(text)
    if (typeof h === 'string') return bad(`not a PAN-OS log line: ${h}`)
    return ok(syslogEvent(h, text))
  }
  const csvStart = m.index + m[0].length - m[1]!.length
  const cols = splitCsv(text, csvStart)
  const type = cols[3]!
  const subtype = cols[4] ?? ''
  const header = csvStart > 0 ? parseSyslogHeader(text, csvStart) : null
  const h = header !== null && typeof header !== 'string' ? header : null
  const fields: Record<string, unknown> = h ? headerFields(h) : {}
  if (h) fields.syslogTime = h.rawTime
  put(fields, COMMON, cols, 0)
  const session = type === 'TRAFFIC' || type === 'THREAT'
  if (session) {
    if (cols.length < 31) return bad(`PAN-OS ${type} row has ${cols.length} fields; at least 31 expected`)
    put(fields, SESSION, cols, 7)
    put(fields, BY_TYPE[type]!, cols, 31)
  } else if (type === 'SYSTEM') put(fields, SYSTEM, cols, 7)
  else if (type === 'CONFIG') put(fields, CONFIG, cols, 7)
  else fields.csv = cols.slice(7)

  let time: EventTime | null = null
  let rawTime = ''
  for (let k = 60; k < cols.length; k++) {
    const v = cols[k]!
    if (v.length < 20 || v.charCodeAt(4) !== 45 || v.charCodeAt(10) !== 84) continue
    const st = isoStampAt(v, 0, false)
    if (st && !('error' in st) && st.end === v.length && st.time.kind === 'utc') {
      time = st.time
      rawTime = v
      fields.highResTimestamp = v
      ctx.note('panos: time from the high-resolution timestamp (with offset)')
      break
    }
  }
  if (time === null) {
    const gen = panTime(cols[6]) ?? panTime(cols[1])
    if (gen === null) return bad(`PAN-OS row has no readable Generated/Receive Time ("${(cols[6] ?? '').slice(0, 25)}")`)
    if (typeof gen === 'string') return bad(`PAN-OS Generated Time "${cols[6]}": ${gen}`)
    time = gen
    rawTime = panTime(cols[6]) ? cols[6]! : cols[1]!
    ctx.note('panos: time from Generated Time (firewall-local, no zone)')
  }

  const action = session ? (cols[30] ?? '') : ''
  const outcome: Outcome = session ? (FAIL_ACTIONS.test(action) ? 'failure' : action ? 'success' : 'unknown') : type === 'CONFIG' ? resultOutcome(cols[12]) : 'unknown'
  const src = cols[7] ?? ''
  const dst = cols[8] ?? ''
  const sport = port(cols[24])
  const dport = port(cols[25])
  if (session) {
    if (sport !== undefined) fields.srcPort = sport
    if (dport !== undefined) fields.dstPort = dport
  }
  const deviceName = (fields.deviceName as string | undefined) ?? null
  let message: string
  if (type === 'THREAT') message = `${cols[32] || subtype} ${endpoint(src, sport)} → ${endpoint(dst, dport)} (${action})`
  else if (type === 'TRAFFIC') message = `${subtype} ${cols[29] ?? ''} ${cols[14] ?? ''} ${endpoint(src, sport)} → ${endpoint(dst, dport)} (${action})`.replace(/ +/g, ' ')
  else if (type === 'SYSTEM') message = cols[14] || `${type} ${subtype}`
  else if (type === 'CONFIG') message = `${cols[10] ?? ''}: ${cols[9] ?? ''} ${cols[13] ?? ''} (${cols[12] ?? ''})`
  else message = `${type} ${subtype}`
  const ev: ParsedEvent = {
    time,
    rawTime,
    category: categoryOf(type, subtype),
    action: session ? action : type === 'SYSTEM' ? cols[8] || subtype : type === 'CONFIG' ? cols[9] || subtype : subtype || type.toLowerCase(),
    outcome,
    actor: session ? cols[12] || null : type === 'CONFIG' ? cols[10] || null : null,
    host: deviceName || h?.host || null,
    srcIp: session ? asIp(src) : type === 'CONFIG' ? asIp(cols[7]) : null,
    dstIp: session ? asIp(dst) : null,
    message,
    fields
  }
  return ok(ev)
}

function resultOutcome(result: string | undefined): Outcome {
  if (!result) return 'unknown'
  if (/^succe/i.test(result)) return 'success'
  if (/^(?:fail|reject)/i.test(result)) return 'failure'
  return 'unknown'
}

export const panos: Importer = {
  id: 'panos',
  name: 'Palo Alto Networks PAN-OS syslog (CSV)',
  description: 'PAN-OS TRAFFIC / THREAT / SYSTEM / CONFIG CSV logs, with or without a syslog header. Time from the high-resolution timestamp when present, else Generated Time (firewall-local).',
  sniff(input) {
    return embeddedScore(headLines(input), (l) => CSV_START.test(l))
  },
  createLineParser(ctx) {
    return { line: (text) => panosLine(text, ctx) }
  }
}
