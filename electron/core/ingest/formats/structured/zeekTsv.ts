// Zeek (Bro) ASCII logs: any log path in TSV with the self-describing header
// (#separator, #set_separator, #empty_field, #unset_field, #path, #fields, #types,
// #open/#close). Values are typed by #types; set[…]/vector[…] split on #set_separator;
// separators and non-printables inside values are written as \xHH. `ts` is epoch seconds
// with microseconds: an instant (UTC). #open/#close are the sensor's local clock and are
// not used for event times. A file may hold several header blocks (concatenated logs).
import type { Importer, LineParser, ParserContext, SniffInput } from '../../types'
import { bad, ok, skip } from '../../types'
import { epochSecondsText, parseIso } from './stamps'
import type { JsonObject } from './values'
import { zeekEvent } from './zeekRecord'

/** Decodes Zeek's \xHH escapes; escaped bytes may be parts of one UTF-8 character. */
export function zeekUnescape(s: string): string {
  if (!s.includes('\\x')) return s
  const parts: Buffer[] = []
  let last = 0
  for (const m of s.matchAll(/\\x([0-9a-fA-F]{2})/g)) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1]!, 16)]))
    last = m.index! + m[0].length
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'))
  return Buffer.concat(parts).toString('utf8')
}

interface Header {
  separator: string
  setSeparator: string
  empty: string
  unset: string
  path: string | null
  fields: string[] | null
  types: string[] | null
}

function scalar(raw: string, type: string): unknown {
  switch (type) {
    case 'count':
    case 'int':
    case 'port':
    case 'double':
    case 'interval':
    case 'time': {
      const n = Number(raw)
      // Huge counts stay text rather than silently losing digits.
      return Number.isFinite(n) && (Number.isSafeInteger(n) || !/^-?\d+$/.test(raw)) ? n : raw
    }
    case 'bool':
      return raw === 'T' ? true : raw === 'F' ? false : raw
    default:
      return zeekUnescape(raw)
  }
}

function typedValue(raw: string, type: string, h: Header): unknown {
  if (raw === h.unset) return undefined
  const container = /^(?:set|vector|table)\[(.+)\]$/.exec(type)
  if (container) {
    if (raw === h.empty) return []
    return raw.split(h.setSeparator).map((v) => scalar(v, container[1]!))
  }
  if (raw === h.empty) return ''
  return scalar(raw, type)
}

export function createZeekTsvParser(ctx: ParserContext): LineParser {
  let h: Header = { separator: '\t', setSeparator: ',', empty: '(empty)', unset: '-', path: null, fields: null, types: null }
  return {
    line(text) {
      if (text.startsWith('#')) {
        if (text.startsWith('#separator ')) {
          // A new header block starts: forget the previous one's fields.
          h = { ...h, separator: zeekUnescape(text.slice('#separator '.length).trim()) || '\t', path: null, fields: null, types: null }
          return skip()
        }
        const [key, ...vals] = text.slice(1).split(h.separator)
        const value = vals.join(h.separator)
        switch (key) {
          case 'set_separator':
            h.setSeparator = zeekUnescape(value) || ','
            break
          case 'empty_field':
            h.empty = value
            break
          case 'unset_field':
            h.unset = value
            break
          case 'path':
            h.path = value
            break
          case 'fields':
            h.fields = vals
            break
          case 'types':
            h.types = vals
            break
          case 'open':
          case 'close':
            ctx.note("Zeek #open/#close stamps are the sensor's local clock and are not used: event times come from ts (epoch, UTC)")
            break
        }
        return skip()
      }
      if (!h.fields) return bad("data before any #fields header")
      const cols = text.split(h.separator)
      if (cols.length !== h.fields.length) return bad(`${cols.length} columns, the #fields header has ${h.fields.length}`)
      const rec: JsonObject = {}
      h.fields.forEach((name, i) => {
        const v = typedValue(cols[i]!, h.types?.[i] ?? 'string', h)
        if (v !== undefined) rec[name] = v
      })
      const rawTime = cols[h.fields.indexOf('ts')]
      if (rawTime === undefined) return bad('no ts column in #fields')
      if (rawTime === h.unset || rawTime === h.empty) return bad('ts is unset')
      const time = epochSecondsText(rawTime) ?? parseIso(rawTime)
      if (!time) return bad(`ts "${rawTime}" is not epoch seconds`)
      return ok(zeekEvent(h.path ?? 'unknown', rec, time, rawTime))
    }
  }
}

export const zeekTsv: Importer = {
  id: 'zeek-tsv',
  name: 'Zeek TSV log',
  description: 'Zeek/Bro ASCII logs (conn, dns, http, dhcp, ssl, files, notice…) with #fields/#types headers; ts is epoch UTC.',
  sniff(input: SniffInput): number {
    const head = input.lines.slice(0, 12)
    if (!head[0]?.startsWith('#separator ')) return 0
    return head.some((l) => l.startsWith('#fields')) ? 1 : 0.85
  },
  createLineParser(ctx) {
    ctx.note('ts read as epoch seconds (UTC) with microseconds')
    return createZeekTsvParser(ctx)
  }
}
