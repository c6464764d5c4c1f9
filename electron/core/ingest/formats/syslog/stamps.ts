// Timestamp readers shared by the syslog family. Every syslog line passes through one of
// them, so they scan characters by index instead of running regexes or cutting substrings.
// They report what the text says and nothing more: a zone-less stamp stays local, a
// year-less one has year null, and only a Z, a numeric offset or an epoch makes it UTC.
import { IANAZone } from 'luxon'
import type { EventTime } from '../../types'

export type LocalTime = Extract<EventTime, { kind: 'local' }>

/** A stamp found at a position: the time and the index just past it. */
export interface Stamp {
  time: EventTime
  end: number
}

/** A stamp that is well formed but names an impossible date or time. */
export interface StampError {
  error: string
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH_CODES = new Map<number, number>(MONTH_NAMES.map((m, i) => [(m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2), i + 1]))
const FULL_MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december']

/** Month number of a three-letter English abbreviation at `i` (any case), or 0. */
export function monthAt(s: string, i: number): number {
  if (i + 3 > s.length) return 0
  const key = ((s.charCodeAt(i) | 0x20) << 16) | ((s.charCodeAt(i + 1) | 0x20) << 8) | (s.charCodeAt(i + 2) | 0x20)
  return MONTH_CODES.get(key) ?? 0
}

/** Month number and length of an English month name (full or abbreviated) at `i`, or null. */
export function monthNameAt(s: string, i: number): { month: number; end: number } | null {
  const m = monthAt(s, i)
  if (m === 0) return null
  const full = FULL_MONTHS[m - 1]!
  if (s.length >= i + full.length && s.slice(i, i + full.length).toLowerCase() === full) return { month: m, end: i + full.length }
  return { month: m, end: i + 3 }
}

/** Value of exactly `n` decimal digits at `i`, or -1. */
export function digitsAt(s: string, i: number, n: number): number {
  if (i + n > s.length) return -1
  let v = 0
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(i + k) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
}

const MONTH_ABBR = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/**
 * Why these wall-clock fields cannot be a real time, or null. Feb 29 passes when the year
 * is unknown (it may be a leap year); the resolver checks it again once the year is known.
 */
export function impossibleTime(year: number | null, month: number, day: number, hour: number, minute: number, second: number): string | null {
  if (month < 1 || month > 12) return `impossible month ${month}`
  let max = DAYS_IN_MONTH[month - 1]!
  if (month === 2 && year !== null && !isLeap(year)) max = 28
  if (day < 1 || day > max) return `impossible date ${MONTH_ABBR[month - 1]} ${day}${year === null ? '' : ` ${year}`}`
  if (hour > 23 || minute > 59 || second > 60) return `impossible time ${hour}:${minute}:${second}`
  return null
}

/** Microseconds from fraction digits s[i..j) (any length; digits past the sixth are dropped). */
function fractionMicros(s: string, i: number, j: number): number {
  let v = 0
  for (let k = 0; k < 6; k++) v = v * 10 + (i + k < j ? s.charCodeAt(i + k) - 48 : 0)
  return v
}

function fractionEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++
  return i
}

export function localTime(year: number | null, month: number, day: number, hour: number, minute: number, second: number, micros: number, zoneAbbrev?: string): LocalTime {
  const t: LocalTime = { kind: 'local', year, month, day, hour, minute, second, micros }
  if (zoneAbbrev) t.zoneAbbrev = zoneAbbrev
  return t
}

/** UTC microseconds of wall-clock fields at a fixed offset (minutes east of UTC). */
export function utcMicros(year: number, month: number, day: number, hour: number, minute: number, second: number, micros: number, offsetMin: number): number {
  return (Date.UTC(year, month - 1, day, hour, minute, second) - offsetMin * 60_000) * 1000 + micros
}

/**
 * BSD syslog stamp at `i`: `Mmm dd hh:mm:ss`, day space-padded or not, with an optional
 * year after the day (`Jun 05 2024 10:00:01`, Cisco) and optional fractional seconds.
 */
