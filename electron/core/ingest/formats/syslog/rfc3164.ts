// RFC 3164 (BSD) syslog: `[<PRI>]Mmm dd hh:mm:ss host tag[pid]: msg` as syslogd, rsyslog and
// syslog-ng write it, including rsyslog's files with an RFC 3339 stamp in place of the BSD
// one. Time quirk: the BSD stamp has neither year nor zone; it goes out as local time with
// year null and the pipeline applies the source's zone and year decisions. Authentication
// messages of sshd, PAM, su, sudo and login become auth events (see linuxAuth.ts).
import type { Importer, LineOutput, ParsedEvent } from '../../types'
import { bad, ok } from '../../types'
import { FACILITIES, parseSyslogHeader, SEVERITIES, type SyslogHeader } from './header'
import { classifyAuth } from './linuxAuth'
import { headLines } from './sniffing'

/** The event for a syslog line no more specific importer claims. */
export function syslogEvent(h: SyslogHeader, line: string): ParsedEvent {
  const msg = h.msgStart < line.length ? line.slice(h.msgStart) : ''
  const fields = headerFields(h)
  const ev: ParsedEvent = {
    time: h.time,
    rawTime: h.rawTime,
    category: 'system',
    action: 'log',
    outcome: 'unknown',
    host: h.host,
    message: h.app === null ? msg : tagAndMessage(h, line, msg),
    fields
  }
  const auth = classifyAuth(h.app, msg)
  if (auth) {
    ev.category = auth.category
    ev.action = auth.action
    ev.outcome = auth.outcome
    if (auth.actor !== undefined) ev.actor = auth.actor
    if (auth.srcIp !== undefined) ev.srcIp = auth.srcIp
    if (auth.fields) Object.assign(fields, auth.fields)
  }
  return ev
}

/**
 * `app[pid]: msg`. When the line spells it exactly so (one space after the colon) it is
 * the line's own tail: a substring, not a concatenation that must be copied again later.
 */
function tagAndMessage(h: SyslogHeader, line: string, msg: string): string {
  if (h.tagStart >= 0 && h.msgStart > h.tagStart && line.charCodeAt(h.msgStart - 1) === 32 && line.charCodeAt(h.msgStart - 2) === 58) return line.slice(h.tagStart)
  return h.procId === null ? `${h.app}: ${msg}` : `${h.app}[${h.procId}]: ${msg}`
}

/** The header's facts worth keeping beside a payload: layout, facility, severity, program, pid. */
export function headerFields(h: SyslogHeader): Record<string, unknown> {
  const fields: Record<string, unknown> = { syslog: h.layout }
  if (h.pri >= 0) {
    fields.facility = FACILITIES[h.pri >> 3] ?? h.pri >> 3
    fields.severity = SEVERITIES[h.pri & 7]
  }
  if (h.app !== null) fields.program = h.app
  if (h.procId !== null) fields.pid = h.procId
  if (h.msgId !== null) fields.msgId = h.msgId
  if (h.sd !== null) fields.structuredData = h.sd
  return fields
}

/** One line of any syslog layout, with no format-specific payload parsing. */
export function syslogLine(text: string): LineOutput {
  const h = parseSyslogHeader(text)
  if (typeof h === 'string') return bad(h)
  return ok(syslogEvent(h, text))
}

export const syslogRfc3164: Importer = {
  id: 'syslog-rfc3164',
  name: 'Syslog (RFC 3164 / BSD)',
  description: 'BSD syslog lines: "Mmm dd hh:mm:ss host tag[pid]: msg", with or without <PRI>, or with an RFC 3339 stamp (rsyslog files). sshd/PAM/su/sudo/login messages become auth events.',
  sniff(input) {
    const lines = headLines(input)
    if (lines.length === 0) return 0
    let bsd = 0
    let iso = 0
    let isoSpace = 0
    for (const l of lines) {
      const h = parseSyslogHeader(l)
      if (typeof h === 'string' || h.layout !== 'rfc3164') continue
      const c = h.rawTime.charCodeAt(0)
      if (c < 48 || c > 57) bsd++
      else if (h.rawTime.charCodeAt(10) === 32) isoSpace++
      else iso++
    }
    const frac = (bsd + iso + isoSpace) / lines.length
    if (frac < 0.5) return 0
    // A BSD stamp is the mark of syslog; "2024-05-01 12:00:01 word" is shared by many app logs.
    const weight = bsd >= iso + isoSpace ? 0.8 : iso >= isoSpace ? 0.7 : 0.4
    return weight * frac
  },
  createLineParser() {
    return { line: (text) => syslogLine(text) }
  }
}
