import { describe, expect, it } from 'vitest'
import { identifyCamera, normaliseCameraName } from '../../../electron/core/media/placement/cameraIdentity'

const key = (path: string, metadata?: Record<string, string>) => identifyCamera({ path, metadata }).key

describe('camera identity', () => {
  it('from the file name: Brickcom IP and channel, UniFi name, Canon id, recorded as such', () => {
    const b = identifyCamera({ path: '/export/20140509-000500-001000_192.168.1.11-CH2' })
    expect(b).toMatchObject({ key: 'ip:192.168.1.11/ch2', displayName: '192.168.1.11 CH2', source: 'file-name', sourceDetail: 'file name pattern brickcom-nvr', confidence: 'high', channel: 2, address: '192.168.1.11' })
    expect(key('/a/Front Door - 2-9-2020, 11.21.12pm.mp4')).toBe('name:front-door')
    expect(key('/other/export/Front  door - 2-10-2020, 1.01.02am.mp4')).toBe('name:front-door')
    expect(key('NVR_MEDIA_0123456789ABCDEF_20090316_021500_20090316_023000.avi')).toBe('canon:0123456789abcdef')
  })

  it('from folders: channel folders scoped by their recorder, camera folders, IP folders', () => {
    expect(key('/case/NVR-A/ch01/20240503_140312.mp4')).toBe('channel:nvr-a/ch1')
    expect(key('/case/NVR-A/CH1/2024-05-03/20240503_150000.mp4')).toBe('channel:nvr-a/ch1')
    expect(key('/case/NVR-B/Channel 01/20240503_140312.mp4')).toBe('channel:nvr-b/ch1')
    const cam = identifyCamera({ path: '/case/Camera 3/2024-05-03 14.03.12.mp4' })
    expect(cam).toMatchObject({ key: 'name:camera-3', displayName: 'Camera 3', source: 'folder', sourceDetail: 'camera folder "Camera 3"' })
    expect(key('/case/cam03/20240503140312.mp4')).toBe('name:camera-3')
    expect(key('/recordings/192-168-119-205_ch01/cpplus_clip.mp4')).toBe('ip:192.168.119.205/ch1')
  })

  it('Dahua cards: every day of one card groups under the card folder', () => {
    const a = identifyCamera({ path: '/FTP/AMC0028V_795UUB/2021-03-06/001/dav/10/10.27.32-10.28.00[M][0@0][0].dav' })
    const b = identifyCamera({ path: '/FTP/AMC0028V_795UUB/2021-03-07/001/dav/23/23.00.00-23.10.00[R][0@0][0].dav' })
    expect(a.key).toBe('dahua:amc0028v-795uub/ch1')
    expect(b.key).toBe(a.key)
    expect(a).toMatchObject({ source: 'folder', confidence: 'low', channel: 1 })
    expect(a.sourceDetail).toMatch(/Dahua record folder "001" under a date folder/)
  })

  it('from metadata tags when nothing else names the camera; software tags are ignored', () => {
    const t = identifyCamera({ path: '/evidence/clip.mp4', metadata: { title: 'Loading Dock', encoder: 'Lavf58.29.100' } })
    expect(t).toMatchObject({ key: 'name:loading-dock', displayName: 'Loading Dock', source: 'metadata', sourceDetail: 'metadata tag title' })
    expect(t.alternatives.map((a) => a.key)).not.toContain('encoder:lavf58-29-100')
    const phone = identifyCamera({ path: '/evidence/IMG_0042.MOV', metadata: { 'com.apple.quicktime.make': 'Apple', 'com.apple.quicktime.model': 'iPhone 12' } })
    expect(phone).toMatchObject({ key: 'model:apple-iphone-12', displayName: 'Apple iPhone 12', confidence: 'low' })
  })

  it('keeps every other reading as an alternative for the edit dialog', () => {
    const c = identifyCamera({ path: '/site/Camera 3/20140509-000500-001000_192.168.1.11-CH2', metadata: { TITLE: 'Back gate' } })
    expect(c.key).toBe('ip:192.168.1.11/ch2')
    expect(c.alternatives.map((a) => [a.key, a.source])).toEqual([
      ['name:camera-3', 'folder'],
      ['name:back-gate', 'metadata']
    ])
  })

  it('with no clue: grouped by a meaningful folder, else a camera of its own', () => {
    expect(identifyCamera({ path: '/case/lobby-nvr/IMG_1234.MOV' })).toMatchObject({ key: 'folder:lobby-nvr', source: 'fallback', confidence: 'low' })
    expect(key('/evidence/2024-05-03/IMG_1234.MOV')).toBe('file:img-1234-mov')
    expect(key('/evidence/ABUS_20091115_164501.mp4')).toBe('name:abus')
  })

  it('normalises names stably', () => {
    expect(normaliseCameraName('  Front_Door  (East) ')).toBe('front-door-east')
    expect(normaliseCameraName('ＣＡＭ－１')).toBe('cam-1') // full-width forms fold under NFKC
    expect(normaliseCameraName('Entrée Nord')).toBe('entrée-nord')
  })
})