export function bsdStampAt(s: string, i: number): Stamp | StampError | null {
  const month = monthAt(s, i)
  if (month === 0) return null
  let p = i + 3
  if (s.charCodeAt(p) !== 32) return null
  p++
  if (s.charCodeAt(p) === 32) p++
  let day = digitsAt(s, p, 2)
  if (day >= 0) p += 2
  else {
    day = digitsAt(s, p, 1)
    if (day < 0) return null
    p += 1
  }
  if (s.charCodeAt(p) !== 32) return null
  p++
  let year: number | null = null
  const y = digitsAt(s, p, 4)
  if (y >= 0 && s.charCodeAt(p + 4) === 32) {
    year = y
    p += 5
  }
  const hour = digitsAt(s, p, 2)
  if (hour < 0 || s.charCodeAt(p + 2) !== 58) return null
  const minute = digitsAt(s, p + 3, 2)
  if (minute < 0 || s.charCodeAt(p + 5) !== 58) return null
  const second = digitsAt(s, p + 6, 2)
  if (second < 0) return null
  p += 8
  let micros = 0
  if (s.charCodeAt(p) === 46 && isDigit(s.charCodeAt(p + 1))) {
    const e = fractionEnd(s, p + 1)
    micros = fractionMicros(s, p + 1, e)
    p = e
  }
  const why = impossibleTime(year, month, day, hour, minute, second)
  if (why) return { error: why }
  return { time: localTime(year, month, day, hour, minute, second, micros), end: p }
}

/**
 * ISO 8601 / RFC 3339 stamp at `i`: `yyyy-mm-ddThh:mm:ss[.f][Z|±hh:mm|±hhmm|±hh]`. With a
 * zone it is UTC; without one it is local with its year. `allowSpace` accepts a space for T.
 */
export function isoStampAt(s: string, i: number, allowSpace = true): Stamp | StampError | null {
  const year = digitsAt(s, i, 4)
  if (year < 0 || s.charCodeAt(i + 4) !== 45) return null
  const month = digitsAt(s, i + 5, 2)
  if (month < 0 || s.charCodeAt(i + 7) !== 45) return null
  const day = digitsAt(s, i + 8, 2)
  if (day < 0) return null
  const sep = s.charCodeAt(i + 10)
  if (sep !== 84 && sep !== 116 && !(allowSpace && sep === 32)) return null
  const p0 = i + 11
  const hour = digitsAt(s, p0, 2)
  if (hour < 0 || s.charCodeAt(p0 + 2) !== 58) return null
  const minute = digitsAt(s, p0 + 3, 2)
  if (minute < 0 || s.charCodeAt(p0 + 5) !== 58) return null
  const second = digitsAt(s, p0 + 6, 2)
  if (second < 0) return null
  let p = p0 + 8
  let micros = 0
  if ((s.charCodeAt(p) === 46 || s.charCodeAt(p) === 44) && isDigit(s.charCodeAt(p + 1))) {
    const e = fractionEnd(s, p + 1)
    micros = fractionMicros(s, p + 1, e)
    p = e
  }
  const why = impossibleTime(year, month, day, hour, minute, second)
  if (why) return { error: why }
  const z = s.charCodeAt(p)
  if (z === 90 || z === 122) {
    return { time: { kind: 'utc', us: utcMicros(year, month, day, hour, minute, second, micros, 0) }, end: p + 1 }
  }
  if (z === 43 || z === 45) {
    const off = offsetAt(s, p)
    if (off) return { time: { kind: 'utc', us: utcMicros(year, month, day, hour, minute, second, micros, off.minutes) }, end: off.end }
  }
  return { time: localTime(year, month, day, hour, minute, second, micros), end: p }
}

