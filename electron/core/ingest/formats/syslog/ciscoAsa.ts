// Cisco ASA / PIX / FWSM / FTD syslog: `%ASA-<level>-<id>: text`, behind a relay's syslog
// header, the ASA's own stamp, or both (`<166>Jun 05 2024 10:00:01 asa01 : %ASA-6-302013: …`).
// Time quirk: the ASA stamp is `Mmm dd yyyy HH:mm:ss` (year, no zone) or `Mmm dd HH:mm:ss`,
// optionally followed by a zone abbreviation (`… 10:00:01 EDT: %ASA-…`) that the pipeline
// maps to an offset; `logging timestamp rfc5424` gives RFC 3339. When a relay header and
// the ASA's stamp both appear, the stamp nearest the message (the ASA's) is used and noted.
// Addresses of the common connection, ACL, AAA and VPN messages are extracted by id.
import type { EventCategory, Outcome } from '@shared/event'
import type { EventTime, Importer, LineOutput, ParsedEvent, ParserContext } from '../../types'
import { bad, ok } from '../../types'
import { AMBIGUOUS_ABBREVIATIONS, ZONE_ABBREVIATIONS } from '../../timeResolve'
import { parseSyslogHeader, SEVERITIES } from './header'
import { syslogEvent } from './rfc3164'
import { embeddedScore, headLines } from './sniffing'
import { bsdStampAt, isDigit, isoStampAt, isZoneAbbrev, type LocalTime, type Stamp } from './stamps'
import { asIp, endpoint, port } from './text'

const MARK = /%(ASA|FTD|PIX|FWSM)-(?:[a-z]+-)?([0-7])-(\d{6}): ?/

interface Facts {
  category: EventCategory
  action: string
  outcome: Outcome
  actor?: string
  srcIp?: string | null
  dstIp?: string | null
  fields: Record<string, unknown>
}

/** `iface:addr/port` as the ASA writes an endpoint; IPv6 addresses keep their colons. */
function ifaceAddr(tok: string): { iface: string; ip: string; port: string } | null {
  const colon = tok.indexOf(':')
  const slash = tok.lastIndexOf('/')
  if (colon <= 0 || slash <= colon) return null
  return { iface: tok.slice(0, colon), ip: tok.slice(colon + 1, slash), port: tok.slice(slash + 1) }
}

function addrPort(tok: string): { ip: string; port: string } {
  const slash = tok.lastIndexOf('/')
  return slash === -1 ? { ip: tok, port: '' } : { ip: tok.slice(0, slash), port: tok.slice(slash + 1) }
}

function flow(f: Record<string, unknown>, src: { iface?: string; ip: string; port: string }, dst: { iface?: string; ip: string; port: string }): void {
  if (src.iface) f.srcInterface = src.iface
  if (dst.iface) f.dstInterface = dst.iface
  const sp = port(src.port)
  const dp = port(dst.port)
  if (sp !== undefined) f.srcPort = sp
  if (dp !== undefined) f.dstPort = dp
}

