// Turns an importer's EventTime into UTC microseconds using the decisions recorded for
// its source: the zone assumed for zone-less stamps, the year for year-less stamps (an
// explicit year, or inferred from the file's mtime with roll-over when months go
// backwards), zone abbreviations mapped to fixed offsets, and a clock offset on top.
// Every decision is counted so the import report and custody log can state it.
// Luxon's IANA zone data (from the runtime's Intl) supplies offsets and DST rules.
import { IANAZone } from 'luxon'
import type { EventTime } from './types'

/** Abbreviations that name one offset unambiguously, in minutes east of UTC. */
export const ZONE_ABBREVIATIONS: Record<string, number> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120,
  EET: 120, EEST: 180, MSK: 180, EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360,
  PST: -480, PDT: -420, AKST: -540, AKDT: -480, HST: -600, JST: 540, KST: 540, HKT: 480, SGT: 480,
  AWST: 480, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780
}
/** Abbreviations used for more than one zone: never guessed. */
export const AMBIGUOUS_ABBREVIATIONS = new Set(['IST', 'AST', 'ADT', 'CST6', 'BT', 'SST'])

export interface TimeSettings {
  /** IANA zone for stamps without a zone or offset. */
  timeZone: string
  /** Year for year-less stamps, given by the investigator; null = infer. */
  explicitYear: number | null
  /** The file's modification time (UTC µs), the anchor for year inference. */
  fileMtimeUs: number | null
  /** Clock correction added to every resolved time (µs). */
  offsetUs: number
}

export interface TimeFlags {
  dstAmbiguous: boolean
  dstGap: boolean
  yearInferred: boolean
  zoneAssumed: boolean
}

export type Resolved = { us: number; sourceUs: number; flags: TimeFlags } | { error: string }

export interface TimeDecisions {
  timeZone: string
  offsetUs: number
  explicitYear: number | null
  stampsWithZone: number
  stampsInSourceZone: number
  abbreviations: Record<string, { offsetMinutes: number; count: number }>
  yearInference: null | {
    basis: 'explicit' | 'file-mtime' | 'current-date'
    firstYear: number
    rollovers: { recordIndex: number; toYear: number }[]
    lateRecords: number
  }
  dstAmbiguous: number
  dstGap: number
}

export class TimeResolver {
  private readonly zone: IANAZone
  private currentYear: number | null = null
  private lastMonth = 0
  private recordIndex = 0
  private readonly decisions: TimeDecisions
  private readonly offsetCache = new Map<number, { offset: number; ambiguous: boolean; gap: boolean }>()

  constructor(private readonly settings: TimeSettings) {
    this.zone = IANAZone.create(settings.timeZone)
    if (!this.zone.isValid) throw new Error(`Unknown time zone "${settings.timeZone}".`)
    this.decisions = {
      timeZone: settings.timeZone,
      offsetUs: settings.offsetUs,
      explicitYear: settings.explicitYear,
      stampsWithZone: 0,
      stampsInSourceZone: 0,
      abbreviations: {},
      yearInference: null,
      dstAmbiguous: 0,
      dstGap: 0
    }
  }

  resolve(t: EventTime): Resolved {
    this.recordIndex++
    const flags: TimeFlags = { dstAmbiguous: false, dstGap: false, yearInferred: false, zoneAssumed: false }
    if (t.kind === 'utc') {
      this.decisions.stampsWithZone++
      return { us: t.us + this.settings.offsetUs, sourceUs: t.us, flags }
    }
    const { month, day, hour, minute, second, micros } = t
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
      return { error: `impossible date or time (${month}/${day} ${hour}:${minute}:${second})` }
    }
    let year = t.year
    if (year === null) {
      year = this.inferYear(t)
      flags.yearInferred = this.settings.explicitYear === null
    }
    const wallMs = Date.UTC(year, month - 1, day, hour, minute, second)
    const check = new Date(wallMs)
    if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return { error: `no such date ${year}-${month}-${day}` }

