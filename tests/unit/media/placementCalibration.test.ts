import { describe, expect, it } from 'vitest'
import { calibrate, describeClockOffset } from '../../../electron/core/media/placement/calibration'
import { placeFromFileName } from '../../../electron/core/media/placement/fileNamePatterns'
import { decideStart } from '../../../electron/core/media/placement/placement'
import { describeDuration } from '../../../electron/core/media/placement/wallClock'

const us = (iso: string) => Date.parse(iso) * 1000
const SWIPE = { us: us('2024-05-03T14:03:12Z'), label: 'Badge 4711 granted at Door 3', eventId: 'ev-1' }

describe('camera clock calibration', () => {
  it('a swipe seen 43.2 s late on a camera with no offset yet: the camera runs 43.2 s fast', () => {
    const r = calibrate({ cameraKey: 'ip:192.168.1.11/ch2', event: SWIPE, frame: { fileId: 'f1', fileStartUs: us('2024-05-03T14:00:00Z'), positionUs: 235_200_000 }, currentOffsetUs: 0 })
    expect(r).toMatchObject({ ok: true, newOffsetUs: -43_200_000, previousOffsetUs: 0, changeUs: -43_200_000, frameWasAtUs: us('2024-05-03T14:03:55.200Z'), description: 'camera clock 43.2 s fast', warnings: [] })
    if (!r.ok) return
    expect(r.custody).toMatchObject({
      action: 'camera.clock-calibrated',
      object: 'camera:ip:192.168.1.11/ch2',
      details: {
        previousOffsetUs: 0,
        newOffsetUs: -43_200_000,
        event: { label: 'Badge 4711 granted at Door 3', eventId: 'ev-1', at: '2024-05-03T14:03:12.000Z' },
        frame: { fileId: 'f1', positionUs: 235_200_000, cameraClock: '2024-05-03T14:03:55.200Z' },
        originalUntouched: true
      }
    })
  })

  it('recalibrating on top of an existing offset gives the same camera offset', () => {
    // Offset -40 s already applied: the file shows at 13:59:20, the frame at 14:03:15.2.
    const r = calibrate({ cameraKey: 'c', event: SWIPE, frame: { fileId: 'f1', fileStartUs: us('2024-05-03T13:59:20Z'), positionUs: 235_200_000 }, currentOffsetUs: -40_000_000 })
    expect(r).toMatchObject({ ok: true, newOffsetUs: -43_200_000, changeUs: -3_200_000, cameraClockUs: us('2024-05-03T14:03:55.200Z') })
  })

  it('the new offset puts the frame on the event when the file is placed again', () => {
    const name = placeFromFileName('20240503-160000-160500_192.168.1.11-CH2') // 16:00 CEST = 14:00Z
    const camera = { timeZone: 'Europe/Berlin', clockOffsetUs: 0 }
    const before = decideStart({ fileName: name, camera, nowUs: us('2025-01-01T00:00:00Z') })
    if (before.status !== 'placed') throw new Error('unplaced')
    const r = calibrate({ cameraKey: 'c', event: SWIPE, frame: { fileId: 'f', fileStartUs: before.startUs, positionUs: 235_200_000 }, currentOffsetUs: 0 })
    if (!r.ok) throw new Error(r.reason)
    const after = decideStart({ fileName: name, camera: { ...camera, clockOffsetUs: r.newOffsetUs }, nowUs: us('2025-01-01T00:00:00Z') })
    if (after.status !== 'placed') throw new Error('unplaced')
    expect(after.startUs + 235_200_000).toBe(SWIPE.us)
    expect(after.rawStartUs).toBe(before.rawStartUs) // the original's time is untouched
  })

  it('a slow camera, and the words for offsets', () => {
    const r = calibrate({ cameraKey: 'c', event: SWIPE, frame: { fileId: 'f', fileStartUs: us('2024-05-03T14:00:00Z'), positionUs: 60_000_000 }, currentOffsetUs: 0 })
    expect(r).toMatchObject({ ok: true, newOffsetUs: 132_000_000, description: 'camera clock 2 min 12 s slow' })
    expect(describeClockOffset(0)).toBe('camera clock matches the reference')
    expect(describeDuration(3_723_500_000)).toBe('1 h 2 min 3.5 s')
    expect(describeDuration(-250)).toBe('0 s')
    expect(describeDuration(90_061_000_000)).toBe('1 d 1 h 1 min 1 s')
  })

  it('refuses an offset over 24 h without an explicit confirmation', () => {
    const input = { cameraKey: 'c', event: SWIPE, frame: { fileId: 'f', fileStartUs: us('2024-05-02T13:00:00Z'), positionUs: 0 }, currentOffsetUs: 0 }
    const refused = calibrate(input)
    expect(refused).toMatchObject({ ok: false, needsConfirmation: true, newOffsetUs: us('2024-05-03T14:03:12Z') - us('2024-05-02T13:00:00Z') })
    expect(!refused.ok && refused.reason).toMatch(/camera clock 1 d 1 h 3 min 12 s slow, more than 1 d/)
    const confirmed = calibrate({ ...input, confirmLargeOffset: true })
    expect(confirmed).toMatchObject({ ok: true, warnings: ['offset beyond 1 d, confirmed by the investigator'] })
  })

  it('warns when the offset is a whole hour: a zone or DST mistake, not drift', () => {
    const r = calibrate({ cameraKey: 'c', event: SWIPE, frame: { fileId: 'f', fileStartUs: us('2024-05-03T15:00:00Z'), positionUs: 192_500_000 }, currentOffsetUs: 0 })
    expect(r.ok && r.warnings[0]).toMatch(/close to a whole 1 h: .*wrong time zone or a missed DST change/)
  })

  it('refuses nonsense input', () => {
    expect(calibrate({ cameraKey: 'c', event: SWIPE, frame: { fileId: 'f', fileStartUs: 0, positionUs: -1 }, currentOffsetUs: 0 })).toMatchObject({ ok: false, needsConfirmation: false })
    expect(calibrate({ cameraKey: 'c', event: { ...SWIPE, us: Number.NaN }, frame: { fileId: 'f', fileStartUs: 0, positionUs: 0 }, currentOffsetUs: 0 })).toMatchObject({ ok: false })
  })
})
