// Wall-clock values as a device printed them (no zone), and their resolution to UTC in an
// IANA zone. Same rule as ingest/timeResolve.ts, but a DST fold keeps BOTH instants so
// placement can refuse to pick one silently.
import { IANAZone } from 'luxon'

export interface WallClock {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  micros: number
}

export const US_PER_SECOND = 1_000_000
export const US_PER_MINUTE = 60 * US_PER_SECOND
export const US_PER_HOUR = 60 * US_PER_MINUTE
export const US_PER_DAY = 24 * US_PER_HOUR

export function wallClock(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, micros = 0): WallClock {
  return { year, month, day, hour, minute, second, micros }
}

/** True when the fields name a real calendar date and time of day (no leap seconds). */
export function isValidWallClock(w: WallClock): boolean {
  const ints = [w.year, w.month, w.day, w.hour, w.minute, w.second, w.micros]
  if (!ints.every(Number.isInteger)) return false
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31) return false
  if (w.hour > 23 || w.minute > 59 || w.second > 59 || w.hour < 0 || w.minute < 0 || w.second < 0) return false
  if (w.micros < 0 || w.micros >= US_PER_SECOND) return false
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day))
  return d.getUTCFullYear() === w.year && d.getUTCMonth() === w.month - 1 && d.getUTCDate() === w.day
}

/** The wall clock read as if it were UTC: how Hikvision indexes and ffmpeg's dhav demuxer store camera time. */
export function wallClockAsIfUtcUs(w: WallClock): number {
  const base = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  // Date.UTC maps years 0..99 to 1900+; set the year explicitly.
  const d = new Date(base)
  if (w.year >= 0 && w.year < 100) d.setUTCFullYear(w.year)
  return d.getTime() * 1000 + w.micros
}

export function wallClockFromAsIfUtcUs(us: number): WallClock {
  const ms = Math.floor(us / 1000)
  const d = new Date(ms)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    micros: us - Math.floor(us / US_PER_SECOND) * US_PER_SECOND
  }
}

export function addDays(w: WallClock, days: number): WallClock {
  return wallClockFromAsIfUtcUs(wallClockAsIfUtcUs(w) + days * US_PER_DAY)
}

const p2 = (n: number) => String(n).padStart(2, '0')

/** `2024-05-03 19:53:47[.123456]`, no zone: a wall-clock reading, not an instant. */
export function formatWallClock(w: WallClock): string {
  const frac = w.micros ? `.${String(w.micros).padStart(6, '0').replace(/0+$/, '')}` : ''
  return `${String(w.year).padStart(4, '0')}-${p2(w.month)}-${p2(w.day)} ${p2(w.hour)}:${p2(w.minute)}:${p2(w.second)}${frac}`
}

/** `+02:00` style text for an offset in minutes east of UTC. */
export function formatOffsetMinutes(min: number): string {
  const sign = min < 0 ? '-' : '+'
  const a = Math.abs(min)
  return `${sign}${p2(Math.floor(a / 60))}:${p2(a % 60)}`
}

export type ZoneResolution =
  | { kind: 'exact'; us: number; offsetMinutes: number }
  /** The wall clock happened twice (clocks went back): both instants, earlier first. */
  | { kind: 'fold'; earlierUs: number; laterUs: number; offsetsMinutes: [number, number] }
  /** The wall clock never happened (clocks went forward): read with the offset before the jump. */
  | { kind: 'gap'; us: number; offsetMinutes: number; offsetAfterMinutes: number }
  | { kind: 'invalid'; reason: string }

export function isKnownZone(zone: string): boolean {
  return IANAZone.create(zone).isValid
}

export function resolveWallClock(w: WallClock, zoneName: string): ZoneResolution {
  if (!isValidWallClock(w)) return { kind: 'invalid', reason: `no such date or time: ${formatWallClock(w)}` }
  const zone = IANAZone.create(zoneName)
  if (!zone.isValid) return { kind: 'invalid', reason: `unknown time zone "${zoneName}"` }
  const wallMs = (wallClockAsIfUtcUs(w) - w.micros) / 1000
  const around = new Set([zone.offset(wallMs - 86_400_000), zone.offset(wallMs), zone.offset(wallMs + 86_400_000)])
  const fits = [...around].filter((o) => zone.offset(wallMs - o * 60_000) === o).sort((a, b) => b - a)
  const toUs = (offset: number) => (wallMs - offset * 60_000) * 1000 + w.micros
  if (fits.length === 0) {
    const before = zone.offset(wallMs - 86_400_000)
    return { kind: 'gap', us: toUs(before), offsetMinutes: before, offsetAfterMinutes: zone.offset(wallMs + 86_400_000) }
  }
  if (fits.length === 1) return { kind: 'exact', us: toUs(fits[0]!), offsetMinutes: fits[0]! }
  // Larger offset east of UTC = earlier instant.
  return { kind: 'fold', earlierUs: toUs(fits[0]!), laterUs: toUs(fits[fits.length - 1]!), offsetsMinutes: [fits[0]!, fits[fits.length - 1]!] }
}

/** Offset (minutes east of UTC) of a zone at an instant. */
export function zoneOffsetAt(zoneName: string, us: number): number {
  return IANAZone.create(zoneName).offset(Math.floor(us / 1000))
}

/** "43.2 s", "12 min 5.3 s", "1 h 2 min 3 s", "2 d 1 h": magnitude only, ms precision. */
export function describeDuration(us: number): string {
  let ms = Math.round(Math.abs(us) / 1000)
  const days = Math.floor(ms / 86_400_000)
  ms -= days * 86_400_000
  const h = Math.floor(ms / 3_600_000)
  ms -= h * 3_600_000
  const m = Math.floor(ms / 60_000)
  ms -= m * 60_000
  const s = (ms / 1000).toFixed(3).replace(/\.?0+$/, '')
  const parts: string[] = []
  if (days) parts.push(`${days} d`)
  if (h) parts.push(`${h} h`)
  if (m) parts.push(`${m} min`)
  if (s !== '0' || parts.length === 0) parts.push(`${s} s`)
  return parts.join(' ')
}
