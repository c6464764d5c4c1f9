// IBM QRadar Log Event Extended Format. LEEF 1.0: `LEEF:1.0|Vendor|Product|Version|EventID|`
// then tab-separated `key=value` attributes. LEEF 2.0 adds a delimiter field after EventID
// (`^`, `x09`, `0x5E`; empty means tab). Either may sit behind a syslog header.
// Time quirk: `devTime` is written in the Java SimpleDateFormat pattern of `devTimeFormat`
// (default: epoch milliseconds or `MMM dd yyyy HH:mm:ss[.SSS] [zone]`). Without devTime the
// syslog header's time is used and noted; a bare record with neither has no time at all
// and is reported as bad rather than dated by guesswork.
import type { EventCategory } from '@shared/event'
import type { EventTime, Importer, LineOutput, ParsedEvent, ParserContext } from '../../types'
import { bad, ok } from '../../types'
import { outcomeOf } from './cef'
import { parseSyslogHeader, prefixHeader, type SyslogHeader } from './header'
import { compileJavaDateFormat } from './javaDateFormat'
import { headerFields, syslogEvent } from './rfc3164'
import { embeddedScore, headLines } from './sniffing'
import { looseStamp } from './stamps'
import { asIp, safeKey } from './text'

const LEEF_RE = /LEEF:([12])\.0\|/

/** Header fields split on unescaped pipes, up to `count` of them; the index after the last pipe. */
function splitHeader(s: string, start: number, count: number): { parts: string[]; end: number } {
  const parts: string[] = []
  let cur = ''
  let from = start
  let p = start
  while (p < s.length && parts.length < count) {
    const c = s.charCodeAt(p)
    if (c === 92 && (s.charCodeAt(p + 1) === 124 || s.charCodeAt(p + 1) === 92)) {
      cur += s.slice(from, p)
      from = p + 1
      p += 2
      continue
    }
    if (c === 124) {
      parts.push(cur + s.slice(from, p))
      cur = ''
      from = p + 1
    }
    p++
  }
  return { parts, end: p }
}

/** The LEEF 2.0 delimiter field: one character, or its code as `xHH` / `0xHH`; empty is tab. */
function delimiterOf(field: string): string | null {
  if (field === '') return '\t'
  if (field.length === 1) return field
  if (field === '\\t') return '\t'
  const m = /^(?:0x|x)([0-9a-fA-F]{1,4})$/i.exec(field)
  return m ? String.fromCharCode(parseInt(m[1]!, 16)) : null
}

function parseAttributes(s: string, start: number, delim: string): Record<string, string> {
  const out: Record<string, string> = {}
  let last: string | null = null
  for (const part of s.slice(start).split(delim)) {
    const eq = part.indexOf('=')
    if (eq <= 0) {
      // A delimiter inside a value: glue the piece back to the value it broke.
      if (last !== null && part !== '') out[last] += delim + part
      continue
    }
    const key = safeKey(part.slice(0, eq).trim())
    if (key === '') continue
    out[key] = part.slice(eq + 1)
    last = key
  }
  return out
}

const AUTH_TEXT = /\b(?:log ?[io]n|logon|logged (?:in|on)|log ?off|log ?out|authenticat\w*|sign[- ]?in|password|credential)/i

function categoryOf(eventId: string, attrs: Record<string, string>): EventCategory {
  const what = `${eventId} ${attrs.Action ?? ''} ${attrs.cat ?? ''} ${attrs.EventMessage ?? ''}`
  if (AUTH_TEXT.test(what)) return 'auth'
  if (attrs.url !== undefined) return 'web'
  if (attrs.src !== undefined && attrs.dst !== undefined) return 'network'
  return 'other'
}

