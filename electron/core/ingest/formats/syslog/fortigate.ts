// Fortinet FortiGate (FortiOS) logs: space-separated `key=value` pairs, values optionally
// double-quoted (`date=2024-05-01 time=12:00:01 devname="FG100E" tz="-0700" eventtime=… …`),
// sent as `<PRI>date=…` with no other header, or behind a relay's syslog header.
// Time quirk: `date`/`time` are the firewall's wall clock; `tz` (FortiOS 6.2+) gives its
// offset; `eventtime` is epoch in ns (6.2+), µs or s (older). Preference: eventtime (UTC),
// else date+time with tz, else date+time as local time; the choice is noted.
import type { EventCategory, Outcome } from '@shared/event'
import type { EventTime, Importer, LineOutput, ParsedEvent, ParserContext } from '../../types'
import { bad, ok } from '../../types'
import { parseSyslogHeader, type SyslogHeader } from './header'
import { headerFields, syslogEvent } from './rfc3164'
import { embeddedScore, headLines } from './sniffing'
import { digitsAt, epochMicros, impossibleTime, isZoneAbbrev, localTime, offsetAt, utcMicros } from './stamps'
import { asIp, endpoint, safeKey } from './text'

/** `key=value` / `key="quoted value"` pairs from `start`; `\"` escapes a quote inside quotes. */
export function parseKeyValues(s: string, start: number): Record<string, string> {
  const out: Record<string, string> = {}
  const n = s.length
  let p = start
  while (p < n) {
    while (p < n && s.charCodeAt(p) === 32) p++
    if (p >= n) break
    let e = p
    while (e < n && s.charCodeAt(e) !== 61 && s.charCodeAt(e) !== 32) e++
    if (e >= n || s.charCodeAt(e) !== 61) {
      // A bare word between pairs: skip it.
      p = e
      continue
    }
    const key = safeKey(s.slice(p, e))
    let q = e + 1
    let v: string
    if (s.charCodeAt(q) === 34) {
      let r = q + 1
      let hasEsc = false
      while (r < n && s.charCodeAt(r) !== 34) {
        if (s.charCodeAt(r) === 92) {
          hasEsc = true
          r++
        }
        r++
      }
      v = s.slice(q + 1, Math.min(r, n))
      if (hasEsc) v = v.replace(/\\(["\\])/g, '$1')
      q = r + 1
    } else {
      let r = q
      while (r < n && s.charCodeAt(r) !== 32) r++
      v = s.slice(q, r)
      q = r
    }
    if (key !== '') out[key] = v
    p = q
  }
  return out
}

function dateTime(date: string, time: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } | null {
  if (date.length !== 10 || time.length < 8) return null
  const y = digitsAt(date, 0, 4)
  const mo = digitsAt(date, 5, 2)
  const d = digitsAt(date, 8, 2)
  const h = digitsAt(time, 0, 2)
  const mi = digitsAt(time, 3, 2)
  const s = digitsAt(time, 6, 2)
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || date[4] !== '-' || date[7] !== '-' || time[2] !== ':' || time[5] !== ':') return null
  return { y, mo, d, h, mi, s }
}

function pickTime(kv: Record<string, string>, h: SyslogHeader | null, ctx: ParserContext): { time: EventTime; raw: string } | string {
  if (kv.eventtime) {
    const us = epochMicros(kv.eventtime)
    if (us === null) return `eventtime "${kv.eventtime.slice(0, 25)}" is not an epoch number`
    ctx.note('fortigate: time from eventtime (epoch, UTC)')
    return { time: { kind: 'utc', us }, raw: kv.eventtime }
  }
  if (kv.date !== undefined && kv.time !== undefined) {
    const dt = dateTime(kv.date, kv.time)
    if (!dt) return `date="${kv.date.slice(0, 12)}" time="${kv.time.slice(0, 12)}" is not YYYY-MM-DD HH:MM:SS`
    const why = impossibleTime(dt.y, dt.mo, dt.d, dt.h, dt.mi, dt.s)
    if (why) return `date=${kv.date} time=${kv.time}: ${why}`
    const raw = `${kv.date} ${kv.time}`
    const tz = kv.tz?.trim()
    if (tz) {
      const off = offsetAt(tz, 0)
      if (off && off.end === tz.length) {
        ctx.note('fortigate: time from date/time with the tz offset')
        return { time: { kind: 'utc', us: utcMicros(dt.y, dt.mo, dt.d, dt.h, dt.mi, dt.s, 0, off.minutes) }, raw: `${raw} ${tz}` }
      }
      if (isZoneAbbrev(tz)) {
        ctx.note('fortigate: time from date/time with the tz abbreviation')
        return { time: localTime(dt.y, dt.mo, dt.d, dt.h, dt.mi, dt.s, 0, tz), raw: `${raw} ${tz}` }
      }
    }
    ctx.note('fortigate: time from date/time with no tz (firewall-local)')
    return { time: localTime(dt.y, dt.mo, dt.d, dt.h, dt.mi, dt.s, 0), raw }
  }
  if (h) {
    ctx.note('fortigate: no eventtime or date/time in the record; time from the syslog header')
    return { time: h.time, raw: h.rawTime }
  }
  return 'FortiGate record has no eventtime, no date/time and no syslog header'
}

const FAIL = /^(?:deny|denied|block|blocked|drop|dropped|reject|ip-conn|fail|failed|failure|timeout-deny)/i
const OK = /^(?:accept|allow|allowed|pass|passthrough|permit|success|succeeded|close|server-rst|client-rst|timeout)/i
const AUTH = /log ?in|log ?out|logon|auth|sign ?in|password/i

function categoryOf(kv: Record<string, string>): EventCategory {
  const type = kv.type ?? ''
  const sub = kv.subtype ?? ''
  if (type === 'traffic') return 'network'
  if (type === 'utm') return sub === 'webfilter' ? 'web' : 'network'
  if (type === 'event') {
    if (sub === 'user' || sub === 'vpn' || AUTH.test(kv.logdesc ?? '') || AUTH.test(kv.action ?? '')) return 'auth'
    return 'system'
  }
  if (type === 'dns' || type === 'anomaly' || type === 'ips' || type === 'virus' || type === 'app-ctrl') return 'network'
  if (type === 'webfilter') return 'web'
  return 'other'
}

function outcomeOf(kv: Record<string, string>): Outcome {
  const status = kv.status ?? kv.result
  if (status) {
    if (FAIL.test(status)) return 'failure'
    if (OK.test(status)) return 'success'
  }
  const action = kv.action ?? kv.utmaction
  if (action) {
    if (FAIL.test(action)) return 'failure'
    if (OK.test(action)) return 'success'
  }
  return 'unknown'
}

/** Index where the key=value record starts: after `<PRI>`, or after a relay's syslog header. */
function recordStart(text: string): { start: number; header: SyslogHeader | null } | null {
  let p = 0
  if (text.charCodeAt(0) === 60) {
    const gt = text.indexOf('>')
    if (gt > 0 && gt <= 4) p = gt + 1
  }
  if (isRecordAt(text, p)) return { start: p, header: null }
  const h = parseSyslogHeader(text)
  if (typeof h === 'string') return null
  const i = text.indexOf('date=', h.msgStart)
  const j = text.indexOf('logver=', h.msgStart)
  const at = i === -1 ? j : j === -1 ? i : Math.min(i, j)
  if (at === -1 || text.indexOf('=', at) === -1) return null
  return { start: at === h.msgStart || text.charCodeAt(at - 1) === 32 ? at : h.msgStart, header: h }
}

function isRecordAt(s: string, p: number): boolean {
  return s.startsWith('date=', p) || s.startsWith('logver=', p) || s.startsWith('timestamp=', p) || s.startsWith('devname=', p) || s.startsWith('eventtime=', p)
}

export function fortigateLine(text: string, ctx: ParserContext): LineOutput {
  const rs = recordStart(text)
  if (!rs) {
    const h = parseSyslogHeader(text)
    if (typeof h === 'string') return bad(`not a FortiGate record: no date=/logver= key=value pairs and ${h}`)
    return ok(syslogEvent(h, text))
  }
  const kv = parseKeyValues(text, rs.start)
  const t = pickTime(kv, rs.header, ctx)
  if (typeof t === 'string') return bad(t)
  const fields: Record<string, unknown> = rs.header ? headerFields(rs.header) : {}
  for (const k in kv) fields[k in fields ? `fgt.${k}` : k] = kv[k]
  const src = kv.srcip ?? kv.remip
  const dst = kv.dstip ?? kv.locip
  const action = kv.action || kv.logdesc || kv.subtype || 'log'
  const ev: ParsedEvent = {
    time: t.time,
    rawTime: t.raw,
    category: categoryOf(kv),
    action,
    outcome: outcomeOf(kv),
    actor: kv.user || kv.srcuser || kv.unauthuser || null,
    host: kv.devname || rs.header?.host || null,
    srcIp: asIp(src),
    dstIp: asIp(dst),
    message: kv.msg || kv.logdesc || `${kv.type ?? ''}/${kv.subtype ?? ''} ${action} ${endpoint(src, kv.srcport)} → ${endpoint(dst, kv.dstport)}`,
    fields
  }
  return ok(ev)
}

export const fortigate: Importer = {
  id: 'fortigate',
  name: 'Fortinet FortiGate log',
  description: 'FortiOS key=value logs (traffic, utm, event), bare with <PRI> or behind syslog. Time from eventtime, else date/time with tz, else date/time as firewall-local.',
  sniff(input) {
    return embeddedScore(headLines(input), (l) => {
      const d = l.indexOf('date=')
      return d !== -1 && l.indexOf('time=', d) !== -1 && (l.includes('devname=') || l.includes('logid=') || l.includes('devid='))
    })
  },
  createLineParser(ctx) {
    return { line: (text) => fortigateLine(text, ctx) }
  }
}
