import { describe, expect, it } from 'vitest'
import { placeFromFileName } from '../../../electron/core/media/placement/fileNamePatterns'
import { decideStart, epochSecondsToUs, type Placed, type PlacementDecision, type PlacementInputs, type Unplaced } from '../../../electron/core/media/placement/placement'

const NOW = Date.UTC(2026, 0, 1) * 1000
const us = (iso: string) => Date.parse(iso) * 1000
const BERLIN = { timeZone: 'Europe/Berlin', clockOffsetUs: 0 }
const NEW_YORK = { timeZone: 'America/New_York', clockOffsetUs: 0 }
const decide = (inputs: PlacementInputs) => decideStart({ nowUs: NOW, ...inputs })
const placed = (d: PlacementDecision): Placed => {
  if (d.status !== 'placed') throw new Error(`expected placed, got unplaced: ${d.reason}`)
  return d
}
const unplaced = (d: PlacementDecision): Unplaced => {
  if (d.status !== 'unplaced') throw new Error(`expected unplaced, got placed by ${d.method}`)
  return d
}

const BRICKCOM = placeFromFileName('20140509-000500-001000_192.168.1.11-CH2')
const DAHUA = placeFromFileName('/card/2024-05-03/001/dav/19/19.53.47-19.54.00[M][0@0][0].dav')

describe('order of trust', () => {
  it('creation_time first; a file name that agrees is listed as agreeing', () => {
    const d = placed(decide({ creationTime: '2024-05-03T17:53:47.400000Z', fileName: DAHUA, camera: BERLIN }))
    expect(d).toMatchObject({ method: 'creation-time', startUs: us('2024-05-03T17:53:47.400Z'), zoneUsed: { zone: 'UTC', basis: 'utc' }, rawText: '2024-05-03T17:53:47.400000Z' })
    expect(d.alternatives).toEqual([expect.objectContaining({ method: 'file-name', status: 'agrees', startUs: us('2024-05-03T17:53:47Z'), deltaUs: -400_000 })])
    expect(d.flags.needsReview).toBe(false)
  })

  it('a bogus creation_time is rejected with its reason; the file name places the file and the disagreement is reported', () => {
    for (const [text, why] of [
      ['1970-01-01T00:00:00.000000Z', /zero date: the Unix epoch/],
      ['1904-01-01T00:00:00.000000Z', /zero date: the MP4 epoch/],
      ['2000-01-01T00:00:07.000000Z', /camera clock reset/],
      ['2031-07-01T00:00:00.000000Z', /in the future/],
      ['0000-00-00T00:00:00Z', /zero date: the device wrote no time/],
      ['Fri May  3 22:14:03 2024', /not an ISO 8601 date-time/]
    ] as const) {
      const d = placed(decide({ creationTime: text, fileName: BRICKCOM, camera: BERLIN }))
      expect(d.method, text).toBe('file-name')
      expect(d.startUs).toBe(us('2014-05-08T22:05:00Z')) // 00:05:00 CEST
      expect(d.endUs).toBe(us('2014-05-08T22:10:00Z'))
      expect(d.zoneUsed).toEqual({ zone: 'Europe/Berlin', basis: 'camera', offsetMinutes: 120 })
      expect(d.methodDetail).toMatch(/brickcom-nvr/)
      const ct = d.alternatives.find((a) => a.method === 'creation-time')!
      expect(ct.status).toBe('rejected')
      expect(ct.reason, text).toMatch(why)
      expect(d.warnings.find((w) => w.code === 'method-rejected')!.message).toMatch(/container creation_time not used/)
    }
    const d = placed(decide({ creationTime: '1970-01-01T00:00:00.000000Z', fileName: BRICKCOM, camera: BERLIN }))
    const ct = d.alternatives[0]!
    expect(ct.startUs).toBe(0)
    expect(ct.deltaUs).toBe(-us('2014-05-08T22:05:00Z'))
    expect(d.warnings.find((w) => w.code === 'method-rejected')!.message).toMatch(/it said 1970-01-01T00:00:00.000Z, .* earlier/)
  })

  it('a creation_time an hour away from the file name wins, but the disagreement needs review', () => {
    const d = placed(decide({ creationTime: '2014-05-08T23:05:00Z', fileName: BRICKCOM, camera: BERLIN }))
    expect(d.method).toBe('creation-time')
    expect(d.alternatives[0]).toMatchObject({ method: 'file-name', status: 'disagrees', deltaUs: -3_600_000_000 })
    expect(d.warnings.find((w) => w.code === 'methods-disagree')).toMatchObject({ review: true, message: expect.stringMatching(/file name says 2014-05-08T22:05:00.000Z, 1 h earlier/) })
    expect(d.flags.needsReview).toBe(true)
  })

  it('stream timestamps (dhav: camera wall clock as if UTC) come before the file name', () => {
    const epochUs = epochSecondsToUs('1714765987.250') // 2024-05-03 19:53:07.25 on the camera's clock
    const d = placed(decide({ streamStartEpoch: { epochUs, source: 'ffmpeg dhav' }, fileName: DAHUA, camera: BERLIN }))
    expect(d).toMatchObject({ method: 'stream-timestamps', startUs: us('2024-05-03T17:53:07.250Z'), rawText: '1714765987.25' })
    expect(d.methodDetail).toMatch(/ffmpeg dhav: camera wall clock 2024-05-03 19:53:07.25/)
    expect(d.alternatives[0]).toMatchObject({ method: 'file-name', status: 'disagrees', deltaUs: 39_750_000 })
  })

  it('the investigator’s entry is the last resort, with its own zone', () => {
    const none = placeFromFileName('IMG_1234.MOV')
    const d = placed(decide({ fileName: none, manual: { text: '2024-05-03T14:03:12', zone: 'America/Chicago', basis: 'reference-clock', by: 'A. Examiner' }, camera: { timeZone: null, clockOffsetUs: -5_000_000 } }))
    expect(d).toMatchObject({ method: 'manual', startUs: us('2024-05-03T19:03:12Z'), offsetApplied: false, zoneUsed: { zone: 'America/Chicago', basis: 'manual', offsetMinutes: -300 } })
    expect(d.alternatives[0]).toMatchObject({ method: 'file-name', status: 'rejected' })
    // Read off the camera's own overlay: the clock offset applies.
    const cam = placed(decide({ manual: { text: '2024-05-03T14:03:12-05:00', zone: null, basis: 'camera-clock' }, camera: { timeZone: null, clockOffsetUs: -5_000_000 } }))
    expect(cam).toMatchObject({ startUs: us('2024-05-03T19:03:07Z'), rawStartUs: us('2024-05-03T19:03:12Z'), offsetApplied: true })
    expect(unplaced(decide({ manual: { text: '2024-05-03T14:03:12', zone: null, basis: 'camera-clock' }, camera: BERLIN })).reason).toMatch(/no offset and no zone/)
  })
})

