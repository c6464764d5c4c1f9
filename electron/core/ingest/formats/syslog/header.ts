// The syslog header, read once for every importer of the family: RFC 3164 (BSD: optional
// <PRI>, `Mmm dd hh:mm:ss` or an RFC 3339 stamp as rsyslog writes to files, host, tag[pid]:)
// and RFC 5424 (<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD). The BSD stamp has no year and
// no zone, so it stays local with year null; RFC 5424 carries an offset and becomes UTC.
// The scan is index-based with no backtracking: it runs on every line of multi-GB files.
import type { EventTime } from '../../types'
import { bsdStampAt, isDigit, isoStampAt, type LocalTime } from './stamps'
import { safeKey } from './text'

export type StructuredData = Record<string, Record<string, string>>

export interface SyslogHeader {
  layout: 'rfc3164' | 'rfc5424'
  /** -1 when the line has no <PRI>. */
  pri: number
  time: EventTime
  rawTime: string
  host: string | null
  app: string | null
  procId: string | null
  msgId: string | null
  sd: StructuredData | null
  /** Index in the line where the message text begins. */
  msgStart: number
  /** Index in the line where a BSD tag (`app[pid]:`) begins; -1 when there is none or the header is RFC 5424. */
  tagStart: number
}

export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'ntp', 'audit', 'alert', 'clock',
  'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'
]
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug']

const SPACE = 32
const COLON = 58

/** `<PRI>` at the start: its value and the index after it; pri -1 when absent; null when malformed. */
function priAt(s: string): { pri: number; end: number } | null {
  if (s.charCodeAt(0) !== 60) return { pri: -1, end: 0 }
  let v = 0
  let p = 1
  while (p < 5 && isDigit(s.charCodeAt(p))) v = v * 10 + s.charCodeAt(p++) - 48
  if (p === 1 || s.charCodeAt(p) !== 62 || v > 191) return null
  return { pri: v, end: p + 1 }
}

/**
 * Reads the header of one line, looking no further than `end` for host and tag (CEF and
 * LEEF pass the index where their payload starts). Returns the reason when the line is
 * not syslog or its stamp is impossible.
 */
export function parseSyslogHeader(s: string, end = s.length): SyslogHeader | string {
  const pr = priAt(s)
  if (!pr) return 'malformed <PRI> at the start of the line'
  let p = pr.end
  if (pr.pri >= 0 && isDigit(s.charCodeAt(p))) {
    const v1 = s.charCodeAt(p + 1) === SPACE
    const v2 = !v1 && isDigit(s.charCodeAt(p + 1)) && s.charCodeAt(p + 2) === SPACE
    if (v1 || v2) return parse5424(s, pr.pri, p + (v1 ? 2 : 3), end)
  }
  // Cisco writes `<166>:Mar 17 13:32:12 UTC: %ASA-…`.
  if (s.charCodeAt(p) === COLON && pr.pri >= 0) p++
  const c = s.charCodeAt(p)
  const st = isDigit(c) ? isoStampAt(s, p, true) : (c | 0x20) >= 97 && (c | 0x20) <= 122 ? bsdStampAt(s, p) : null
  if (!st) return 'not a syslog line: no timestamp at the start'
  if ('error' in st) return st.error
  const stampStart = p
  let time = st.time
  p = st.end
  // A zone abbreviation closed by a colon (`… 10:00:01 EDT: %ASA-…`) belongs to the stamp.
  if (s.charCodeAt(p) === SPACE && time.kind === 'local') {
    let q = p + 1
    while (q < end && q - p <= 6 && s.charCodeAt(q) >= 65 && s.charCodeAt(q) <= 90) q++
    if (q - p >= 2 && q - p <= 6 && s.charCodeAt(q) === COLON) {
      time = { ...(time as LocalTime), zoneAbbrev: s.slice(p + 1, q) }
      p = q
    }
  }
  const rawTime = s.slice(stampStart, p)
  if (s.charCodeAt(p) === COLON) p++
  else if (p < end && s.charCodeAt(p) !== SPACE) return 'not a syslog line: no space after the timestamp'
  while (p < end && s.charCodeAt(p) === SPACE) p++

  let host: string | null = null
  let tagStart = p
  let tag = tagAt(s, p, end)
  if (!tag && p < end) {
    let q = p
    while (q < end && s.charCodeAt(q) !== SPACE) q++
    host = s.slice(p, q)
    p = q
    while (p < end && s.charCodeAt(p) === SPACE) p++
    tagStart = p
    tag = tagAt(s, p, end)
  }
  return {
    layout: 'rfc3164',
    pri: pr.pri,
    time,
    rawTime,
    host,
    app: tag ? tag.app : null,
    procId: tag ? tag.pid : null,
    msgId: null,
    sd: null,
    msgStart: tag ? tag.msgStart : p,
    tagStart: tag ? tagStart : -1
  }
}