const BUILT = /^Built (inbound|outbound) (TCP|UDP|SCTP) connection (\d+) for (\S+?)(?:\(([^)]*)\))? \((\S+?)\)(?:\(([^)]*)\))? to (\S+?)(?:\(([^)]*)\))? \((\S+?)\)/
const TEARDOWN = /^Teardown (TCP|UDP|SCTP) connection (\d+) for (\S+?)(?:\(([^)]*)\))? to (\S+?)(?:\(([^)]*)\))? duration (\S+) bytes (\d+)(?: (.*))?$/
const ICMP = /^(Built|Teardown) (?:(inbound|outbound) )?ICMP connection for faddr (\S+?)(?:\(([^)]*)\))? gaddr (\S+) laddr (\S+?)(?:\(([^)]*)\))?(?: |$)/
const DENY_ACL = /^Deny (\S+) src (\S+?) dst (\S+?)(?:\(([^)]*)\))? (?:\(type (\d+), code (\d+)\) )?by access-group "([^"]*)"/
const DENY_INBOUND = /^Deny inbound (\S+) from (\S+) to (\S+?)(?: |$)/
const DENY_NOCONN = /^Deny (TCP|UDP) \(no connection\) from (\S+) to (\S+) flags (.*?) +on interface (\S+)/
const INBOUND_DENIED = /^Inbound (TCP|UDP) connection denied from (\S+) to (\S+) flags (.*?) +on interface (\S+)/
const ACL_HIT = /^access-list (\S+) (permitted|denied|est-allowed) (\S+) ([^/\s]+)\/(\S+?)\((\d+)\)(?:\(([^)]*)\))? -> ([^/\s]+)\/(\S+?)\((\d+)\)/
const ACL_DENIED = /^(TCP|UDP|ICMP) access denied by ACL from (\S+) to (\S+?)(?: |$)/
const AAA = /^AAA user (authentication|authorization|accounting) (Successful|Rejected)(?: : reason = (.*?))? : (?:server = +(\S+)|local database) : user = +(.*?)(?: : user IP = (\S+))?\s*$/
const AAA_TX = /^AAA transaction status (ACCEPT|REJECT) : user = (.*?)\s*$/
const LOGIN = /^Login (permitted|denied) from (\S+) to (\S+) for user "(.*)"/
const USER_AUTH = /^User authentication (succeeded|failed): (?:IP address: (\S+?),? )?Uname: (.*)$/
const VPN_GROUP = /^Group <([^>]*)> User <([^>]*)> IP <([^>]*)> (.*)$/
const VPN_SESSION = /^Group = (.*?), Username = (.*?), IP = (\S+?), (.*)$/
const CMD = /^User '(.*?)' executed the '(.*)' command\.?$/
const CMD_FROM = /^User '(.*?)', running '(.*?)' from IP (\S+?), executed '(.*)'$/

const VPN_ACTIONS: Record<string, [string, Outcome]> = {
  '722022': ['vpn-connect', 'success'],
  '722023': ['vpn-disconnect', 'success'],
  '722037': ['vpn-disconnect', 'success'],
  '722051': ['vpn-address-assigned', 'success'],
  '716001': ['vpn-session-start', 'success'],
  '716002': ['vpn-session-end', 'success'],
  '113039': ['vpn-session-start', 'success'],
  '113019': ['vpn-disconnect', 'success']
}