describe('zones', () => {
  it('camera-local time with no camera zone: unplaced, "camera time zone unknown"', () => {
    const d = unplaced(decide({ fileName: BRICKCOM, camera: { timeZone: null, clockOffsetUs: 0 } }))
    expect(d.reasonCode).toBe('camera-time-zone-unknown')
    expect(d.reason).toBe('camera time zone unknown')
    expect(d.candidates[0]).toMatchObject({ method: 'file-name', status: 'unresolved', asIfUtcUs: us('2014-05-09T00:05:00Z') })
  })

  it('the case zone, passed explicitly, stands in and is recorded as an assumption', () => {
    const d = placed(decide({ fileName: BRICKCOM, camera: { timeZone: null, clockOffsetUs: 0 }, assumedZone: 'Europe/London' }))
    expect(d.startUs).toBe(us('2014-05-08T23:05:00Z')) // BST
    expect(d.zoneUsed).toEqual({ zone: 'Europe/London', basis: 'assumed-case-zone', offsetMinutes: 60 })
    expect(d.flags).toMatchObject({ zoneAssumed: true, needsReview: true })
    expect(d.assumptions[0]).toMatch(/camera time zone unknown: the case zone Europe\/London was assumed/)
  })

  it('a UTC source places the file without a camera zone; the local source hints at the zone', () => {
    const d = placed(decide({ creationTime: '2014-05-08T22:05:00Z', fileName: BRICKCOM, camera: { timeZone: null, clockOffsetUs: 0 } }))
    expect(d.alternatives[0]).toMatchObject({ method: 'file-name', status: 'unresolved', impliedOffsetMinutes: 120 })
    const canon = placed(decide({ fileName: placeFromFileName('NVR_MEDIA_0123456789abcdef_20090316_021500_20090316_023000.avi'), camera: { timeZone: null, clockOffsetUs: 0 } }))
    expect(canon).toMatchObject({ method: 'file-name', startUs: us('2009-03-16T02:15:00Z'), endUs: us('2009-03-16T02:30:00Z'), zoneUsed: { basis: 'utc' } })
  })

  it('creation_time equal to the camera’s local wall clock is flagged as local time written with a Z', () => {
    const d = placed(decide({ creationTime: '2024-05-03T19:53:47.000000Z', fileName: DAHUA, camera: BERLIN }))
    expect(d.startUs).toBe(us('2024-05-03T19:53:47Z'))
    expect(d.warnings.find((w) => w.code === 'creation-time-looks-local')).toMatchObject({ review: true, message: expect.stringMatching(/Europe\/Berlin is \+02:00/) })
    // Once the investigator marks the camera, creation_time is read as its local time.
    const fixed = placed(decide({ creationTime: '2024-05-03T19:53:47.000000Z', fileName: DAHUA, camera: { ...BERLIN, creationTimeIsLocal: true } }))
    expect(fixed).toMatchObject({ method: 'creation-time', startUs: us('2024-05-03T17:53:47Z'), zoneUsed: { zone: 'Europe/Berlin', basis: 'camera' } })
    expect(fixed.methodDetail).toMatch(/read as camera local time/)
    expect(fixed.alternatives[0]!.status).toBe('agrees')
  })
})

