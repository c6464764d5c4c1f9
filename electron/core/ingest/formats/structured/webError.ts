// Web server error logs: Apache httpd 2.2 (`[Sun Dec 04 04:47:44 2005] [error] [client
// 1.2.3.4] msg`), Apache 2.4 (`[Sun Dec 04 04:47:44.123456 2005] [core:error] [pid 1:tid
// 2] [client 1.2.3.4:5] AH00126: msg`) and nginx (`2021/12/01 13:53:33 [error] 31#31: *46
// msg, client: …, server: …, request: "…"`). Both print server-local wall-clock time with
// no zone: times are returned local and the source's zone decides.
import type { Outcome } from '@shared/event'
import type { Importer, LineParser, ParsedEvent, SniffInput } from '../../types'
import { bad, ok } from '../../types'
import { fractionMicros, localFromParts, monthNumber } from './stamps'
import { ipOrNull, printable, type JsonObject } from './values'

const APACHE = /^\[(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))? (\d{4})\] \[([\w-]*:)?(\w+)\] ?(.*)$/
const NGINX = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2}) \[(debug|info|notice|warn|error|crit|alert|emerg)\] (\d+)#(\d+): (?:\*(\d+) )?(.*)$/

const FAILURE_LEVELS = new Set(['error', 'crit', 'alert', 'emerg'])

function outcomeOf(level: string): Outcome {
  return FAILURE_LEVELS.has(level) ? 'failure' : 'unknown'
}

function apacheLine(m: RegExpExecArray, text: string): ParsedEvent | string {
  const [, mon, day, hh, mm, ss, frac, year, module, level] = m
  const month = monthNumber(mon!)
  const time = month ? localFromParts(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss), fractionMicros(frac)) : null
  if (!time) return `impossible date in "${text.slice(0, 32)}"`
  let msg = m[10] ?? ''
  const fields: JsonObject = {}
  if (module) fields.module = module.slice(0, -1)
  let client: string | null = null
  // 2.4 puts [pid …], [client ip:port] / [remote ip:port] between the level and the message.
  for (let t = /^\[(pid|client|remote) ([^\]]*)\] ?/.exec(msg); t; t = /^\[(pid|client|remote) ([^\]]*)\] ?/.exec(msg)) {
    if (t[1] === 'pid') {
      const [pid, tid] = t[2]!.split(':tid ')
      fields.pid = Number(pid)
      if (tid !== undefined) fields.tid = tid
    } else if (t[1] === 'client') client = t[2]!
    else fields.remote = t[2]!
    msg = msg.slice(t[0].length)
  }
  const code = /^(AH\d{5}): /.exec(msg)
  if (code) fields.code = code[1]
  if (client) fields.client = client
  return {
    time,
    rawTime: text.slice(1, text.indexOf(']')),
    category: 'web',
    action: level!,
    outcome: outcomeOf(level!),
    srcIp: client ? ipOrNull(client) : null,
    message: printable(msg.trim() || level!),
    fields
  }
}

const NGINX_TAIL = /, (client|server|request|upstream|host|referrer|subrequest): ("(?:[^"\\]|\\.)*"|[^,]*)/g

function nginxLine(m: RegExpExecArray, text: string): ParsedEvent | string {
  const [, y, mo, d, hh, mm, ss, level, pid, tid, conn, body] = m
  const time = localFromParts(Number(y), Number(mo), Number(d), Number(hh), Number(mm), Number(ss), 0)
  if (!time) return `impossible date in "${text.slice(0, 19)}"`
  const fields: JsonObject = { pid: Number(pid), tid: Number(tid) }
  if (conn) fields.connection = Number(conn)
  let msg = body ?? ''
  const tailAt = msg.search(/, client: /)
  if (tailAt >= 0) {
    for (const t of msg.slice(tailAt).matchAll(NGINX_TAIL)) {
      const v = t[2]!
      fields[t[1]!] = v.startsWith('"') ? v.slice(1, -1) : v
    }
    msg = msg.slice(0, tailAt)
  }
  const client = typeof fields.client === 'string' ? fields.client : null
  return {
    time,
    rawTime: text.slice(0, 19),
    category: 'web',
    action: level!,
    outcome: outcomeOf(level!),
    srcIp: ipOrNull(client),
    host: typeof fields.server === 'string' ? fields.server : null,
    message: printable(msg.trim() || level!),
    fields
  }
}

/** An Apache or nginx error-log line as an event, a reason when it is not one, null when it has neither shape. */
export function parseErrorLine(text: string): ParsedEvent | string | null {
  const a = APACHE.exec(text)
  if (a) return apacheLine(a, text)
  const n = NGINX.exec(text)
  if (n) return nginxLine(n, text)
  return null
}

export function isErrorLine(text: string): boolean {
  return APACHE.test(text) || NGINX.test(text)
}

export const ZONELESS_NOTE = 'error-log times have no zone: taken in the source zone'

export const webError: Importer = {
  id: 'web-error',
  name: 'Apache / nginx error log',
  description: 'Apache httpd 2.2/2.4 and nginx error logs; server-local time without zone.',
  sniff(input: SniffInput): number {
    const lines = input.lines.filter((l) => l.trim() !== '').slice(0, 50)
    if (lines.length === 0) return 0
    const hits = lines.filter(isErrorLine).length
    const ratio = hits / lines.length
    return ratio >= 0.5 ? 0.6 + 0.35 * ratio : 0
  },
  createLineParser(ctx): LineParser {
    ctx.note(ZONELESS_NOTE)
    return {
      line(text) {
        const r = parseErrorLine(text)
        if (r === null) return bad('not an Apache or nginx error-log line')
        return typeof r === 'string' ? bad(r) : ok(r)
      }
    }
  }
}