/** Facts of a message body by id; null when the id is not one this importer reads. */
export function asaFacts(id: string, body: string): Facts | null {
  let m: RegExpExecArray | null
  const f: Record<string, unknown> = {}
  switch (id) {
    case '302013':
    case '302015':
    case '302303':
      if (!(m = BUILT.exec(body))) return null
      {
        const a = ifaceAddr(m[4]!)
        const b = ifaceAddr(m[8]!)
        if (!a || !b) return null
        f.direction = m[1]
        f.protocol = m[2]
        f.connectionId = m[3]
        f.mappedFor = m[6]
        f.mappedTo = m[10]
        const user = m[5] ?? m[7] ?? m[9]
        // "for" names the outside end: for outbound connections the initiator is the "to" end.
        const [src, dst] = m[1] === 'inbound' ? [a, b] : [b, a]
        flow(f, src, dst)
        const out: Facts = { category: 'network', action: 'connection-built', outcome: 'success', srcIp: asIp(src.ip), dstIp: asIp(dst.ip), fields: f }
        if (user) out.actor = user
        return out
      }
    case '302014':
    case '302016':
    case '302304':
      if (!(m = TEARDOWN.exec(body))) return null
      {
        const a = ifaceAddr(m[3]!)
        const b = ifaceAddr(m[5]!)
        if (!a || !b) return null
        f.protocol = m[1]
        f.connectionId = m[2]
        f.duration = m[7]
        f.bytes = Number(m[8])
        if (m[9]) f.reason = m[9]
        // A teardown does not say which end opened the connection: "for" and "to" as written.
        flow(f, a, b)
        const out: Facts = { category: 'network', action: 'connection-teardown', outcome: 'success', srcIp: asIp(a.ip), dstIp: asIp(b.ip), fields: f }
        const user = m[4] ?? m[6]
        if (user) out.actor = user
        return out
      }
    case '302020':
    case '302021':
      if (!(m = ICMP.exec(body))) return null
      {
        const fa = addrPort(m[3]!)
        const la = addrPort(m[6]!)
        f.protocol = 'ICMP'
        f.faddr = m[3]
        f.gaddr = m[5]
        f.laddr = m[6]
        if (m[2]) f.direction = m[2]
        const outbound = m[2] === 'outbound'
        const [src, dst] = outbound ? [la, fa] : [fa, la]
        return { category: 'network', action: m[1] === 'Built' ? 'connection-built' : 'connection-teardown', outcome: 'success', srcIp: asIp(src.ip), dstIp: asIp(dst.ip), fields: f }
      }
    case '106023':
      if (!(m = DENY_ACL.exec(body))) return null
      {
        const a = ifaceAddr(m[2]!.includes('/') ? m[2]! : `${m[2]}/`) ?? { iface: '', ip: m[2]!, port: '' }
        const b = ifaceAddr(m[3]!.includes('/') ? m[3]! : `${m[3]}/`) ?? { iface: '', ip: m[3]!, port: '' }
        f.protocol = m[1]
        f.accessGroup = m[7]
        if (m[5]) f.icmpType = Number(m[5])
        if (m[6]) f.icmpCode = Number(m[6])
        flow(f, a, b)
        return { category: 'network', action: 'deny', outcome: 'failure', srcIp: asIp(a.ip), dstIp: asIp(b.ip), fields: f }
      }
    case '106006':
    case '106007':
      if (!(m = DENY_INBOUND.exec(body))) return null
      return denyFrom(m[1]!, m[2]!, m[3]!, f)
    case '106015':
      if (!(m = DENY_NOCONN.exec(body))) return null
      f.tcpFlags = m[4]
      f.interface = m[5]
      return denyFrom(m[1]!, m[2]!, m[3]!, f)
    case '106001':
      if (!(m = INBOUND_DENIED.exec(body))) return null
      f.tcpFlags = m[4]
      f.interface = m[5]
      return denyFrom(m[1]!, m[2]!, m[3]!, f)
    case '106100':
      if (!(m = ACL_HIT.exec(body))) return null
      {
        f.acl = m[1]
        f.protocol = m[3]
        flow(f, { iface: m[4]!, ip: m[5]!, port: m[6]! }, { iface: m[8]!, ip: m[9]!, port: m[10]! })
        const out: Facts = { category: 'network', action: m[2] === 'denied' ? 'deny' : 'permit', outcome: m[2] === 'denied' ? 'failure' : 'success', srcIp: asIp(m[5]), dstIp: asIp(m[9]), fields: f }
        if (m[7]) out.actor = m[7]
        return out
      }
    case '710003':
      if (!(m = ACL_DENIED.exec(body))) return null
      {
        const a = addrPort(m[2]!)
        const b = ifaceAddr(m[3]!) ?? { iface: '', ...addrPort(m[3]!) }
        f.protocol = m[1]
        flow(f, a, b)
        return { category: 'network', action: 'deny', outcome: 'failure', srcIp: asIp(a.ip), dstIp: asIp(b.ip), fields: f }
      }
    case '113004':
    case '113005':
    case '113012':
    case '113015':
      if (!(m = AAA.exec(body))) return null
      {
        f.aaa = m[1]
        if (m[3]) f.reason = m[3]
        if (m[4]) f.aaaServer = m[4]
        else f.aaaServer = 'local database'
        return { category: 'auth', action: m[1] === 'authentication' ? 'login' : m[1]!, outcome: m[2] === 'Successful' ? 'success' : 'failure', actor: m[5]!, srcIp: asIp(m[6]), fields: f }
      }
    case '113008':
    case '113009':
      if (!(m = AAA_TX.exec(body))) return null
      return { category: 'auth', action: 'login', outcome: m[1] === 'ACCEPT' ? 'success' : 'failure', actor: m[2]!, fields: f }
    case '605004':
    case '605005':
      if (!(m = LOGIN.exec(body))) return null
      {
        const a = addrPort(m[2]!)
        const b = ifaceAddr(m[3]!) ?? { iface: '', ...addrPort(m[3]!) }
        if (b.iface) f.interface = b.iface
        f.service = b.port
        const sp = port(a.port)
        if (sp !== undefined) f.srcPort = sp
        return { category: 'auth', action: 'login', outcome: m[1] === 'permitted' ? 'success' : 'failure', actor: m[4]!, srcIp: asIp(a.ip), dstIp: asIp(b.ip), fields: f }
      }
    case '611101':
    case '611102':
      if (!(m = USER_AUTH.exec(body))) return null
      return { category: 'auth', action: 'login', outcome: m[1] === 'succeeded' ? 'success' : 'failure', actor: m[3]!.trim(), srcIp: asIp(m[2]), fields: f }
    case '111008':
      if (!(m = CMD.exec(body))) return null
      f.command = m[2]
      return { category: 'system', action: 'command', outcome: 'success', actor: m[1]!, fields: f }
    case '111010':
      if (!(m = CMD_FROM.exec(body))) return null
      f.client = m[2]
      f.command = m[4]
      return { category: 'system', action: 'command', outcome: 'success', actor: m[1]!, srcIp: asIp(m[3]), fields: f }
  }
  if ((m = VPN_GROUP.exec(body))) {
    const [action, outcome] = VPN_ACTIONS[id] ?? ['vpn', 'unknown']
    f.group = m[1]
    const v4 = /IPv4 Address <([^>]*)>/.exec(m[4]!)
    if (v4) f.assignedIp = v4[1]
    return { category: 'auth', action, outcome, actor: m[2]!, srcIp: asIp(m[3]), fields: f }
  }
  if ((m = VPN_SESSION.exec(body))) {
    const [action, outcome] = VPN_ACTIONS[id] ?? ['vpn', 'unknown']
    f.group = m[1]
    const reason = /Reason: (.*)$/.exec(m[4]!)
    if (reason) f.reason = reason[1]
    return { category: 'auth', action, outcome, actor: m[2]!, srcIp: asIp(m[3]), fields: f }
  }
  return null
}

