// Reads times written with a Java SimpleDateFormat pattern, as LEEF's devTimeFormat names
// them. Supported letters: y M d H h k K m s S a z Z X E, quoted literals and any other
// character as a literal. Two choices differ from Java on purpose: S digits are a decimal
// fraction (Java counts them as whole milliseconds, which no vendor means by "SSSSSS"), and
// a two-digit year is 2000–2069 or 1970–1999 so the same text always gives the same year.
import type { EventTime } from '../../types'
import { impossibleTime, isZoneAbbrev, localTime, monthNameAt, offsetAt, utcMicros, withZone } from './stamps'

type Token = { kind: 'field'; letter: string; count: number } | { kind: 'literal'; text: string }

export type JavaDateParser = (text: string) => EventTime | { error: string } | null

const SUPPORTED = 'yMdHhkKmsSazZXE'
const cache = new Map<string, JavaDateParser | string>()

/** A parser for the pattern, or the reason it cannot be read. Compiled patterns are cached. */
export function compileJavaDateFormat(pattern: string): JavaDateParser | string {
  const hit = cache.get(pattern)
  if (hit !== undefined) return hit
  const r = compile(pattern)
  if (cache.size < 64) cache.set(pattern, r)
  return r
}

function compile(pattern: string): JavaDateParser | string {
  const tokens: Token[] = []
  let i = 0
  while (i < pattern.length) {
    const ch = pattern[i]!
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" })
        i += 2
        continue
      }
      const close = pattern.indexOf("'", i + 1)
      if (close === -1) return `unterminated quote in date pattern "${pattern}"`
      tokens.push({ kind: 'literal', text: pattern.slice(i + 1, close) })
      i = close + 1
      continue
    }
    if (/[A-Za-z]/.test(ch)) {
      if (!SUPPORTED.includes(ch)) return `date pattern letter "${ch}" is not supported`
      let j = i
      while (pattern[j] === ch) j++
      tokens.push({ kind: 'field', letter: ch, count: j - i })
      i = j
      continue
    }
    tokens.push({ kind: 'literal', text: ch })
    i++
  }
  return (text: string) => run(tokens, text.trim())
}

function isNumericField(t: Token | undefined): boolean {
  return t !== undefined && t.kind === 'field' && 'yMdHhkKmsS'.includes(t.letter) && !(t.letter === 'M' && t.count >= 3)
}

function run(tokens: Token[], s: string): EventTime | { error: string } | null {
  let p = 0
  let year: number | null = null
  let month = 1
  let day = 1
  let hour = 0
  let minute = 0
  let second = 0
  let micros = 0
  let pm: boolean | null = null
  let hour12 = false
  let offset: number | null = null
  let abbrev: string | null = null
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!
    if (t.kind === 'literal') {
      if (!s.startsWith(t.text, p)) return null
      p += t.text.length
      continue
    }
    const L = t.letter
    if (L === 'M' && t.count >= 3) {
      const m = monthNameAt(s, p)
      if (!m) return null
      month = m.month
      p = m.end
      continue
    }
    if (L === 'E') {
      let q = p
      while (q < s.length && /[A-Za-z]/.test(s[q]!)) q++
      if (q === p) return null
      p = q
      continue
    }
    if (L === 'a') {
      const ap = s.slice(p, p + 2).toUpperCase()
      if (ap !== 'AM' && ap !== 'PM') return null
      pm = ap === 'PM'
      p += 2
      continue
    }
    if (L === 'Z' || L === 'X' || L === 'z') {
      if ((L === 'X' || L === 'z') && (s[p] === 'Z' || s[p] === 'z') && !/[A-Za-z]/.test(s[p + 1] ?? '')) {
        offset = 0
        p++
        continue
      }
      let q = p
      if (L === 'z' && (s.startsWith('GMT', p) || s.startsWith('UTC', p)) && (s[p + 3] === '+' || s[p + 3] === '-')) q = p + 3
      const off = offsetAt(s, q)
      if (off) {
        offset = off.minutes
        p = off.end
        continue
      }
      if (L !== 'z') return null
      let e = p
      while (e < s.length && /[A-Za-z/_]/.test(s[e]!)) e++
      if (e === p) return null
      abbrev = s.slice(p, e)
      p = e
      continue
    }
    // Numeric field: a fixed width when the next token is also numeric (yyyyMMdd), else greedy.
    const fixed = isNumericField(tokens[k + 1])
    const max = L === 'S' ? 9 : L === 'y' ? (t.count === 2 ? 2 : 4) : 2
    const width = fixed ? Math.max(t.count, L === 'y' && t.count !== 2 ? 4 : t.count) : max
    let q = p
    while (q < s.length && q - p < width && s.charCodeAt(q) >= 48 && s.charCodeAt(q) <= 57) q++
    if (q === p || (fixed && q - p !== width)) return null
    const digits = s.slice(p, q)
    const v = Number(digits)
    p = q
    switch (L) {
      case 'y':
        year = digits.length <= 2 ? (v < 70 ? 2000 + v : 1900 + v) : v
        break
      case 'M':
        month = v
        break
      case 'd':
        day = v
        break
      case 'H':
        hour = v
        break
      case 'k':
        hour = v === 24 ? 0 : v
        break
      case 'h':
      case 'K':
        hour = L === 'h' && v === 12 ? 0 : v
        hour12 = true
        break
      case 'm':
        minute = v
        break
      case 's':
        second = v
        break
      case 'S':
        micros = Number((digits + '000000').slice(0, 6))
        break
    }
  }
  if (p !== s.length) return null
  if (hour12) {
    if (hour > 11) return { error: `impossible 12-hour clock value ${hour}` }
    if (pm) hour += 12
  }
  const why = impossibleTime(year, month, day, hour, minute, second)
  if (why) return { error: why }
  if (offset !== null) {
    if (year === null) return { error: 'a time with an offset but no year cannot be placed' }
    return { kind: 'utc', us: utcMicros(year, month, day, hour, minute, second, micros, offset) }
  }
  const t = localTime(year, month, day, hour, minute, second, micros)
  if (abbrev !== null) {
    if (abbrev === 'UTC' || abbrev === 'GMT' || abbrev === 'Z' || isZoneAbbrev(abbrev) || abbrev.includes('/')) return withZone(t, abbrev)
    return { error: `unknown zone "${abbrev}"` }
  }
  return t
}