describe('DST in America/New_York', () => {
  // 2023-11-05: clocks go back at 02:00 EDT, so 01:30:15 happens twice.
  const FOLD = placeFromFileName('Front Door - 11-5-2023, 1.30.15am.mp4')

  it('a UniFi 12-hour name in the repeated hour is not guessed: unplaced with both instants', () => {
    const d = unplaced(decide({ fileName: FOLD, camera: NEW_YORK }))
    expect(d.reasonCode).toBe('dst-ambiguous')
    expect(d.reason).toMatch(/2023-11-05 01:30:15 happened twice in America\/New_York .*2023-11-05T05:30:15.000Z or 2023-11-05T06:30:15.000Z/)
    expect(d.candidates[0]!.candidatesUs).toEqual([us('2023-11-05T05:30:15Z'), us('2023-11-05T06:30:15Z')])
  })

  it('the investigator’s choice settles it, flagged and recorded', () => {
    const d = placed(decide({ fileName: FOLD, camera: NEW_YORK, foldChoice: 'later' }))
    expect(d).toMatchObject({ method: 'file-name', startUs: us('2023-11-05T06:30:15Z'), zoneUsed: { offsetMinutes: -300 }, flags: { dstAmbiguous: true, needsReview: true } })
    expect(d.warnings[0]!.code).toBe('dst-fold-chosen')
    expect(d.assumptions[0]).toMatch(/second \(later\) occurrence .* chosen by the investigator/)
  })

  it('another source near one of the two instants settles it', () => {
    // E.g. the investigator read the NVR's UTC playback clock: 01:30:16 EST.
    const d = placed(decide({ fileName: FOLD, manual: { text: '2023-11-05T01:30:16-05:00', zone: null, basis: 'reference-clock' }, camera: NEW_YORK }))
    expect(d).toMatchObject({ method: 'file-name', startUs: us('2023-11-05T06:30:15Z'), flags: { dstAmbiguous: true, needsReview: false } })
    expect(d.warnings[0]).toMatchObject({ code: 'dst-fold-resolved', message: expect.stringMatching(/investigator’s entry is near the second \(later\) occurrence/) })
    expect(d.alternatives[0]).toMatchObject({ method: 'manual', status: 'agrees', deltaUs: 1_000_000 })
  })

  it('a time in the skipped hour is placed with the offset before the jump and flagged', () => {
    const d = placed(decide({ fileName: placeFromFileName('Front Door - 3-12-2023, 2.30.00am.mp4'), camera: NEW_YORK }))
    expect(d.startUs).toBe(us('2023-03-12T07:30:00Z'))
    expect(d.flags).toMatchObject({ dstGap: true, needsReview: true })
    expect(d.warnings[0]).toMatchObject({ code: 'dst-gap', message: expect.stringMatching(/never happened in America\/New_York/) })
  })
})

describe('clock offset and unplaced files', () => {
  it('the camera clock offset is applied on top and reported apart from the raw time', () => {
    const d = placed(decide({ fileName: BRICKCOM, camera: { ...BERLIN, clockOffsetUs: -43_200_000 } }))
    expect(d).toMatchObject({ rawStartUs: us('2014-05-08T22:05:00Z'), startUs: us('2014-05-08T22:04:16.800Z'), clockOffsetUs: -43_200_000, offsetApplied: true })
    expect(d.endUs).toBe(us('2014-05-08T22:09:16.800Z'))
    expect(d.summary).toBe('placed by file name at 2014-05-08T22:04:16.800Z (camera zone Europe/Berlin, +02:00; camera clock offset -43.2 s applied)')
  })

  it('nothing to go on, or nothing usable: unplaced with the reason', () => {
    expect(unplaced(decide({ camera: BERLIN }))).toMatchObject({ reasonCode: 'no-time-source', candidates: [] })
    const d = unplaced(decide({ creationTime: '1970-01-01T00:00:00Z', fileName: placeFromFileName('VID_19700101_000000.mp4'), camera: BERLIN }))
    expect(d.reasonCode).toBe('all-rejected')
    expect(d.reason).toMatch(/container creation_time: creation_time 1970-01-01T00:00:00.000Z is before 2001-01-01.*file name: camera wall clock 1970-01-01/)
    expect(d.candidates.map((c) => c.status)).toEqual(['rejected', 'rejected'])
  })

  it('an unconfirmed name pattern places the file but asks for review', () => {
    const d = placed(decide({ fileName: placeFromFileName('ch01_20200703110241.mp4'), camera: { timeZone: 'Asia/Shanghai', clockOffsetUs: 0 } }))
    expect(d.startUs).toBe(us('2020-07-03T03:02:41Z'))
    expect(d.warnings.map((w) => w.code)).toContain('low-confidence-name')
    expect(d.flags.needsReview).toBe(true)
  })

  it('epoch seconds convert without float drift', () => {
    expect(epochSecondsToUs('1745856378.091')).toBe(1745856378091000)
    expect(epochSecondsToUs(1745856378.091)).toBe(1745856378091000)
    expect(Number.isNaN(epochSecondsToUs('n/a'))).toBe(true)
  })
})