function denyFrom(proto: string, from: string, to: string, f: Record<string, unknown>): Facts {
  const a = addrPort(from)
  const b = addrPort(to)
  f.protocol = proto
  flow(f, a, b)
  return { category: 'network', action: 'deny', outcome: 'failure', srcIp: asIp(a.ip), dstIp: asIp(b.ip), fields: f }
}

/** Category of an id this importer does not read in detail, from its Cisco message class. */
function classOf(id: string): EventCategory {
  const c = id.slice(0, 3)
  if (c === '113' || c === '605' || c === '611' || c === '716' || c === '722' || c === '109' || c === '734') return 'auth'
  if (c === '106' || c === '302' || c === '303' || c === '304' || c === '305' || c === '313' || c === '400' || c === '410' || c === '419' || c === '710' || c === '733') return 'network'
  return 'system'
}

interface Prefix {
  time: EventTime
  raw: string
  host: string | null
  stamps: number
}

/**
 * Stamps and host in the text before `%ASA-`. Every stamp is read; the last one (nearest
 * the message, written by the ASA) dates the record, and the name after it is the host. A zone abbreviation after a stamp
 * belongs to it when a colon closes it or it is a known abbreviation.
 */
function readPrefix(s: string, end: number): Prefix | string {
  let p = 0
  if (s.charCodeAt(0) === 60) {
    const gt = s.indexOf('>')
    if (gt > 0 && gt <= 4) p = gt + 1
  }
  if (isDigit(s.charCodeAt(p)) && s.charCodeAt(p + 1) === 32) {
    // RFC 5424 framing: hand the header to the shared reader.
    const h = parseSyslogHeader(s, end)
    if (typeof h === 'string') return h
    return { time: h.time, raw: h.rawTime, host: h.host, stamps: 1 }
  }
  let last: { st: Stamp; from: number; to: number } | null = null
  // The name after the stamp nearest the message is the ASA's own; a relay's comes earlier.
  let host: string | null = null
  let hostAfterStamp: string | null = null
  let stamps = 0
  while (p < end) {
    const c = s.charCodeAt(p)
    if (c === 32 || c === 58) {
      p++
      continue
    }
    const st = isDigit(c) ? isoStampAt(s, p, true) : bsdStampAt(s, p)
    if (st && 'error' in st) return st.error
    if (st) {
      let to = st.end
      let time = st.time
      if (s.charCodeAt(to) === 32 && time.kind === 'local') {
        let q = to + 1
        while (q < end && s.charCodeAt(q) !== 32 && s.charCodeAt(q) !== 58) q++
        const word = s.slice(to + 1, q)
        // A host name can be all capitals too: only a closing colon or a known zone makes it a zone.
        if (isZoneAbbrev(word) && (s.charCodeAt(q) === 58 || word in ZONE_ABBREVIATIONS || AMBIGUOUS_ABBREVIATIONS.has(word))) {
          time = { ...(time as LocalTime), zoneAbbrev: word }
          to = q
        }
      }
      last = { st: { time, end: to }, from: p, to }
      if (hostAfterStamp !== null) host = hostAfterStamp
      hostAfterStamp = null
      stamps++
      p = to
      continue
    }
    let q = p
    while (q < end && s.charCodeAt(q) !== 32) q++
    const word = s.slice(p, q).replace(/:$/, '')
    if (word !== '' && hostAfterStamp === null && last !== null) hostAfterStamp = word
    p = q
  }
  if (hostAfterStamp !== null) host = hostAfterStamp
  if (!last) return 'Cisco ASA message with no timestamp before %ASA- (logging timestamp is off, or the relay dropped it)'
  return { time: last.st.time, raw: s.slice(last.from, last.to), host, stamps }
}

