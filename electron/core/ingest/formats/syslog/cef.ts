// ArcSight Common Event Format: `CEF:Version|Vendor|Product|Version|SignatureID|Name|Severity|ext`
// with `key=value` extensions, bare, behind a syslog header, or with the `CEF:` prefix lost
// (`0|Vendor|…`, UniFi). Header fields escape `\|` and `\\`; extension values escape `\=`,
// `\\`, `\n` and `\r` and may contain unescaped spaces, so a value runs to the next ` key=`.
// Time quirk: the record's own time is `rt`, else `end`, else `start` (epoch ms, or
// `MMM dd yyyy HH:mm:ss[.SSS] [zone]`, or year-less `MMM dd HH:mm:ss`), else a vendor UTC
// extension such as `UNIFIutcTime`, else the syslog header's; the choice is noted.
import type { EventCategory, Outcome } from '@shared/event'
import type { EventTime, Importer, LineOutput, ParsedEvent, ParserContext } from '../../types'
import { bad, ok } from '../../types'
import { parseSyslogHeader, prefixHeader, type SyslogHeader } from './header'
import { headerFields, syslogEvent } from './rfc3164'
import { embeddedScore, headLines, share } from './sniffing'
import { isDigit, isoStampAt, looseStamp, type LocalTime } from './stamps'
import { asIp, safeKey } from './text'

const HEADER_NAMES = ['cefVersion', 'deviceVendor', 'deviceProduct', 'deviceVersion', 'signatureId', 'name', 'severity'] as const
const TIME_KEYS = ['rt', 'deviceReceiptTime', 'end', 'endTime', 'start', 'startTime']
const BACKSLASH = 92
const PIPE = 124

/** The seven header fields, unescaped, and where the extension begins. */
export function splitCefHeader(s: string, start: number): { header: string[]; extStart: number } | string {
  const header: string[] = []
  let cur = ''
  let from = start
  let p = start
  const n = s.length
  while (p < n && header.length < 7) {
    const c = s.charCodeAt(p)
    if (c === BACKSLASH && p + 1 < n) {
      const e = s.charCodeAt(p + 1)
      if (e === PIPE || e === BACKSLASH) {
        cur += s.slice(from, p)
        from = p + 1
        p += 2
        continue
      }
    }
    if (c === PIPE) {
      header.push(cur + s.slice(from, p))
      cur = ''
      from = p + 1
    }
    p++
  }
  if (header.length < 7) return `broken CEF header: ${header.length + 1} of 8 "|"-separated fields`
  if (!/^\d{1,2}$/.test(header[0]!)) return `broken CEF header: version "${header[0]!.slice(0, 20)}" is not a number`
  return { header, extStart: p }
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 45 || c === 91 || c === 93
}

function unescapeValue(s: string, from: number, to: number): string {
  let v = s.slice(from, to)
  if (v.indexOf('\\') === -1) return v
  v = v.replace(/\\([\\=nr|])/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch))
  return v
}

/**
 * `key=value` pairs of a CEF extension. A value ends where the next unescaped `=` is
 * preceded by ` key`; an `=` with no such key before it (URLs, base64) stays in the value.
 * Every `=` is looked back from at most once, so the scan is linear.
 */
export function parseCefExtension(s: string, start: number): Record<string, string> {
  const out: Record<string, string> = {}
  const n = s.length
  let p = start
  while (p < n && s.charCodeAt(p) === 32) p++
  while (p < n) {
    let eq = p
    while (eq < n && s.charCodeAt(eq) !== 61 && s.charCodeAt(eq) !== 32) eq++
    if (eq >= n || s.charCodeAt(eq) !== 61 || eq === p) {
      // Text that is not key=value: keep it rather than lose it.
      out._unparsed = (out._unparsed ? out._unparsed + ' ' : '') + s.slice(p).trim()
      break
    }
    const key = s.slice(p, eq)
    const valStart = eq + 1
    let valEnd = n
    let next = n
    let q = valStart
    while (q < n) {
      const c = s.charCodeAt(q)
      if (c === BACKSLASH) {
        q += 2
        continue
      }
      if (c === 61) {
        let k = q - 1
        while (k >= valStart && isKeyChar(s.charCodeAt(k))) k--
        if (k >= valStart && k < q - 1 && s.charCodeAt(k) === 32) {
          valEnd = k
          next = k + 1
          break
        }
      }
      q++
    }
    while (valEnd > valStart && s.charCodeAt(valEnd - 1) === 32) valEnd--
    out[safeKey(key)] = unescapeValue(s, valStart, valEnd)
    p = next
  }
  return out
}