/** A BSD tag at `p`: `name:`, `name[pid]:` or a lone `:`, followed by a space or the end. */
function tagAt(s: string, p: number, end: number): { app: string | null; pid: string | null; msgStart: number } | null {
  let q = p
  const limit = Math.min(end, p + 64)
  for (; q < limit; q++) {
    const c = s.charCodeAt(q)
    if (c === SPACE || c === COLON || c === 91) break
  }
  if (q >= end) return null
  const c = s.charCodeAt(q)
  let pid: string | null = null
  let colon = q
  if (c === 91) {
    if (q === p) return null
    let r = q + 1
    while (r < end && r - q <= 24 && s.charCodeAt(r) !== 93) r++
    if (s.charCodeAt(r) !== 93) return null
    pid = s.slice(q + 1, r)
    colon = r + 1
  } else if (c !== COLON) return null
  if (s.charCodeAt(colon) !== COLON) return null
  const after = colon + 1
  if (after < end && s.charCodeAt(after) !== SPACE) return null
  return { app: q === p ? null : s.slice(p, q), pid, msgStart: after < end ? after + 1 : after }
}

function parse5424(s: string, pri: number, start: number, end: number): SyslogHeader | string {
  let p = start
  if (s.charCodeAt(p) === 45 && s.charCodeAt(p + 1) === SPACE) return 'RFC 5424 record without a timestamp (NILVALUE "-")'
  const st = isoStampAt(s, p, false)
  if (!st) return 'RFC 5424 header: timestamp is not RFC 3339'
  if ('error' in st) return st.error
  if (s.charCodeAt(st.end) !== SPACE) return 'RFC 5424 header: timestamp is not RFC 3339'
  const rawTime = s.slice(p, st.end)
  p = st.end + 1
  const vals: (string | null)[] = []
  for (let k = 0; k < 4; k++) {
    let q = p
    while (q < end && s.charCodeAt(q) !== SPACE) q++
    if (q === p || q >= end) return 'RFC 5424 header is truncated'
    const tok = s.slice(p, q)
    vals.push(tok === '-' ? null : tok)
    p = q + 1
  }
  let sd: StructuredData | null = null
  if (s.charCodeAt(p) === 45) p++
  else if (s.charCodeAt(p) === 91) {
    const r = parseStructuredData(s, p, end)
    if (typeof r === 'string') return r
    sd = r.sd
    p = r.end
  } else return 'RFC 5424 header: structured data must be "-" or start with "["'
  if (p < end && s.charCodeAt(p) !== SPACE) return `RFC 5424 structured data: unexpected "${s[p]}" at column ${p + 1}`
  if (p < end) p++
  if (s.charCodeAt(p) === 0xfeff) p++
  return { layout: 'rfc5424', pri, time: st.time, rawTime, host: vals[0]!, app: vals[1]!, procId: vals[2]!, msgId: vals[3]!, sd, msgStart: p, tagStart: -1 }
}

/** `[id name="value" …][id2 …]` with `\"`, `\\` and `\]` escapes inside values. */
function parseStructuredData(s: string, p: number, end: number): { sd: StructuredData; end: number } | string {
  const sd: StructuredData = {}
  while (p < end && s.charCodeAt(p) === 91) {
    let q = ++p
    while (q < end && s.charCodeAt(q) !== SPACE && s.charCodeAt(q) !== 93) q++
    if (q === p || q >= end) return `RFC 5424 structured data: unterminated element at column ${p}`
    const id = s.slice(p, q)
    const params: Record<string, string> = {}
    p = q
    while (s.charCodeAt(p) === SPACE) {
      p++
      let e = p
      while (e < end && s.charCodeAt(e) !== 61 && s.charCodeAt(e) !== SPACE && s.charCodeAt(e) !== 93) e++
      if (e === p || s.charCodeAt(e) !== 61 || s.charCodeAt(e + 1) !== 34) return `RFC 5424 structured data: malformed parameter in [${id}] at column ${p + 1}`
      const name = s.slice(p, e)
      let v = ''
      let r = e + 2
      let from = r
      for (;;) {
        if (r >= end) return `RFC 5424 structured data: unterminated value of ${id}.${name}`
        const c = s.charCodeAt(r)
        if (c === 92 && r + 1 < end) {
          const n = s.charCodeAt(r + 1)
          if (n === 34 || n === 92 || n === 93) {
            v += s.slice(from, r)
            from = r + 1
            r += 2
            continue
          }
        }
        if (c === 34) break
        r++
      }
      v += s.slice(from, r)
      params[safeKey(name)] = v
      p = r + 1
    }
    if (s.charCodeAt(p) !== 93) return `RFC 5424 structured data: expected "]" at column ${p + 1} in [${id}]`
    p++
    sd[safeKey(id)] = params
  }
  return { sd, end: p }
}

/**
 * The syslog header in front of an embedded payload (CEF:, LEEF:, %ASA-…) that starts at
 * `payloadStart`: null when nothing precedes the payload, the reason when the prefix is
 * not a syslog header.
 */
export function prefixHeader(s: string, payloadStart: number): SyslogHeader | string | null {
  if (payloadStart === 0) return null
  return parseSyslogHeader(s, payloadStart)
}