    let offsetMin: number
    if (t.zoneAbbrev) {
      const abbrev = t.zoneAbbrev.toUpperCase()
      const known = ZONE_ABBREVIATIONS[abbrev]
      if (known === undefined) {
        return {
          error: AMBIGUOUS_ABBREVIATIONS.has(abbrev)
            ? `zone abbreviation ${abbrev} names several zones; set the source's zone to import it`
            : `unknown zone abbreviation ${abbrev}`
        }
      }
      offsetMin = known
      const seen = (this.decisions.abbreviations[abbrev] ??= { offsetMinutes: known, count: 0 })
      seen.count++
      this.decisions.stampsWithZone++
    } else {
      const r = this.localOffset(wallMs)
      offsetMin = r.offset
      flags.dstAmbiguous = r.ambiguous
      flags.dstGap = r.gap
      flags.zoneAssumed = true
      this.decisions.stampsInSourceZone++
      if (r.ambiguous) this.decisions.dstAmbiguous++
      if (r.gap) this.decisions.dstGap++
    }
    const sourceUs = (wallMs - offsetMin * 60_000) * 1000 + micros
    return { us: sourceUs + this.settings.offsetUs, sourceUs, flags }
  }

  summary(): TimeDecisions {
    return structuredClone(this.decisions)
  }

  /**
   * Offset of a wall-clock time in the source zone. In a DST fold two offsets fit: the
   * earlier instant (first occurrence) is taken and flagged. In a DST gap none fits: the
   * offset before the gap is used (the clock had not yet jumped) and flagged.
   */
  private localOffset(wallMs: number): { offset: number; ambiguous: boolean; gap: boolean } {
    // Zone rules change only on quarter-hour boundaries, and asking Intl for an offset is
    // slow (tens of µs): cache the answer per quarter hour of wall-clock time.
    const bucket = Math.floor(wallMs / 900_000)
    const cached = this.offsetCache.get(bucket)
    if (cached) return cached
    if (this.offsetCache.size > 200_000) this.offsetCache.clear()
    const answer = this.computeLocalOffset(bucket * 900_000)
    this.offsetCache.set(bucket, answer)
    return answer
  }

  private computeLocalOffset(wallMs: number): { offset: number; ambiguous: boolean; gap: boolean } {
    const candidates = new Set([this.zone.offset(wallMs - 86_400_000), this.zone.offset(wallMs + 86_400_000), this.zone.offset(wallMs)])
    const fits = [...candidates].filter((o) => this.zone.offset(wallMs - o * 60_000) === o)
    if (fits.length === 0) return { offset: this.zone.offset(wallMs - 86_400_000), ambiguous: false, gap: true }
    if (fits.length === 1) return { offset: fits[0]!, ambiguous: false, gap: false }
    return { offset: Math.max(...fits), ambiguous: true, gap: false }
  }

  private inferYear(t: Extract<EventTime, { kind: 'local' }>): number {
    if (this.currentYear === null) {
      let basis: 'explicit' | 'file-mtime' | 'current-date'
      let year: number
      if (this.settings.explicitYear !== null) {
        basis = 'explicit'
        year = this.settings.explicitYear
      } else {
        const anchorMs = this.settings.fileMtimeUs !== null ? this.settings.fileMtimeUs / 1000 : Date.now()
        basis = this.settings.fileMtimeUs !== null ? 'file-mtime' : 'current-date'
        year = new Date(anchorMs).getUTCFullYear()
        // A log cannot start after the file was last written: if it would, it began the year before.
        if (Date.UTC(year, t.month - 1, t.day, t.hour, t.minute) > anchorMs + 2 * 86_400_000) year--
      }
      this.currentYear = year
      this.lastMonth = t.month
      this.decisions.yearInference = { basis, firstYear: year, rollovers: [], lateRecords: 0 }
      return year
    }
    const delta = t.month - this.lastMonth
    if (delta < -6) {
      this.currentYear++
      this.decisions.yearInference!.rollovers.push({ recordIndex: this.recordIndex, toYear: this.currentYear })
      this.lastMonth = t.month
      return this.currentYear
    }
    if (delta > 6) {
      // A record from just before the last roll-over, written out of order.
      this.decisions.yearInference!.lateRecords++
      return this.currentYear - 1
    }
    this.lastMonth = t.month
    return this.currentYear
  }
}

/** Parses a clock offset such as "+43s", "-1h2m", "-00:05:10", "+250ms" into microseconds. */
export function parseClockOffset(text: string): number {
  const s = text.trim()
  const hms = /^([+-])?(\d+):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(s)
  if (hms) {
    const sign = hms[1] === '-' ? -1 : 1
    const us = ((Number(hms[2]) * 60 + Number(hms[3])) * 60 + Number(hms[4])) * 1e6 + Number((hms[5] ?? '').padEnd(6, '0'))
    return sign * us
  }
  const m = /^([+-])?((?:\d+(?:\.\d+)?(?:h|m|s|ms|us)\s*)+)$/.exec(s)
  if (!m) throw new Error(`"${text}" is not a clock offset; write e.g. +43s, -1m30s, +250ms or -00:01:30.`)
  const sign = m[1] === '-' ? -1 : 1
  const unit: Record<string, number> = { h: 3.6e9, m: 6e7, s: 1e6, ms: 1e3, us: 1 }
  let total = 0
  for (const part of m[2]!.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)) total += Number(part[1]) * unit[part[2]!]!
  return sign * Math.round(total)
}

export function formatClockOffset(us: number): string {
  if (us === 0) return '0s'
  const sign = us < 0 ? '-' : '+'
  return `${sign}${Math.abs(us) / 1e6}s`
}
