// Timestamp readers shared by the structured importers. They turn text exactly as written
// into an EventTime and never assume a zone: text with Z or a numeric offset (or an epoch
// number) is an instant; text without one is returned as local wall-clock time.
import type { EventTime } from '../../types'

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/** 1–12 for an English month abbreviation or name, undefined otherwise. */
export function monthNumber(name: string): number | undefined {
  const i = MONTHS.indexOf(name.slice(0, 3).toLowerCase())
  return i === -1 ? undefined : i + 1
}

/**
 * Digits after the decimal point as microseconds. Anything finer is dropped, not rounded,
 * so a 7-digit Windows/Entra fraction never moves an event into the next microsecond.
 */
export function fractionMicros(frac: string | undefined): number {
  if (!frac) return 0
  return Number(frac.slice(0, 6).padEnd(6, '0'))
}

function validWallClock(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false
  const probe = new Date(Date.UTC(y, mo - 1, d))
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d
}

/** An instant from wall-clock fields plus the offset (minutes east of UTC) printed beside them. */
export function utcFromParts(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  micros: number,
  offsetMinutes: number
): EventTime | null {
  if (!validWallClock(y, mo, d, h, mi, s)) return null
  // Date.UTC treats years 0–99 as 1900+; set the year explicitly so any 4-digit year stays itself.
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s))
  date.setUTCFullYear(y)
  const ms = date.getTime() - offsetMinutes * 60_000
  return { kind: 'utc', us: ms * 1000 + micros }
}

/** Local wall-clock time (no zone in the text), validated. */
export function localFromParts(
  y: number | null,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  micros: number
): EventTime | null {
  if (!validWallClock(y ?? 2000, mo, d, h, mi, s)) return null
  return { kind: 'local', year: y, month: mo, day: d, hour: h, minute: mi, second: s, micros }
}

/** "+0300", "-03:00", "+03", "Z" → minutes east of UTC; null when not an offset. */
export function offsetMinutes(zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)
  if (!m) return null
  const hours = Number(m[2])
  const minutes = Number(m[3] ?? '0')
  if (hours > 18 || minutes > 59) return null
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes)
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/

/**
 * ISO 8601 / RFC 3339. With Z or an offset: an instant (`-0000`, "offset unknown" in RFC
 * 3339, still names UTC). Without: local wall-clock time. Null when the text is not ISO.
 */
export function parseIso(text: string): EventTime | null {
  const m = ISO.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const micros = fractionMicros(frac)
  if (zone === undefined) return localFromParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), micros)
  const off = offsetMinutes(zone)
  if (off === null) return null
  return utcFromParts(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), micros, off)
}

/** ISO text that must name its instant (Z or offset); local or malformed text gives null. */
export function parseIsoInstant(text: string): EventTime | null {
  const t = parseIso(text)
  return t && t.kind === 'utc' ? t : null
}

// Past this an epoch number is surely not seconds since 1970 (year 5138).
const MAX_EPOCH_SECONDS = 1e11

/** Epoch seconds written as decimal text ("1632928690.500620"), exact to the microsecond. */
export function epochSecondsText(text: string): EventTime | null {
  const m = /^(\d{1,11})(?:\.(\d+))?$/.exec(text.trim())
  if (!m) return null
  const secs = Number(m[1])
  if (secs > MAX_EPOCH_SECONDS) return null
  return { kind: 'utc', us: secs * 1_000_000 + fractionMicros(m[2]) }
}

/** Epoch seconds as a JSON number; the decimal text is used so no float error creeps in. */
export function epochSecondsNumber(n: number): EventTime | null {
  if (!Number.isFinite(n) || n < 0 || n > MAX_EPOCH_SECONDS) return null
  return epochSecondsText(String(n).includes('e') ? n.toFixed(6) : String(n))
}

/** Epoch milliseconds (UniFi, JavaScript clocks). */
export function epochMillis(n: number): EventTime | null {
  if (!Number.isFinite(n) || n < 0 || n > MAX_EPOCH_SECONDS * 1000) return null
  return { kind: 'utc', us: Math.round(n * 1000) }
}