export function ciscoAsaLine(text: string, ctx: ParserContext): LineOutput {
  const m = MARK.exec(text)
  if (!m) {
    const h = parseSyslogHeader(text)
    if (typeof h === 'string') return bad(`not a Cisco ASA message: ${h}`)
    return ok(syslogEvent(h, text))
  }
  const pre = readPrefix(text, m.index)
  if (typeof pre === 'string') return bad(pre)
  if (pre.stamps > 1) ctx.note("cisco-asa: the ASA's own timestamp was used, not the relay's syslog header")
  const id = m[3]!
  const level = Number(m[2])
  const body = text.slice(m.index + m[0].length)
  // Real ASA messages are short; the length bound keeps the regexes' work bounded too.
  const facts = body.length <= 4096 ? asaFacts(id, body) : null
  const fields: Record<string, unknown> = facts?.fields ?? {}
  fields.product = m[1]
  fields.messageId = id
  fields.level = level
  fields.severity = SEVERITIES[level]
  const ev: ParsedEvent = {
    time: pre.time,
    rawTime: pre.raw,
    category: facts?.category ?? classOf(id),
    action: facts?.action ?? `${m[1]}-${id}`,
    outcome: facts?.outcome ?? 'unknown',
    actor: facts?.actor ?? null,
    host: pre.host,
    srcIp: facts?.srcIp ?? null,
    dstIp: facts?.dstIp ?? null,
    message: `%${m[1]}-${level}-${id}: ${body}`,
    fields
  }
  if (facts?.srcIp && facts.dstIp && facts.category === 'network' && fields.srcPort !== undefined) {
    fields.flow = `${endpoint(facts.srcIp, fields.srcPort as number)} → ${endpoint(facts.dstIp, fields.dstPort as number | undefined)}`
  }
  return ok(ev)
}

export const ciscoAsa: Importer = {
  id: 'cisco-asa',
  name: 'Cisco ASA / FTD syslog',
  description: '%ASA-level-id messages behind a syslog header or the ASA stamp (Mmm dd yyyy HH:mm:ss [zone]); addresses and auth outcomes of common ids (302013/4, 106023, 113004/5/15, 605004/5, 722022…).',
  sniff(input) {
    return embeddedScore(headLines(input), (l) => MARK.test(l))
  },
  createLineParser(ctx) {
    return { line: (text) => ciscoAsaLine(text, ctx) }
  }
}