function pickTime(attrs: Record<string, string>, h: SyslogHeader | null, ctx: ParserContext): { time: EventTime; raw: string } | string {
  const dev = attrs.devTime?.trim()
  if (dev) {
    const fmt = attrs.devTimeFormat?.trim()
    if (fmt) {
      const parser = compileJavaDateFormat(fmt)
      if (typeof parser === 'string') return `devTimeFormat "${fmt}": ${parser}`
      const t = parser(dev)
      if (t === null) return `devTime "${dev.slice(0, 40)}" does not match devTimeFormat "${fmt}"`
      if ('error' in t) return `devTime "${dev.slice(0, 40)}": ${t.error}`
      ctx.note('leef: time from devTime read with devTimeFormat')
      return { time: t, raw: dev }
    }
    const t = looseStamp(dev)
    if (t === null) return `devTime "${dev.slice(0, 40)}" has no devTimeFormat and is neither epoch milliseconds nor "MMM dd yyyy HH:mm:ss"`
    if ('error' in t) return `devTime "${dev.slice(0, 40)}": ${t.error}`
    ctx.note('leef: time from devTime (epoch or the LEEF default format)')
    return { time: t, raw: dev }
  }
  if (h) {
    ctx.note('leef: no devTime in the record; time from the syslog header')
    return { time: h.time, raw: h.rawTime }
  }
  return 'LEEF record has no devTime and no syslog header: the record carries no time to place it on the timeline'
}

export function leefLine(text: string, ctx: ParserContext): LineOutput {
  const m = LEEF_RE.exec(text)
  if (!m) {
    // A plain syslog line in a LEEF feed is kept as one; anything else is not ours.
    const h = parseSyslogHeader(text)
    if (typeof h === 'string') return bad(`not a LEEF record: ${h}`)
    return ok(syslogEvent(h, text))
  }
  const version = m[1] === '2' ? '2.0' : '1.0'
  const at = m.index + m[0].length
  const hdr = splitHeader(text, at, 4)
  if (hdr.parts.length < 4) return bad(`broken LEEF ${version} header: ${hdr.parts.length + 1} of ${version === '2.0' ? 6 : 5} "|"-separated fields`)
  const parts = hdr.parts
  let attrStart = hdr.end
  let delim = '\t'
  if (version === '2.0') {
    // The delimiter field is optional: a short run before the next pipe with no "=" in it.
    const pipe = text.indexOf('|', attrStart)
    const field = pipe === -1 ? null : text.slice(attrStart, pipe)
    if (field !== null && field.length <= 6 && !field.includes('=')) {
      const d = delimiterOf(field)
      if (d === null) return bad(`broken LEEF 2.0 header: delimiter "${field}" is not a character or an xHH code`)
      delim = d
      attrStart = pipe + 1
    }
  }
  const [vendor, product, productVersion, eventId] = parts as [string, string, string, string]
  const attrs = parseAttributes(text, attrStart, delim)
  const ph = prefixHeader(text, m.index)
  const h = typeof ph === 'object' ? ph : null
  const t = pickTime(attrs, h, ctx)
  if (typeof t === 'string') return bad(typeof ph === 'string' ? `${t} (the text before LEEF: is not a syslog header: ${ph})` : t)

  const fields: Record<string, unknown> = h ? headerFields(h) : {}
  fields.leefVersion = version
  fields.vendor = vendor
  fields.product = product
  fields.productVersion = productVersion
  fields.eventId = eventId
  for (const k in attrs) fields[k in fields ? `attr.${k}` : k] = attrs[k]
  const verdict = attrs.outcome ?? attrs.result ?? attrs.status ?? attrs.action ?? attrs.Action
  const actor = attrs.usrName || attrs.suser || attrs.accountName || attrs.SourceUser || null
  const src = asIp(attrs.src)
  const category = categoryOf(eventId, attrs)
  const what = attrs.EventMessage || attrs.Action || attrs.msg || eventId
  const ev: ParsedEvent = {
    time: t.time,
    rawTime: t.raw,
    category,
    action: attrs.Action || attrs.action || eventId,
    outcome: outcomeOf(verdict, `${eventId} ${attrs.Reason ?? ''}`),
    actor,
    actorId: attrs.usrId || attrs.accountId || null,
    host: h?.host || attrs.identHostName || attrs.devName || null,
    srcIp: src,
    dstIp: asIp(attrs.dst),
    message: `${product}: ${what}${actor ? ` by ${actor}` : ''}${src ? ` from ${src}` : ''}`,
    fields
  }
  return ok(ev)
}

export const leef: Importer = {
  id: 'leef',
  name: 'LEEF (IBM QRadar Log Event Extended Format)',
  description: 'LEEF:1.0 (tab-separated attributes) and LEEF:2.0 (delimiter in the header), bare or behind syslog. Time from devTime with devTimeFormat, else the syslog header.',
  sniff(input) {
    return embeddedScore(headLines(input), (l) => LEEF_RE.test(l))
  },
  createLineParser(ctx) {
    return { line: (text) => leefLine(text, ctx) }
  }
}
