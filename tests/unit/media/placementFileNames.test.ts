import { describe, expect, it } from 'vitest'
import { FILE_NAME_PATTERNS, placeFromFileName, type FileNameMatch, type FileNameResult } from '../../../electron/core/media/placement/fileNamePatterns'

const matched = (r: FileNameResult): FileNameMatch => {
  if (r.status !== 'matched') throw new Error(`expected a match, got: ${r.reason}`)
  return r
}
const wc = (year: number, month: number, day: number, hour: number, minute: number, second: number) => ({ year, month, day, hour, minute, second, micros: 0 })

describe('file-name pattern table', () => {
  it('has unique ids, and every documented example reads with its own pattern', () => {
    const ids = FILE_NAME_PATTERNS.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const p of FILE_NAME_PATTERNS) {
      expect(p.examples.length).toBeGreaterThan(0)
      for (const example of p.examples) {
        const r = placeFromFileName(example)
        if (r.status === 'matched') expect(r.patternId, example).toBe(p.id)
        // Refusal rules: their examples are recognised and refused, by themselves.
        else expect(r.rejected.map((x) => x.patternId), example).toContain(p.id)
      }
    }
  })

  it('lists the patterns the issue asks for', () => {
    const ids = FILE_NAME_PATTERNS.map((p) => p.id)
    for (const id of ['dahua-sd', 'unifi-protect', 'canon-nvr', 'brickcom-nvr', 'hikvision-ch-export', 'generic-yyyymmdd_hhmmss', 'generic-yyyymmddhhmmss', 'generic-yyyy-mm-dd_hh-mm-ss', 'generic-yyyy-mm-dd_hh.mm.ss']) {
      expect(ids).toContain(id)
    }
    expect(FILE_NAME_PATTERNS.find((p) => p.id === 'hikvision-ch-export')!.confidence).toBe('low')
    expect(FILE_NAME_PATTERNS.find((p) => p.id === 'canon-nvr')!.yields.clock).toBe('utc')
    expect(FILE_NAME_PATTERNS.find((p) => p.id === 'dahua-sd')!.yields.date).toBe('folder')
    expect(FILE_NAME_PATTERNS.find((p) => p.id === 'unifi-protect')!.yields.twelveHour).toBe(true)
  })
})