const AUTH_NAME = /\b(?:log ?[io]n|logon|logged (?:in|on)|log ?off|log ?out|authenticat\w*|sign[- ]?in|password|credential)|admin\w* accessed/i
const FAIL_WORD = /^(?:block|deny|denied|drop|reject|fail|prevent|quarantin|reset|terminat)/i
const OK_WORD = /^(?:allow|accept|permit|pass|success|succeeded|ok\b|granted)/i
const FAIL_NAME = /\b(?:blocked|denied|dropped|rejected|failed|failure|prevented)\b/i
const OK_NAME = /\b(?:success\w*|succeeded|accepted|allowed|permitted|accessed)\b/i

export function outcomeOf(verdict: string | undefined, name: string): Outcome {
  if (verdict) {
    if (FAIL_WORD.test(verdict)) return 'failure'
    if (OK_WORD.test(verdict)) return 'success'
  }
  if (FAIL_NAME.test(name)) return 'failure'
  if (OK_NAME.test(name)) return 'success'
  return 'unknown'
}

/** Where a CEF or LEEF payload starts in a line, and whether the `CEF:` prefix was missing. */
function locate(text: string): { at: number; missingPrefix: boolean; header: SyslogHeader | string | null } | null {
  const i = text.indexOf('CEF:')
  // "CEF:" at the start or after a space is a CEF record even when its version is broken.
  if (i !== -1 && (isDigit(text.charCodeAt(i + 4)) || i === 0 || text.charCodeAt(i - 1) === 32)) return { at: i + 4, missingPrefix: false, header: prefixHeader(text, i) }
  if (startsLikeCef(text, 0)) return { at: 0, missingPrefix: true, header: null }
  const h = parseSyslogHeader(text)
  if (typeof h !== 'string' && startsLikeCef(text, h.msgStart)) return { at: h.msgStart, missingPrefix: true, header: h }
  return null
}

/** `0|` or `1|` with at least six more pipes: a CEF header whose `CEF:` prefix was lost. */
function startsLikeCef(s: string, i: number): boolean {
  const c = s.charCodeAt(i)
  if (c < 48 || c > 57 || s.charCodeAt(i + 1) !== PIPE) return false
  let pipes = 0
  for (let p = i + 1; p < s.length && pipes < 7; p++) if (s.charCodeAt(p) === PIPE) pipes++
  return pipes >= 7
}

function pickTime(ext: Record<string, string>, h: SyslogHeader | null, ctx: ParserContext): { time: EventTime; raw: string } | string {
  for (const k of TIME_KEYS) {
    const v = ext[k]
    if (v === undefined || v === '') continue
    const t = looseStamp(v)
    if (t === null) return `CEF ${k}="${v.slice(0, 40)}" is not a time this importer reads`
    if ('error' in t) return `CEF ${k}="${v.slice(0, 40)}": ${t.error}`
    ctx.note(`cef: time from the record's ${k} field`)
    return { time: t, raw: v }
  }
  for (const k in ext) {
    if (k.length < 8 || !/utctime$/i.test(k)) continue
    const v = ext[k]!.trim()
    const t = isoStampAt(v, 0, true)
    if (!t || 'error' in t || t.end !== v.length) return `CEF ${k}="${v.slice(0, 40)}" is not an ISO 8601 time`
    // A vendor's "utc" field without a Z is still UTC by its name.
    const time: EventTime = t.time.kind === 'utc' ? t.time : { ...(t.time as LocalTime), zoneAbbrev: 'UTC' }
    ctx.note(`cef: time from the vendor extension ${k} (UTC)`)
    return { time, raw: v }
  }
  if (h) {
    ctx.note('cef: no rt/end/start in the record; time from the syslog header')
    return { time: h.time, raw: h.rawTime }
  }
  return 'CEF record has no rt/end/start and no syslog header: no time to place it'
}

