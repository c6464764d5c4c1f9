// The shared pieces of the badge importers: event-text classification, timestamp spellings,
// names, and CSV line splitting.
import { describe, expect, it } from 'vitest'
import { classifyAccess, denialReason } from '../../../electron/core/ingest/formats/badge/accessClassifier'
import { displayName } from '../../../electron/core/ingest/formats/badge/accessEvent'
import { splitCsvLine } from '../../../electron/core/ingest/formats/badge/csvLine'
import { epochToUs, parseStamp, parseStampAsUtc } from '../../../electron/core/ingest/formats/badge/stampText'

describe('access event classification', () => {
  it.each([
    ['Access Granted', 'granted', undefined],
    ['Access Granted - No Entry Made', 'granted', undefined],
    ['Access Granted Under Duress', 'granted', undefined],
    ['Card Valid', 'granted', undefined],
    ['CardAdmitted', 'granted', undefined],
    ['Local Grant - IN', 'granted', undefined],
    ['Access Denied', 'denied', 'other'],
    ['Card Invalid', 'denied', 'unknown-credential'],
    ['Invalid Badge', 'denied', 'unknown-credential'],
    ['Invalid Facility Code', 'denied', 'unknown-credential'],
    ['Invalid Access Level', 'denied', 'no-privilege'],
    ['Access denied: insufficient privileges', 'denied', 'no-privilege'],
    ['Wrong PIN [10191919]', 'denied', 'invalid-pin'],
    ['Access Denied - Badge Not Yet Active', 'denied', 'inactive'],
    ['Access Denied: Stolen Badge', 'denied', 'lost'],
    ['Anti-Passback Violation', 'denied', 'antipassback'],
    ['CardRejected', 'denied', 'other'],
    ['Door Forced Open', 'forced-open', undefined],
    ['Door Forced Open Restored', 'other', undefined],
    ['Door Held Open', 'held-open', undefined],
    ['Door Held Open Cancelled', 'other', undefined],
    ['Door Ajar', 'held-open', undefined],
    ['Request to Exit - Door Not Used', 'request-to-exit', undefined],
    ['Exit Button Pressed', 'request-to-exit', undefined],
    ['REX', 'request-to-exit', undefined],
    ['Tailgate Detected', 'tailgating', undefined],
    ['Reader Tamper', 'tamper', undefined],
    ['Communications Lost', 'offline', undefined],
    ['Communications Restored', 'other', undefined],
    ['Door Online', 'other', undefined],
    ['Door Opened', 'door-opened', undefined],
    ['Door Closed', 'door-closed', undefined],
    ['Alarm Acknowledged', 'other', undefined]
  ])('%s → %s (%s)', (text, action, reason) => {
    const c = classifyAccess(text)
    expect(c.action).toBe(action)
    expect(c.reason).toBe(reason)
  })

  it('takes the reason from a separate reason column', () => {
    expect(classifyAccess('Access Denied', { reasonText: 'No Zone Privilege' })).toEqual({ action: 'denied', reason: 'no-privilege' })
    expect(classifyAccess('Card Event', { reasonText: 'Card Expired' })).toEqual({ action: 'denied', reason: 'expired' })
    expect(denialReason(undefined)).toBe('other')
  })

  it('prefers a vendor table over the keyword rules', () => {
    const table = { 'host grant': { action: 'granted' as const } }
    expect(classifyAccess('HOST_GRANT', { table })).toEqual({ action: 'granted' })
  })
})

describe('cardholder names', () => {
  it('turns "Last, First" into "First Last" and leaves anything else as written', () => {
    expect(displayName('Smith, John')).toBe('John Smith')
    expect(displayName('Smith, John A.')).toBe('John A. Smith')
    expect(displayName('John Smith')).toBe('John Smith')
    expect(displayName('Smith, Jr., John')).toBe('Smith, Jr., John')
    expect(displayName('Smith,')).toBe('Smith,')
  })
})

describe('timestamp spellings', () => {
  it('keeps zone-less stamps as wall-clock fields and fixes stamps with Z, an offset or UTC', () => {
    expect(parseStamp('2024-03-01 14:02:11.5', ['iso'])).toEqual({ kind: 'local', year: 2024, month: 3, day: 1, hour: 14, minute: 2, second: 11, micros: 500000 })
    expect(parseStamp('2024-03-01T14:02:11Z', ['iso'])).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 14, 2, 11) * 1000 })
    expect(parseStamp('2024-03-01T09:02:11-05:00', ['iso'])).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 14, 2, 11) * 1000 })
    expect(parseStamp('2024-03-01 14:02:11 UTC', ['iso'])).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 14, 2, 11) * 1000 })
    expect(parseStamp('2024-03-01 09:02:11 EST', ['iso'])).toMatchObject({ kind: 'local', hour: 9, zoneAbbrev: 'EST' })
    expect(parseStamp('2024-03-01 09:02:11 PM', ['iso'])).toMatchObject({ kind: 'local', hour: 21 })
  })

  it('reads 12-hour US stamps and day-first stamps', () => {
    expect(parseStamp('03/01/2024 12:15:00 AM', ['us'])).toMatchObject({ month: 3, day: 1, hour: 0, minute: 15 })
    expect(parseStamp('03/01/2024 12:15:00 PM', ['us'])).toMatchObject({ hour: 12 })
    expect(parseStamp('03/01/2024 01:15:00 pm', ['us'])).toMatchObject({ hour: 13 })
    expect(parseStamp('03/01/2024 13:15:00 PM', ['us'])).toBeNull()
    expect(parseStamp('13-03-2024 10:00:00', ['dmy'])).toMatchObject({ month: 3, day: 13, hour: 10 })
    expect(parseStamp('yesterday', ['iso', 'us', 'dmy', 'epoch'])).toBeNull()
  })

  it('tells epoch units apart by magnitude', () => {
    expect(epochToUs('1709301731')).toEqual({ us: 1709301731_000000, unit: 'seconds' })
    expect(epochToUs('1709301731.25')).toEqual({ us: 1709301731_250000, unit: 'seconds' })
    expect(epochToUs('1709301731123')).toEqual({ us: 1709301731_123000, unit: 'milliseconds' })
    expect(epochToUs('1709301731123456')).toEqual({ us: 1709301731_123456, unit: 'microseconds' })
    expect(epochToUs('1709301731123456789')).toEqual({ us: 1709301731_123456, unit: 'nanoseconds' })
  })

  it('reads a column declared UTC as an instant, refusing dates that do not exist', () => {
    expect(parseStampAsUtc('2024-03-01 14:02:11', ['iso'])).toEqual({ kind: 'utc', us: Date.UTC(2024, 2, 1, 14, 2, 11) * 1000 })
    expect(parseStampAsUtc('2023-02-29 14:02:11', ['iso'])).toBeNull()
  })
})

describe('CSV line splitting', () => {
  it('splits plain lines directly and quoted lines with csv-parse', () => {
    expect(splitCsvLine('a, b ,c', ',')).toEqual({ fields: ['a', 'b', 'c'] })
    expect(splitCsvLine('a,"Smith, John","say ""hi"""', ',')).toEqual({ fields: ['a', 'Smith, John', 'say "hi"'] })
    expect(splitCsvLine('a\t"b\tc"', '\t')).toEqual({ fields: ['a', 'b\tc'] })
    expect(splitCsvLine('a,"unclosed', ',')).toMatchObject({ error: expect.stringMatching(/Quote Not Closed.*spanning several lines/) })
  })
})