/** A numeric offset `±hh:mm`, `±hhmm` or `±hh` at `i`. */
export function offsetAt(s: string, i: number): { minutes: number; end: number } | null {
  const c = s.charCodeAt(i)
  if (c !== 43 && c !== 45) return null
  const sign = c === 45 ? -1 : 1
  const hh = digitsAt(s, i + 1, 2)
  if (hh < 0 || hh > 23) return null
  let mm = 0
  let end = i + 3
  if (s.charCodeAt(end) === 58) {
    mm = digitsAt(s, end + 1, 2)
    if (mm < 0) return null
    end += 3
  } else {
    const m2 = digitsAt(s, end, 2)
    if (m2 >= 0 && !isDigit(s.charCodeAt(end + 2))) {
      mm = m2
      end += 2
    }
  }
  if (mm > 59) return null
  return { minutes: sign * (hh * 60 + mm), end }
}

/**
 * Epoch digits as UTC microseconds, the unit told by the number of digits: ≤11 seconds,
 * 12–14 milliseconds, 15–17 microseconds, 18–20 nanoseconds. A decimal point means seconds.
 * Nanoseconds are cut as text because they do not fit a double exactly.
 */
export function epochMicros(text: string): number | null {
  const t = text.trim()
  const dot = t.indexOf('.')
  if (dot !== -1) {
    if (!/^\d{1,11}\.\d{1,9}$/.test(t)) return null
    return Number(t.slice(0, dot)) * 1e6 + fractionMicros(t, dot + 1, t.length)
  }
  if (!/^\d{1,20}$/.test(t)) return null
  const n = t.length
  if (n <= 11) return Number(t) * 1e6
  if (n <= 14) return Number(t) * 1e3
  if (n <= 17) return Number(t)
  return Number(t.slice(0, n - 3))
}

/** Letters-only token that may be a zone abbreviation (EDT, CEST, UTC). */
export function isZoneAbbrev(s: string): boolean {
  if (s.length < 1 || s.length > 5) return false
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k)
    if (c < 65 || c > 90) return false
  }
  return true
}

/**
 * A free-standing device stamp as CEF and LEEF vendors write it: epoch seconds/ms,
 * `MMM dd yyyy HH:mm:ss[.SSS] [zone]`, year-less `MMM dd HH:mm:ss[.SSS] [zone]`, or ISO 8601.
 * The zone may be an abbreviation (left to the resolver), a numeric or GMT±hh:mm offset,
 * or an IANA name. Returns null when the text is none of these.
 */
export function looseStamp(text: string): EventTime | StampError | null {
  const t = text.trim()
  if (t === '') return null
  const c0 = t.charCodeAt(0)
  if (isDigit(c0)) {
    const ep = epochMicros(t)
    if (ep !== null) return { kind: 'utc', us: ep }
    const iso = isoStampAt(t, 0, true)
    if (iso && 'error' in iso) return iso
    if (iso && iso.end === t.length) return iso.time
    return null
  }
  const bsd = bsdStampAt(t, 0)
  if (!bsd) return null
  if ('error' in bsd) return bsd
  const rest = t.slice(bsd.end).trim()
  if (rest === '') return bsd.time
  return withZone(bsd.time as LocalTime, rest)
}

/** Applies a zone written after a local stamp: abbreviation, offset, GMT±hh[:mm] or IANA name. */
export function withZone(t: LocalTime, zone: string): EventTime | StampError | null {
  let z = zone
  if ((z.startsWith('GMT') || z.startsWith('UTC')) && z.length > 3) z = z.slice(3)
  const off = offsetAt(z, 0)
  if (off && off.end === z.length) {
    if (t.year === null) return { error: `year-less stamp with offset ${zone}: cannot place it` }
    return { kind: 'utc', us: utcMicros(t.year, t.month, t.day, t.hour, t.minute, t.second, t.micros, off.minutes) }
  }
  if (isZoneAbbrev(zone)) return { ...t, zoneAbbrev: zone }
  if (zone.includes('/')) {
    const iana = IANAZone.create(zone)
    if (!iana.isValid) return { error: `unknown time zone "${zone}"` }
    if (t.year === null) return { error: `year-less stamp in zone ${zone}: cannot place it` }
    // The zone named in the record fixes the offset; no guess is involved.
    const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second)
    let offset = iana.offset(wall)
    offset = iana.offset(wall - offset * 60_000)
    return { kind: 'utc', us: (wall - offset * 60_000) * 1000 + t.micros }
  }
  return null
}
