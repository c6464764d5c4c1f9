import { describe, expect, it } from 'vitest'
import { parseClockOffset, TimeResolver } from '../../../electron/core/ingest/timeResolve'
import { microsToIso } from '../../../shared/time'

const local = (year: number | null, month: number, day: number, hour: number, minute = 0, second = 0, zoneAbbrev?: string) =>
  ({ kind: 'local', year, month, day, hour, minute, second, micros: 0, zoneAbbrev }) as const

function iso(r: ReturnType<TimeResolver['resolve']>): string {
  if ('error' in r) throw new Error(r.error)
  return microsToIso(r.us)
}

describe('time resolution', () => {
  it('converts zone-less local time with the source zone, including DST', () => {
    const r = new TimeResolver({ timeZone: 'America/New_York', explicitYear: null, fileMtimeUs: null, offsetUs: 0 })
    expect(iso(r.resolve(local(2024, 1, 15, 12)))).toBe('2024-01-15T17:00:00.000Z')
    expect(iso(r.resolve(local(2024, 7, 15, 12)))).toBe('2024-07-15T16:00:00.000Z')
  })

  it('flags a time in the autumn fold as ambiguous and takes its first occurrence', () => {
    const r = new TimeResolver({ timeZone: 'Europe/London', explicitYear: null, fileMtimeUs: null, offsetUs: 0 })
    const res = r.resolve(local(2024, 10, 27, 1, 30))
    expect(iso(res)).toBe('2024-10-27T00:30:00.000Z')
    expect('flags' in res && res.flags.dstAmbiguous).toBe(true)
    expect(r.summary().dstAmbiguous).toBe(1)
  })

  it('flags a time in the spring gap', () => {
    const r = new TimeResolver({ timeZone: 'Europe/London', explicitYear: null, fileMtimeUs: null, offsetUs: 0 })
    const res = r.resolve(local(2024, 3, 31, 1, 30))
    expect('flags' in res && res.flags.dstGap).toBe(true)
    expect(iso(res)).toBe('2024-03-31T01:30:00.000Z')
  })

  it('maps zone abbreviations to fixed offsets and refuses ambiguous ones', () => {
    const r = new TimeResolver({ timeZone: 'UTC', explicitYear: 2024, fileMtimeUs: null, offsetUs: 0 })
    expect(iso(r.resolve(local(null, 3, 1, 10, 0, 0, 'EDT')))).toBe('2024-03-01T14:00:00.000Z')
    expect(iso(r.resolve(local(null, 3, 1, 10, 0, 0, 'WEST')))).toBe('2024-03-01T09:00:00.000Z')
    expect(r.resolve(local(null, 3, 1, 10, 0, 0, 'IST'))).toHaveProperty('error')
    expect(r.summary().abbreviations.EDT).toEqual({ offsetMinutes: -240, count: 1 })
  })

  it('infers the year from the file mtime and rolls over when months go backwards', () => {
    const mtime = Date.UTC(2024, 0, 3) * 1000
    const r = new TimeResolver({ timeZone: 'UTC', explicitYear: null, fileMtimeUs: mtime, offsetUs: 0 })
    expect(iso(r.resolve(local(null, 12, 30, 23)))).toBe('2023-12-30T23:00:00.000Z')
    expect(iso(r.resolve(local(null, 12, 31, 23)))).toBe('2024-12-31T23:00:00.000Z'.replace('2024', '2023'))
    expect(iso(r.resolve(local(null, 1, 2, 1)))).toBe('2024-01-02T01:00:00.000Z')
    const y = r.summary().yearInference
    expect(y?.basis).toBe('file-mtime')
    expect(y?.firstYear).toBe(2023)
    expect(y?.rollovers).toEqual([{ recordIndex: 3, toYear: 2024 }])
  })

  it('applies the clock offset on top and keeps the source time', () => {
    const r = new TimeResolver({ timeZone: 'UTC', explicitYear: null, fileMtimeUs: null, offsetUs: parseClockOffset('+43s') })
    const res = r.resolve({ kind: 'utc', us: Date.UTC(2024, 0, 1) * 1000 })
    expect(iso(res)).toBe('2024-01-01T00:00:43.000Z')
    expect('sourceUs' in res && microsToIso(res.sourceUs)).toBe('2024-01-01T00:00:00.000Z')
  })

  it('parses clock offsets in several spellings', () => {
    expect(parseClockOffset('+43s')).toBe(43_000_000)
    expect(parseClockOffset('-1m30s')).toBe(-90_000_000)
    expect(parseClockOffset('+250ms')).toBe(250_000)
    expect(parseClockOffset('-00:01:30')).toBe(-90_000_000)
    expect(() => parseClockOffset('soon')).toThrow(/not a clock offset/)
  })
})