describe('vendor names (FORMATS.md examples)', () => {
  it('Dahua: time of day from the name, date from the folder, end in the name', () => {
    const r = matched(placeFromFileName('/mnt/card/2024-05-03/001/dav/19/19.53.47-19.54.00[M][0@0][0].dav'))
    expect(r).toMatchObject({ patternId: 'dahua-sd', clock: 'camera-local', dateFrom: 'folder', dateFolder: '2024-05-03', confidence: 'high', start: wc(2024, 5, 3, 19, 53, 47), end: wc(2024, 5, 3, 19, 54, 0) })
    expect(r.notes.join(' ')).toMatch(/\[M\] \(motion\)/)
    // Windows separators, an NVR's deeper layout, a converted .dav.mp4.
    expect(matched(placeFromFileName('E:\\card\\2021-03-06\\001\\dav\\10\\10.27.32-10.28.00[M][0@0][0].dav')).start).toEqual(wc(2021, 3, 6, 10, 27, 32))
    expect(matched(placeFromFileName('/mnt/dvr/2026-05-02/0/dav/01/1/0/627506/01.30.00-02.00.00[R][0@0][0].dav')).start).toEqual(wc(2026, 5, 2, 1, 30, 0))
    const converted = matched(placeFromFileName('cam_1/2026-07-23/19.00.00-20.00.00[R][0@0][0].dav.mp4'))
    expect(converted.confidence).toBe('medium') // no dav/ folder: the date folder could be anyone's
  })

  it('Dahua: a recording over midnight ends the next day; no date folder means no time', () => {
    const r = matched(placeFromFileName('/c/2024-05-03/001/dav/23/23.59.30-00.00.10[R][0@0][0].dav'))
    expect(r.end).toEqual(wc(2024, 5, 4, 0, 0, 10))
    const none = placeFromFileName('/evidence/19.53.47-19.54.00[M][0@0][0].dav')
    expect(none.status).toBe('no-match')
    expect(none.status === 'no-match' && none.reason).toMatch(/time of day only.*no YYYY-MM-DD folder/)
  })

  it('UniFi Protect: 12-hour local time, camera name', () => {
    const r = matched(placeFromFileName('Front Door - 2-9-2020, 11.21.12pm.mp4'))
    expect(r).toMatchObject({ patternId: 'unifi-protect', clock: 'camera-local', twelveHour: true, start: wc(2020, 2, 9, 23, 21, 12), camera: { name: 'Front Door' } })
    expect(matched(placeFromFileName('Garage - 12-31-2023, 12.05.09am.mp4')).start).toEqual(wc(2023, 12, 31, 0, 5, 9))
    expect(matched(placeFromFileName('Garage - 12-31-2023, 12.05.09pm.mp4')).start).toEqual(wc(2023, 12, 31, 12, 5, 9))
    expect(matched(placeFromFileName('G4 Bullet - 7-4-2024, 9.5.7AM (1).mp4')).start).toEqual(wc(2024, 7, 4, 9, 5, 7))
    const bad = placeFromFileName('Garage - 12-31-2023, 13.05.09pm.mp4')
    expect(bad.status === 'no-match' && bad.rejected[0]).toMatchObject({ patternId: 'unifi-protect', reason: expect.stringMatching(/not a 12-hour time/) })
  })

  it('Canon: camera id, start and end, GMT', () => {
    const r = matched(placeFromFileName('NVR_MEDIA_0123456789abcdef_20090316_021500_20090316_023000.avi'))
    expect(r).toMatchObject({ patternId: 'canon-nvr', clock: 'utc', start: wc(2009, 3, 16, 2, 15, 0), end: wc(2009, 3, 16, 2, 30, 0), camera: { id: '0123456789abcdef' } })
    expect(r.reading).toBe('2009-03-16 02:15:00 UTC')
    expect(matched(placeFromFileName('NVR_STANDBY_MPEG4_0123456789abcdef_20090316_021500.mov')).patternId).toBe('canon-nvr-standby')
  })

  it('Brickcom: camera 192.168.1.11 CH2, 00:05:00 to 00:10:00 on 2014-05-09', () => {
    const r = matched(placeFromFileName('20140509-000500-001000_192.168.1.11-CH2'))
    expect(r).toMatchObject({ patternId: 'brickcom-nvr', clock: 'camera-local', start: wc(2014, 5, 9, 0, 5, 0), end: wc(2014, 5, 9, 0, 10, 0), camera: { address: '192.168.1.11', channel: 2 } })
    const noon = matched(placeFromFileName('20140509-235500-000000_10.0.0.7-CH12.avi'))
    expect(noon.end).toEqual(wc(2014, 5, 10, 0, 0, 0))
  })

  it('Dahua NVR export and the unconfirmed Hikvision chNN_ name', () => {
    const d = matched(placeFromFileName('NVR_ch1_main_20241118083054_20241118083251_camera2.mp4'))
    expect(d).toMatchObject({ patternId: 'dahua-nvr-export', start: wc(2024, 11, 18, 8, 30, 54), end: wc(2024, 11, 18, 8, 32, 51), camera: { channel: 1, stream: 'main' } })
    const h = matched(placeFromFileName('ch01_20200703110241.mp4'))
    expect(h).toMatchObject({ patternId: 'hikvision-ch-export', confidence: 'low', start: wc(2020, 7, 3, 11, 2, 41), camera: { channel: 1 } })
  })
})