function categoryOf(name: string, ext: Record<string, string>): EventCategory {
  if (AUTH_NAME.test(name) || (ext.cat !== undefined && AUTH_NAME.test(ext.cat))) return 'auth'
  if (ext.request !== undefined || ext.requestMethod !== undefined) return 'web'
  if (ext.src !== undefined || ext.dst !== undefined || ext.spt !== undefined || ext.dpt !== undefined || ext.proto !== undefined) return 'network'
  return 'other'
}

export function cefLine(text: string, ctx: ParserContext): LineOutput {
  const loc = locate(text)
  if (!loc) {
    // A plain syslog line in a CEF feed is kept as one; anything else is not ours.
    const h = parseSyslogHeader(text)
    if (typeof h === 'string') return bad(`not a CEF record: ${h}`)
    return ok(syslogEvent(h, text))
  }
  const hdr = splitCefHeader(text, loc.at)
  if (typeof hdr === 'string') return bad(hdr)
  const ext = parseCefExtension(text, hdr.extStart)
  const h = typeof loc.header === 'object' ? loc.header : null
  const t = pickTime(ext, h, ctx)
  if (typeof t === 'string') return bad(typeof loc.header === 'string' ? `${t} (the text before CEF: is not a syslog header: ${loc.header})` : t)
  if (loc.missingPrefix) ctx.note('cef: records without the "CEF:" prefix were read as CEF')

  const fields: Record<string, unknown> = h ? headerFields(h) : {}
  if (typeof loc.header === 'string') fields.prefix = text.slice(0, text.indexOf('CEF:')).trim()
  if (h && t.raw !== h.rawTime) fields.syslogTime = h.rawTime
  for (let k = 0; k < 7; k++) fields[HEADER_NAMES[k]!] = hdr.header[k]
  for (const k in ext) fields[k in fields ? `ext.${k}` : k] = ext[k]
  const labels: Record<string, string> = {}
  let labelled = false
  for (const k in ext) {
    if (!k.endsWith('Label')) continue
    const base = k.slice(0, -5)
    if (ext[base] !== undefined && ext[k] !== '') {
      labels[safeKey(ext[k]!)] = ext[base]!
      labelled = true
    }
  }
  if (labelled) fields.labels = labels

  const name = hdr.header[5]!
  const category = categoryOf(name, ext)
  const verdict = ext.act ?? ext.outcome ?? ext.deviceAction
  const ev: ParsedEvent = {
    time: t.time,
    rawTime: t.raw,
    category,
    action: verdict || name,
    outcome: outcomeOf(verdict, name),
    actor: ext.suser || ext.duser || ext.UNIFIadmin || null,
    actorId: ext.suid || ext.duid || null,
    host: ext.dvchost || h?.host || ext.UNIFIhost || ext.dvc || null,
    srcIp: asIp(ext.src ?? ext.sourceAddress),
    dstIp: asIp(ext.dst ?? ext.destinationAddress),
    message: ext.msg || name,
    fields
  }
  return ok(ev)
}

export const cef: Importer = {
  id: 'cef',
  name: 'CEF (ArcSight Common Event Format)',
  description: 'CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|key=value…, bare, syslog-prefixed, or missing the "CEF:" prefix. Time from rt/end/start, a vendor UTC field (UNIFIutcTime) or the syslog header.',
  sniff(input) {
    const lines = headLines(input)
    const score = embeddedScore(lines, (l) => {
      const i = l.indexOf('CEF:')
      return i !== -1 && l.charCodeAt(i + 4) >= 48 && l.charCodeAt(i + 4) <= 57 && typeof splitCefHeader(l, i + 4) !== 'string'
    })
    if (score > 0) return score
    // Only prefix-less `0|…` records: plausible, but pipes alone are a weak sign.
    return share(lines, (l) => startsLikeCef(l, 0)) >= 0.8 ? 0.6 : 0
  },
  createLineParser(ctx) {
    return { line: (text) => cefLine(text, ctx) }
  }
}
