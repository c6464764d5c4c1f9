// pfSense / OPNsense `filterlog`: a syslog header (RFC 5424 on pfSense 2.6+, BSD before)
// whose message is one CSV row per packet: rule, sub-rule, anchor, tracker, interface,
// reason, action, direction, IP version, then the IPv4 or IPv6 fields, then the protocol's
// (TCP, UDP, ICMP, CARP). Time quirk: none of the CSV is a time; the header dates the row
// (RFC 5424 with an offset → UTC; BSD → local, no year). Other programs' lines in the same
// file are read as plain syslog.
import type { Outcome } from '@shared/event'
import type { Importer, LineOutput } from '../../types'
import { bad, ok } from '../../types'
import { parseSyslogHeader, type SyslogHeader } from './header'
import { headerFields, syslogEvent } from './rfc3164'
import { headLines } from './sniffing'
import { asIp, endpoint, port } from './text'

const ACTION_OUTCOME: Record<string, Outcome> = { pass: 'success', block: 'failure', reject: 'failure' }

const V4 = ['tos', 'ecn', 'ttl', 'id', 'offset', 'ipFlags', 'protocolId', 'protocol', 'length', 'src', 'dst'] as const
const V6 = ['class', 'flowLabel', 'hopLimit', 'protocol', 'protocolId', 'length', 'src', 'dst'] as const
const TCP = ['srcPort', 'dstPort', 'dataLength', 'tcpFlags', 'sequence', 'ack', 'window', 'urg', 'options'] as const
const UDP = ['srcPort', 'dstPort', 'dataLength'] as const
const CARP = ['carpType', 'carpTtl', 'vhid', 'carpVersion', 'advbase', 'advskew'] as const
/** ICMP fields after the type, by type (pfSense's filter log format documentation). */
const ICMP: Record<string, readonly string[]> = {
  request: ['icmpId', 'icmpSeq'],
  reply: ['icmpId', 'icmpSeq'],
  unreachproto: ['icmpDst', 'unreachProtocol'],
  unreachport: ['icmpDst', 'unreachProtocol', 'unreachPort'],
  needfrag: ['icmpDst', 'icmpMtu'],
  tstamp: ['icmpId', 'icmpSeq'],
  tstampreply: ['icmpId', 'icmpSeq', 'icmpOtime', 'icmpRtime', 'icmpTtime']
}

function assign(fields: Record<string, unknown>, names: readonly string[], cols: string[], from: number): number {
  for (let k = 0; k < names.length; k++) {
    const v = cols[from + k]
    if (v === undefined) return from + k
    if (v !== '') fields[names[k]!] = v
  }
  return from + names.length
}

export function filterlogLine(h: SyslogHeader, s: string): LineOutput {
  const cols = s.slice(h.msgStart).trim().split(',')
  if (cols.length < 9) return bad(`filterlog row has ${cols.length} fields; at least 9 expected`)
  const fields = headerFields(h)
  fields.rule = cols[0]
  if (cols[1]) fields.subRule = cols[1]
  if (cols[2]) fields.anchor = cols[2]
  fields.tracker = cols[3]
  fields.interface = cols[4]
  fields.reason = cols[5]
  fields.direction = cols[7]
  const action = cols[6]!
  const ipv = cols[8]
  let p: number
  if (ipv === '4') {
    if (cols.length < 9 + V4.length) return bad(`filterlog IPv4 row has ${cols.length} fields; ${9 + V4.length} expected`)
    p = assign(fields, V4, cols, 9)
  } else if (ipv === '6') {
    if (cols.length < 9 + V6.length) return bad(`filterlog IPv6 row has ${cols.length} fields; ${9 + V6.length} expected`)
    p = assign(fields, V6, cols, 9)
  } else return bad(`filterlog row has IP version "${ipv}"; 4 or 6 expected`)
  fields.ipVersion = Number(ipv)
  const proto = String(fields.protocol ?? '').toLowerCase()
  if (proto === 'tcp') p = assign(fields, TCP, cols, p)
  else if (proto === 'udp') p = assign(fields, UDP, cols, p)
  else if (proto === 'carp') p = assign(fields, CARP, cols, p)
  else if (proto === 'icmp') {
    const type = cols[p]
    if (type) {
      fields.icmpType = type
      p = assign(fields, ICMP[type] ?? ['icmpDescription'], cols, p + 1)
    }
  }
  if (p < cols.length) fields.extra = cols.slice(p)
  const srcPort = port(fields.srcPort as string | undefined)
  const dstPort = port(fields.dstPort as string | undefined)
  if (srcPort !== undefined) fields.srcPort = srcPort
  if (dstPort !== undefined) fields.dstPort = dstPort
  const src = String(fields.src ?? '')
  const dst = String(fields.dst ?? '')
  return ok({
    time: h.time,
    rawTime: h.rawTime,
    category: 'network',
    action,
    outcome: ACTION_OUTCOME[action] ?? 'unknown',
    host: h.host,
    srcIp: asIp(src),
    dstIp: asIp(dst),
    message: `${action} ${cols[7]} on ${cols[4]}: ${proto || '?'} ${endpoint(src, srcPort)} → ${endpoint(dst, dstPort)}`,
    fields
  })
}

export function pfsenseLine(text: string): LineOutput {
  const h = parseSyslogHeader(text)
  if (typeof h === 'string') return bad(h)
  if (h.app === 'filterlog') return filterlogLine(h, text)
  return ok(syslogEvent(h, text))
}

export const pfsenseFilterlog: Importer = {
  id: 'pfsense-filterlog',
  name: 'pfSense / OPNsense filterlog',
  description: 'pfSense firewall log: RFC 5424 or BSD syslog header with the filterlog CSV (IPv4/IPv6, TCP/UDP/ICMP/CARP).',
  sniff(input) {
    const lines = headLines(input)
    if (lines.length === 0) return 0
    let syslog = 0
    let filter = 0
    for (const l of lines) {
      const h = parseSyslogHeader(l)
      if (typeof h === 'string') continue
      syslog++
      if (h.app === 'filterlog' && l.indexOf(',', h.msgStart) !== -1) filter++
    }
    if (filter === 0 || syslog / lines.length < 0.5) return 0
    return 0.88 + 0.1 * (filter / lines.length)
  },
  createLineParser() {
    return { line: (text) => pfsenseLine(text) }
  }
}
