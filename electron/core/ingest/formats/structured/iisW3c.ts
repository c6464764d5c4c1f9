// W3C Extended Log File Format as written by IIS (and others): `#Software`, `#Version`,
// `#Date`, then `#Fields: date time s-ip cs-method cs-uri-stem …` naming the space-separated
// columns; a new `#Fields` line (after a restart) changes the layout mid-file. `-` is an
// empty value; IIS writes spaces inside values as `+`. IIS writes `date time` in UTC
// whatever the server zone (its "local time" option only affects file naming and
// rollover), so stamps are read as UTC and the import notes say so. A log without a
// `date` column takes the date from the `#Date` directive.
import type { Outcome } from '@shared/event'
import type { Importer, LineParser, SniffInput } from '../../types'
import { bad, ok, skip } from '../../types'
import { fractionMicros, utcFromParts } from './stamps'
import { ipOrNull, type JsonObject } from './values'

const NUMERIC = new Set(['sc-status', 'sc-substatus', 'sc-win32-status', 'time-taken', 's-port', 'sc-bytes', 'cs-bytes'])

/** Splits on single spaces; a value that opens a double quote runs to its closing quote. */
function tokens(text: string): string[] {
  const out: string[] = []
  let i = 0
  while (i <= text.length) {
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1)
      if (end !== -1 && (text[end + 1] === ' ' || end + 1 === text.length)) {
        out.push(text.slice(i + 1, end))
        i = end + 2
        continue
      }
    }
    const sp = text.indexOf(' ', i)
    const end = sp === -1 ? text.length : sp
    out.push(text.slice(i, end))
    i = end + 1
  }
  return out
}

export const iisW3c: Importer = {
  id: 'iis-w3c',
  name: 'IIS / W3C extended log',
  description: 'W3C extended log files (IIS and others) described by #Fields; date and time are UTC by IIS convention.',
  sniff(input: SniffInput): number {
    const head = input.lines.slice(0, 20)
    const fields = head.find((l) => l.startsWith('#Fields:'))
    if (head.some((l) => l.startsWith('#Software: Microsoft Internet Information Services')) && fields) return 1
    if (fields && head.some((l) => l.startsWith('#Version:')) && /\btime\b/.test(fields)) return 0.9
    return 0
  },
  createLineParser(ctx): LineParser {
    let fields: string[] | null = null
    let headerDate: string | null = null
    const directives: JsonObject = {}
    return {
      line(text) {
        if (text.startsWith('#')) {
          const m = /^#([A-Za-z-]+):\s*(.*)$/.exec(text)
          if (!m) return skip()
          const [, key, value] = m
          if (key === 'Fields') {
            fields = value!.trim().split(/\s+/)
            if (fields.includes('date') || fields.includes('time')) ctx.note('W3C date and time read as UTC (IIS writes W3C logs in UTC)')
          } else if (key === 'Date') headerDate = value!.trim().split(/\s+/)[0] ?? null
          else directives[key!] = value
          return skip()
        }
        if (!fields) return bad('data before any #Fields directive')
        const vals = tokens(text)
        if (vals.length !== fields.length) return bad(`${vals.length} values, #Fields names ${fields.length}`)
        const rec: Record<string, string> = {}
        fields.forEach((f, i) => {
          rec[f] = vals[i]!
        })
        const date = rec.date ?? headerDate
        const clock = rec.time
        if (!date || !clock) return bad('no date or time column')
        const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
        const t = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(clock)
        const time = d && t ? utcFromParts(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3]), fractionMicros(t[4]), 0) : null
        if (!time) return bad(`"${date} ${clock}" is not a W3C date and time`)
        const out: JsonObject = {}
        for (const [k, v] of Object.entries(rec)) {
          if (v === '-' || k === 'date' || k === 'time') continue
          out[k] = NUMERIC.has(k) && /^\d+$/.test(v) ? Number(v) : v
        }
        if (Object.keys(directives).length) out.directives = { ...directives }
        const status = typeof out['sc-status'] === 'number' ? out['sc-status'] : null
        const outcome: Outcome = status === null ? 'unknown' : status >= 400 ? 'failure' : 'success'
        const method = rec['cs-method'] && rec['cs-method'] !== '-' ? rec['cs-method'] : null
        const stem = rec['cs-uri-stem'] ?? '-'
        const query = rec['cs-uri-query'] && rec['cs-uri-query'] !== '-' ? `?${rec['cs-uri-query']}` : ''
        const user = rec['cs-username'] && rec['cs-username'] !== '-' ? rec['cs-username'] : null
        return ok({
          time,
          rawTime: `${date} ${clock}`,
          category: 'web',
          action: method ?? 'request',
          outcome,
          actor: user,
          srcIp: ipOrNull(rec['c-ip']),
          dstIp: ipOrNull(rec['s-ip']),
          host: rec['s-computername'] && rec['s-computername'] !== '-' ? rec['s-computername'] : null,
          message: `${method ?? ''} ${stem}${query} → ${status ?? '-'}${user ? ` (user ${user})` : ''}`.trim(),
          fields: out
        })
      }
    }
  }
}