describe('generic names', () => {
  it.each([
    ['ABUS_20091115_164501.mp4', 'generic-yyyymmdd_hhmmss', wc(2009, 11, 15, 16, 45, 1)],
    ['HMDAlarm_20221014-152016.mp4', 'generic-yyyymmdd_hhmmss', wc(2022, 10, 14, 15, 20, 16)],
    ['20240503140312.mp4', 'generic-yyyymmddhhmmss', wc(2024, 5, 3, 14, 3, 12)],
    ['cam2-20240503140312.avi', 'generic-yyyymmddhhmmss', wc(2024, 5, 3, 14, 3, 12)],
    ['2024-05-03_14-03-12.mp4', 'generic-yyyy-mm-dd_hh-mm-ss', wc(2024, 5, 3, 14, 3, 12)],
    ['Lobby 2024-05-03 14-03-12.avi', 'generic-yyyy-mm-dd_hh-mm-ss', wc(2024, 5, 3, 14, 3, 12)],
    ['2024-05-03 14.03.12.mp4', 'generic-yyyy-mm-dd_hh.mm.ss', wc(2024, 5, 3, 14, 3, 12)],
    ['Entrance_2024-05-03_14.03.12.mov', 'generic-yyyy-mm-dd_hh.mm.ss', wc(2024, 5, 3, 14, 3, 12)]
  ])('%s → %s', (name, id, start) => {
    const r = matched(placeFromFileName(name))
    expect(r.patternId).toBe(id)
    expect(r.start).toEqual(start)
    expect(r.clock).toBe('camera-local')
  })

  it('two adjacent date-times are start and end; two apart are refused', () => {
    const r = matched(placeFromFileName('export_20240503_140312_20240503_141000.mp4'))
    expect(r.end).toEqual(wc(2024, 5, 3, 14, 10, 0))
    const two = placeFromFileName('a_20240503_140312_b_20240503_150000.mp4')
    expect(two.status === 'no-match' && two.reason).toMatch(/2 date-times/)
  })

  it('a printed offset fixes the instant (Blink downloads)', () => {
    const z = matched(placeFromFileName('2020-11-26T02_06_04+00_00.mp4'))
    expect(z).toMatchObject({ patternId: 'iso-with-offset', clock: 'fixed-offset', offsetMinutes: 0 })
    const pst = matched(placeFromFileName('Roof_Rear_Corner_2020-11-09T10_30_54-0800.mp4'))
    expect(pst).toMatchObject({ offsetMinutes: -480, start: wc(2020, 11, 9, 10, 30, 54), leftover: { before: 'Roof_Rear_Corner_' } })
    expect(matched(placeFromFileName('x_2020-11-09T10_30_54Z.mp4')).clock).toBe('utc')
  })

  it('a day-month order is read only when a field over 12 fixes it', () => {
    expect(matched(placeFromFileName('Export 25-12-2024 14-03-12.avi')).start).toEqual(wc(2024, 12, 25, 14, 3, 12))
    expect(matched(placeFromFileName('Export 12-25-2024 14.03.12.avi')).start).toEqual(wc(2024, 12, 25, 14, 3, 12))
    const r = placeFromFileName('Export 03-05-2024 14-03-12.avi')
    expect(r.status === 'no-match' && r.reason).toMatch(/day-month or month-day: not guessed/)
  })
})

describe('near misses that must not give a time', () => {
  it.each([
    ['firmware_v5.5.3_build_200101.mp4', /no known file-name pattern/],
    ['app-2.10.12-10.14.03.mp4', /no known file-name pattern/],
    ['192.168.1.11.mp4', /no known file-name pattern/],
    ['cam_192.168.1.11-CH2.mp4', /no known file-name pattern/],
    ['clip 10.14.03.mp4', /no known file-name pattern/],
    ['19.53.47-19.54.00.dav', /no known file-name pattern/], // Dahua shape without its [..] tags
    ['IMG_1234.MOV', /no known file-name pattern/],
    ['1714773243123.mp4', /no known file-name pattern/], // epoch ms: not a date-time shape
    ['202405031403121.mp4', /no known file-name pattern/], // 15 digits
    ['20141399_120000.mp4', /2014-13-99 12:00:00 is not a real date/],
    ['20240230_120000.mp4', /2024-02-30 12:00:00 is not a real date/],
    ['20240503_246000.mp4', /not a real date and time/],
    ['20141399-000500-001000_192.168.1.11-CH2', /brickcom-nvr: start 2014-13-99/],
    ['20140509-000500-001000_192.168.1.300-CH2', /192\.168\.1\.300 is not an IP address/],
    ['140509_000500.mp4', /six-digit date 140509 could be YYMMDD, DDMMYY or MMDDYY: not guessed/],
    ['140509000500.avi', /six-digit date/]
  ])('%s', (name, reason) => {
    const r = placeFromFileName(name)
    expect(r.status).toBe('no-match')
    expect(r.status === 'no-match' && r.reason).toMatch(reason)
  })
})
