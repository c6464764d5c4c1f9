// Reads the timestamp spellings access-control exports use into EventTime without ever
// choosing a zone: Z, a numeric offset or an epoch number fixes the instant; anything else
// is wall-clock fields (with a zone abbreviation when one is printed) for the pipeline to
// resolve with the source's recorded zone.
import type { EventTime } from '../../types'

export type LocalTime = Extract<EventTime, { kind: 'local' }>

/**
 * iso: `yyyy-MM-dd[T ]HH:mm[:ss[.f]] [AM|PM]` (also `/` in the date) with optional Z, offset or abbreviation.
 * us: `M/d/yyyy h:mm[:ss] [AM|PM]` (month first, US vendors).
 * dmy: `d-M-yyyy H:mm[:ss]` or `d/M/yyyy …` (day first, UK/EU vendors).
 * epoch: seconds, milliseconds, microseconds or nanoseconds since 1970, told apart by magnitude.
 */
export type StampStyle = 'iso' | 'us' | 'dmy' | 'epoch'

const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?\s*(?:(Z|[+-]\d{2}(?::?\d{2})?)|([A-Za-z]{2,5}))?$/
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*([AaPp]\.?[Mm]\.?)?(?:\s+([A-Za-z]{2,5}))?$/
const DMY = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s+([A-Za-z]{2,5}))?$/
const EPOCH = /^(\d{9,19})(?:\.(\d{1,9}))?$/

const micros = (frac: string | undefined): number => (frac ? Number((frac + '000000').slice(0, 6)) : 0)

function local(y: string, mo: string, d: string, h: string, mi: string, s: string | undefined, frac: string | undefined, abbrev?: string): LocalTime {
  const t: LocalTime = {
    kind: 'local',
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: s ? Number(s) : 0,
    micros: micros(frac)
  }
  // UTC/GMT printed as a word fixes the instant just like Z.
  if (abbrev) t.zoneAbbrev = abbrev.toUpperCase()
  return t
}

/** Wall-clock fields read as UTC; null for a date that does not exist. */
export function localAsUtc(t: LocalTime): EventTime | null {
  if (t.year === null) return null
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59) return null
  const ms = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second)
  const check = new Date(ms)
  if (check.getUTCDate() !== t.day || check.getUTCMonth() !== t.month - 1) return null
  return { kind: 'utc', us: ms * 1000 + t.micros }
}

function withOffset(t: LocalTime, zone: string): EventTime | null {
  const utc = localAsUtc(t)
  if (!utc || utc.kind !== 'utc') return null
  if (zone.toUpperCase() === 'Z') return utc
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'))
  if (Math.abs(offsetMin) > 18 * 60) return null
  return { kind: 'utc', us: utc.us - offsetMin * 60_000_000 }
}

function fixAbbrev(t: LocalTime): EventTime | null {
  if (t.zoneAbbrev === 'UTC' || t.zoneAbbrev === 'GMT' || t.zoneAbbrev === 'UT') {
    delete t.zoneAbbrev
    return localAsUtc(t)
  }
  return t
}

function hour12(h: string, ampm: string | undefined): string | null {
  if (!ampm) return h
  const n = Number(h)
  if (n < 1 || n > 12) return null
  const pm = ampm[0]!.toLowerCase() === 'p'
  return String((n % 12) + (pm ? 12 : 0))
}

/** Epoch number → UTC µs; the magnitude tells the unit (1e11 s is the year 5138). */
export function epochToUs(text: string): { us: number; unit: string } | null {
  const m = EPOCH.exec(text.trim())
  if (!m) return null
  const int = BigInt(m[1]!)
  const frac = m[2] ?? ''
  let us: bigint
  let unit: string
  if (int < 100_000_000_000n) {
    us = int * 1_000_000n + BigInt((frac + '000000').slice(0, 6))
    unit = 'seconds'
  } else if (int < 100_000_000_000_000n) {
    us = int * 1000n + BigInt((frac + '000').slice(0, 3))
    unit = 'milliseconds'
  } else if (int < 100_000_000_000_000_000n) {
    us = int
    unit = 'microseconds'
  } else {
    us = int / 1000n
    unit = 'nanoseconds'
  }
  return { us: Number(us), unit }
}

/** The first style that reads the text, or null. */
export function parseStamp(text: string, styles: readonly StampStyle[]): EventTime | null {
  const s = text.trim()
  for (const style of styles) {
    if (style === 'iso') {
      const m = ISO.exec(s)
      if (!m) continue
      const h = hour12(m[4]!, m[8])
      if (h === null) return null
      const t = local(m[1]!, m[2]!, m[3]!, h, m[5]!, m[6], m[7], m[10])
      return m[9] ? withOffset(t, m[9]) : fixAbbrev(t)
    }
    if (style === 'us') {
      const m = US.exec(s)
      if (!m) continue
      const h = hour12(m[4]!, m[8])
      if (h === null) return null
      return fixAbbrev(local(m[3]!, m[1]!, m[2]!, h, m[5]!, m[6], m[7], m[9]))
    }
    if (style === 'dmy') {
      const m = DMY.exec(s)
      if (!m) continue
      return fixAbbrev(local(m[3]!, m[2]!, m[1]!, m[4]!, m[5]!, m[6], m[7], m[8]))
    }
    if (style === 'epoch') {
      const e = epochToUs(s)
      if (e) return { kind: 'utc', us: e.us }
    }
  }
  return null
}

/**
 * Reads a stamp from a column whose name or documentation declares UTC: zone-less wall
 * time becomes an instant, a stamp that carries its own offset keeps it.
 */
export function parseStampAsUtc(text: string, styles: readonly StampStyle[]): EventTime | null {
  const t = parseStamp(text, styles)
  if (!t || t.kind === 'utc') return t
  if (t.zoneAbbrev) return t
  return localAsUtc(t)
}

/** Reads a stamp from a column that names its zone abbreviation (Lenel `Event_Time_CST`). */
export function parseStampInAbbrev(text: string, styles: readonly StampStyle[], abbrev: string): EventTime | null {
  const t = parseStamp(text, styles)
  if (!t || t.kind === 'utc' || t.zoneAbbrev) return t
  return { ...t, zoneAbbrev: abbrev.toUpperCase() }
}
