// Apache / nginx / Tomcat access logs: Common and Combined Log Format, with or without a
// vhost[:port] prefix (`vhost_combined`), ident and user columns, and extra trailing fields.
// `[dd/Mon/yyyy:HH:MM:SS ±zzzz]` carries the server's offset, so every line is an instant.
// Docker's nginx image sends the access and error logs to one stream: error-log lines met
// in an access log are imported with the error-log reader (zone-less local time) rather
// than refused, and the import notes say so.
import type { Outcome } from '@shared/event'
import type { Importer, LineParser, ParsedEvent, SniffInput } from '../../types'
import { bad, ok } from '../../types'
import { fractionMicros, monthNumber, offsetMinutes, utcFromParts } from './stamps'
import { ipOrNull, printable, type JsonObject } from './values'
import { isErrorLine, parseErrorLine, ZONELESS_NOTE } from './webError'

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"'
const ACCESS = new RegExp(
  `^(.*?)\\[(\\d{2})/([A-Za-z]{3})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? ([+-]\\d{4})\\] ${QUOTED} (\\d{3}|-) (\\d+|-)(.*)$`
)
// Tomcat's AccessLogValve does not escape quotes inside the request line: when the strict
// pattern fails, the request runs to the last `" status bytes` on the line.
const ACCESS_LOOSE = new RegExp(
  `^(.*?)\\[(\\d{2})/([A-Za-z]{3})/(\\d{4}):(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))? ([+-]\\d{4})\\] "(.*)" (\\d{3}|-) (\\d+|-)((?: ${QUOTED} ${QUOTED})?(?: .*)?)$`
)
const REFERER_UA = new RegExp(`^ ${QUOTED} ${QUOTED}(.*)$`)
const REQUEST = /^([A-Za-z][A-Za-z-]{0,19}) (\S+)(?: (HTTP\/\d(?:\.\d)?))?$/

function dash(s: string | undefined): string | null {
  return s === undefined || s === '-' || s === '' ? null : s
}

/**
 * Who and where, from the columns before the timestamp: `host ident user`, preceded by a
 * vhost[:port] in vhost_combined, or `host user` where a logger drops the ident column.
 */
function prefix(tokens: string[]): { vhost: string | null; client: string | null; ident: string | null; user: string | null } {
  const t = tokens.length > 4 ? tokens.slice(-4) : tokens
  switch (t.length) {
    case 4:
      return { vhost: t[0]!, client: t[1]!, ident: dash(t[2]), user: dash(t[3]) }
    case 3:
      return { vhost: null, client: t[0]!, ident: dash(t[1]), user: dash(t[2]) }
    case 2:
      return { vhost: null, client: t[0]!, ident: null, user: dash(t[1]) }
    case 1:
      return { vhost: null, client: t[0]!, ident: null, user: null }
    default:
      return { vhost: null, client: null, ident: null, user: null }
  }
}

export function parseAccessLine(text: string): ParsedEvent | string | null {
  const m = ACCESS.exec(text) ?? ACCESS_LOOSE.exec(text)
  if (!m) return null
  const [, pre, dd, mon, yyyy, hh, mi, ss, frac, zone, request, status, bytes, tail] = m
  const month = monthNumber(mon!)
  const off = offsetMinutes(zone!)
  const rawTime = `${dd}/${mon}/${yyyy}:${hh}:${mi}:${ss}${frac ? `.${frac}` : ''} ${zone}`
  const time = month && off !== null ? utcFromParts(Number(yyyy), month, Number(dd), Number(hh), Number(mi), Number(ss), fractionMicros(frac), off) : null
  if (!time) return `impossible date "${rawTime}"`
  const who = prefix(pre!.trim().split(/\s+/).filter(Boolean))
  const fields: JsonObject = {}
  let vhost = who.vhost
  if (vhost) {
    const port = /^(.*):(\d{1,5})$/.exec(vhost)
    if (port) {
      vhost = port[1]!
      fields.port = Number(port[2])
    }
  }
  const req = REQUEST.exec(request!)
  const method = req ? req[1]!.toUpperCase() : null
  if (req) {
    fields.method = method
    fields.path = req[2]
    if (req[3]) fields.protocol = req[3]
  } else fields.request = request
  const code = status === '-' ? null : Number(status)
  fields.status = code
  fields.bytes = bytes === '-' ? null : Number(bytes)
  const ru = REFERER_UA.exec(tail!)
  if (ru) {
    if (dash(ru[1])) fields.referer = ru[1]
    if (dash(ru[2])) fields.userAgent = ru[2]
    if (ru[3]!.trim()) fields.extra = ru[3]!.trim()
  } else if (tail!.trim()) fields.extra = tail!.trim()
  if (who.ident) fields.ident = who.ident
  const srcIp = ipOrNull(who.client)
  if (!srcIp && who.client) fields.remoteHost = who.client
  const outcome: Outcome = code === null ? 'unknown' : code >= 400 ? 'failure' : 'success'
  const target = req ? `${method} ${req[2]}` : `"${request!.slice(0, 80)}"`
  return {
    time,
    rawTime,
    category: 'web',
    action: method ?? (request === '-' ? 'no-request' : 'malformed-request'),
    outcome,
    actor: who.user,
    srcIp,
    host: vhost,
    message: printable(`${target} → ${status}${who.user ? ` (user ${who.user})` : ''}`),
    fields
  }
}

export const webAccess: Importer = {
  id: 'web-access',
  name: 'Web access log (Apache / nginx / Tomcat)',
  description: 'Common / combined access logs, optionally vhost-prefixed; times carry the server offset. Error-log lines in the same file are read too.',
  sniff(input: SniffInput): number {
    const lines = input.lines.filter((l) => l.trim() !== '').slice(0, 50)
    if (lines.length === 0) return 0
    const hits = lines.filter((l) => ACCESS.test(l) || ACCESS_LOOSE.test(l)).length
    if (hits * 2 < lines.length) return 0
    const ratio = (hits + lines.filter(isErrorLine).length) / lines.length
    return 0.6 + 0.35 * ratio
  },
  createLineParser(ctx): LineParser {
    ctx.note('access-log times read with the offset written beside them')
    return {
      line(text) {
        const a = parseAccessLine(text)
        if (a !== null) return typeof a === 'string' ? bad(a) : ok(a)
        const e = parseErrorLine(text)
        if (e === null) return bad('not an access-log line (nor an Apache/nginx error-log line)')
        if (typeof e === 'string') return bad(e)
        ctx.note(`some lines are error-log lines: imported as such; ${ZONELESS_NOTE}`)
        return ok(e)
      }
    }
  }
}
