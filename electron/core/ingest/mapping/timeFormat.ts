// Reads a mapped column's timestamp with the format its profile declares: 'iso',
// 'epoch-s', 'epoch-ms', or a luxon token format ("dd/MM/yyyy HH:mm:ss"). A format with an
// offset token (Z, ZZ, ZZZ, z) fixes the instant; otherwise the wall-clock fields go to the
// pipeline, as UTC when the profile says zone 'utc', else in the source's zone. A format
// without a year leaves the year to the pipeline's inference.
import { DateTime, type TokenParser } from 'luxon'
import { checkTimeFormat, timeFormatTokens as tokensOf } from '@shared/mappingProfile'
import type { EventTime } from '../types'
import { localAsUtc, parseStamp, type LocalTime } from '../formats/badge/stampText'

export { checkTimeFormat }

export type TimeZoneMode = 'utc' | 'local'

const EPOCH = /^(-?\d{1,16})(?:\.(\d{1,9}))?$/

function epoch(text: string, unitUs: bigint): EventTime | null {
  const m = EPOCH.exec(text.trim())
  if (!m) return null
  const neg = m[1]!.startsWith('-')
  const int = BigInt(m[1]!)
  const digits = unitUs === 1_000_000n ? 6 : 3
  let frac = BigInt(((m[2] ?? '') + '000000').slice(0, digits))
  if (neg) frac = -frac
  return { kind: 'utc', us: Number(int * unitUs + frac) }
}

/** A reusable reader for one profile's time column. */
export function timeReader(format: string, zone: TimeZoneMode): (text: string) => EventTime | null {
  const asZone = (t: EventTime | null): EventTime | null => {
    if (!t || t.kind === 'utc' || zone === 'local' || t.zoneAbbrev) return t
    return t.year === null ? { ...t, zoneAbbrev: 'UTC' } : localAsUtc(t)
  }
  if (format === 'iso') return (text) => asZone(parseStamp(text, ['iso']))
  if (format === 'epoch-s') return (text) => epoch(text, 1_000_000n)
  if (format === 'epoch-ms') return (text) => epoch(text, 1000n)

  const tokens = tokensOf(format)
  const hasOffset = /[Zz]/.test(tokens)
  // D, f and F are luxon's localised date macros, which include the year.
  const hasYear = /[yDfF]/.test(tokens)
  const parser: TokenParser = DateTime.buildFormatParser(format, { locale: 'en-US' })
  return (text) => {
    const dt = DateTime.fromFormatParser(text.trim(), parser, { zone: 'utc', setZone: true })
    if (!dt.isValid) return null
    if (hasOffset || /[Xx]/.test(tokens)) return { kind: 'utc', us: dt.toMillis() * 1000 }
    const wall: LocalTime = {
      kind: 'local',
      year: hasYear ? dt.year : null,
      month: dt.month,
      day: dt.day,
      hour: dt.hour,
      minute: dt.minute,
      second: dt.second,
      micros: dt.millisecond * 1000
    }
    return asZone(wall)
  }
}
