// probeVideo: the demuxer is chosen from the file's bytes, ffprobe's answer is typed, and
// broken inputs fail fast with a reason.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ffmpegVersionLine, runFfmpeg, runFfprobe } from '../../../electron/core/media/ffmpegRunner'
import { ProbeError, probeVideo, sniffContainer } from '../../../electron/core/media/probe'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { tempDir } from '../../helpers/tmp'
import { CLIP_CREATED, STANDARD_CLIPS, cachedClip, testTools, type Clip } from '../../helpers/videoFixtures'

const execFileP = promisify(execFile)
const tools = testTools()
const dir = tempDir('iwb-probe-')
afterAll(() => dir.cleanup())

/** Rewraps a clip without re-encoding (fast): other containers from one generated clip. */
async function rewrap(src: string, name: string, args: string[]): Promise<string> {
  const out = join(dir.path, name)
  await execFileP(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', src, ...args, out], { timeout: 30_000 })
  return out
}

let h264: Clip
let hevcMkv: string
let mjpeg: Clip

beforeAll(async () => {
  let hevc: Clip
  ;[h264, hevc, mjpeg] = await Promise.all([cachedClip(STANDARD_CLIPS.h264), cachedClip(STANDARD_CLIPS.hevc), cachedClip(STANDARD_CLIPS.mjpeg)])
  hevcMkv = await rewrap(hevc.path, 'cam.mkv', ['-c', 'copy', '-f', 'matroska'])
})

describe('sniffContainer', () => {
  const b = (...parts: (string | number[])[]): Uint8Array => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))))
  const ts = (stride: number, at: number): Uint8Array => {
    const buf = Buffer.alloc(stride * 6)
    for (let i = 0; i < 6; i++) buf[at + i * stride] = 0x47
    return buf
  }
  it.each([
    ['a.mp4', b([0, 0, 0, 0x20], 'ftypisom'), 'mov'],
    ['a.mkv', b([0x1a, 0x45, 0xdf, 0xa3, 0x9f]), 'matroska'],
    ['a.avi', b('RIFF', [1, 2, 3, 4], 'AVI LIST'), 'avi'],
    ['a.ts', ts(188, 0), 'mpegts'],
    ['a.m2ts', ts(192, 4), 'mpegts'],
    ['hiv00001.mp4', b([0, 0, 1, 0xba, 0x44]), 'mpeg'],
    ['hiv00002.mp4', b('IMKH', Buffer.alloc(36).toString('latin1'), [0, 0, 1, 0xba]), 'mpeg'],
    ['a.flv', b('FLV', [1, 5]), 'flv'],
    ['19.53.47-19.54.00[M][0@0][0].dav', b('DHAV', [0xfd, 0, 0, 0]), 'dhav'],
    ['a.mjpeg', b([0xff, 0xd8, 0xff, 0xe0]), 'mjpeg'],
    // SPS 0x67, PPS 0x68, IDR 0x65
    ['a.264', b([0, 0, 0, 1, 0x67, 0x64, 0, 0, 0, 1, 0x68, 0xee, 0, 0, 1, 0x65, 0x88]), 'h264'],
    // VPS 0x40 01, SPS 0x42 01, PPS 0x44 01
    ['a.265', b([0, 0, 0, 1, 0x40, 1, 0xc, 0, 0, 0, 1, 0x42, 1, 1, 0, 0, 0, 1, 0x44, 1, 0xc1]), 'hevc']
  ])('%s → %s', (name, head, demuxer) => {
    expect(sniffContainer(head, name)).toMatchObject({ ok: true, demuxer })
  })
  it.each([
    ['playlist.mp4', b('#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n'), /HLS playlist/],
    ['bom.avi', b([0xef, 0xbb, 0xbf], '  #EXTM3U\n'), /HLS playlist/],
    ['list.mp4', b('ffconcat version 1.0\nfile a.mp4\n'), /ffconcat/],
    ['notes.mp4', b('v=0\no=- 0 0 IN IP4 127.0.0.1\nm=video 5004 RTP/AVP 96\n'), /text file/],
    ['blob.mp4', b([0x13, 0x37, 0, 0x99, 0x42, 0, 0, 7]), /not a recognised/],
    ['empty.mp4', b(), /empty/],
    ['nal.264', b([0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x06]), /no H\.264 or HEVC parameter sets/]
  ])('refuses %s', (name, head, reason) => {
    const s = sniffContainer(head, name)
    expect(s.ok).toBe(false)
    expect(s.ok ? '' : s.reason).toMatch(reason)
  })
})

describe('probeVideo', () => {
  it('describes an H.264 MP4: codec, size, rate, duration, keyframes, creation_time, remux', async () => {
    const p = await probeVideo(h264.path, tools)
    expect(p).toMatchObject({
      demuxer: 'mov',
      video: { codec: 'h264', width: 320, height: 240, pixelFormat: 'yuv420p', frameRate: { num: 25, den: 1, value: 25 }, startTimeS: 0 },
      audio: { present: false, codecs: [] },
      creationTime: CLIP_CREATED,
      creationTimeFrom: 'format',
      packetCount: 100,
      keyframesComplete: true,
      timesEstimated: false,
      playback: { browserPlayable: true, mode: 'remux' }
    })
    expect(p.durationS).toBeCloseTo(4, 3)
    expect(p.keyframes).toEqual([0, 1, 2, 3].map((s) => ({ timeS: s, packetIndex: s * 25 })))
  })

  it('says HEVC in Matroska and MJPEG in AVI need a transcode', async () => {
    const [a, b] = await Promise.all([probeVideo(hevcMkv, tools), probeVideo(mjpeg.path, tools)])
    expect(a).toMatchObject({ demuxer: 'matroska', video: { codec: 'hevc', width: 320, height: 240 }, playback: { mode: 'transcode', browserPlayable: false } })
    expect(a.keyframes.map((k) => k.timeS)).toEqual([0, 1, 2, 3])
    expect(b).toMatchObject({ demuxer: 'avi', video: { codec: 'mjpeg' }, packetCount: 100, playback: { mode: 'transcode' } })
    expect(b.keyframes).toHaveLength(100) // every MJPEG frame is a keyframe
  })

  it('handles MPEG-TS with audio (first frame not at 0), MPEG-PS named like a Hikvision file, and raw H.264', async () => {
    const [tsFile, ps, raw] = await Promise.all([
      execFileP(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-i', h264.path, '-f', 'lavfi', '-i', 'sine=d=4', '-c:v', 'copy', '-c:a', 'aac', '-shortest', '-f', 'mpegts', join(dir.path, 'cam1.ts')], {
        timeout: 30_000
      }).then(() => join(dir.path, 'cam1.ts')),
      // Our pattern clips are too small for the PS demuxer's codec probe: use testsrc.
      execFileP(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=320x240:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'mpeg', join(dir.path, 'hiv00003.mp4')], {
        timeout: 30_000
      }).then(() => join(dir.path, 'hiv00003.mp4')),
      rewrap(h264.path, 'cam1.264', ['-c', 'copy', '-bsf:v', 'h264_mp4toannexb', '-f', 'h264'])
    ])
    const [pTs, pPs, pRaw] = await Promise.all([tsFile, ps, raw].map((f) => probeVideo(f, tools)))
    expect(pTs).toMatchObject({ demuxer: 'mpegts', packetCount: 100, video: { codec: 'h264' }, audio: { present: true, codecs: ['aac'] } })
    expect(pTs!.video.startTimeS).toBeGreaterThan(1) // the MPEG-TS muxer starts at 1.4 s
    expect(pTs!.containerStartS).toBeLessThanOrEqual(pTs!.video.startTimeS!)
    expect(pTs!.keyframes.map((k) => k.timeS - pTs!.video.startTimeS!).map((x) => Math.round(x * 1000))).toEqual([0, 1000, 2000, 3000])
    expect(pPs).toMatchObject({ demuxer: 'mpeg', video: { codec: 'h264', width: 320 } })
    // No timestamps in a raw stream: times come from frame counts and the declared rate.
    expect(pRaw).toMatchObject({ demuxer: 'h264', video: { codec: 'h264', width: 320, height: 240, startTimeS: 0 }, timesEstimated: true, durationS: 4 })
    expect(pRaw!.keyframes).toEqual([0, 1, 2, 3].map((s) => ({ timeS: s, packetIndex: s * 25 })))
  })

  it('fails fast and clearly on empty, random, truncated and non-file inputs', async () => {
    const empty = join(dir.path, 'empty.mp4')
    writeFileSync(empty, '')
    const random = join(dir.path, 'random.mp4')
    writeFileSync(random, Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24)))
    const truncated = join(dir.path, 'truncated.mp4')
    const whole = readFileSync(h264.path)
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2))) // moov is at the end
    const fakeMp4 = join(dir.path, 'fake.mp4')
    writeFileSync(fakeMp4, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(5000, 0xab)]))
    const started = Date.now()
    const results = await Promise.allSettled([empty, random, truncated, fakeMp4, dir.path].map((f) => probeVideo(f, tools, { timeoutMs: 5000 })))
    const errors = results.map((r) => (r.status === 'rejected' ? (r.reason as ProbeError) : null))
    expect(errors.map((e) => e?.code)).toEqual(['empty', 'refused', 'unreadable', 'unreadable', 'refused'])
    expect(errors[1]!.message).toMatch(/not a recognised video container/)
    expect(errors[2]!.message).toMatch(/moov atom not found/)
    expect(errors.every((e) => e instanceof ProbeError)).toBe(true)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('stops on cancel', async () => {
    const ac = new AbortController()
    ac.abort()
    await expect(probeVideo(h264.path, tools, { signal: ac.signal })).rejects.toBeInstanceOf(CancelledError)
  })
})

describe('runner basics', () => {
  it('names the ffmpeg build for custody records', async () => {
    expect(await ffmpegVersionLine(tools.ffmpeg)).toMatch(/^ffmpeg version \S+/)
  })
  it('always hardens the input and returns the exit status', async () => {
    let started: { pid: number; args: string[] } | null = null
    const r = await runFfmpeg({
      ffmpegPath: tools.ffmpeg,
      input: { path: h264.path, demuxer: 'mov' },
      output: { kind: 'null' },
      outputArgs: ['-map', '0:v:0', '-frames:v', '5'],
      timeoutMs: 10_000,
      onStart: (info) => (started = info)
    })
    expect(r.exitCode).toBe(0)
    const args = r.args
    const iAt = args.indexOf('-i')
    const before = args.slice(0, iAt)
    expect(before).toEqual(expect.arrayContaining(['-nostdin', '-hide_banner']))
    expect(before.join(' ')).toContain('-protocol_whitelist file,pipe -format_whitelist mov -f mov')
    expect(args[iAt + 1]).toBe(h264.path)
    expect(started!.pid).toBeGreaterThan(0)
  })
  it('refuses relative paths, disallowed demuxers and file-reading arguments', async () => {
    const base = { ffmpegPath: tools.ffmpeg, output: { kind: 'null' as const }, timeoutMs: 5000 }
    await expect(runFfmpeg({ ...base, input: { path: 'concat:/etc/passwd', demuxer: 'mov' }, outputArgs: [] })).rejects.toThrow(/absolute/)
    await expect(runFfmpeg({ ...base, input: { path: h264.path, demuxer: 'hls' as never }, outputArgs: [] })).rejects.toThrow(/allow-list/)
    await expect(runFfmpeg({ ...base, input: { path: h264.path, demuxer: 'mov' }, outputArgs: ['-vf', 'movie=/etc/passwd'] })).rejects.toThrow(/open files/)
    await expect(runFfmpeg({ ...base, input: { path: h264.path, demuxer: 'mov' }, outputArgs: ['-i', '/etc/passwd'] })).rejects.toThrow(/not allowed/)
    await expect(runFfprobe({ ffprobePath: tools.ffprobe, input: 'x.mp4', demuxer: 'mov', args: [], timeoutMs: 1000 })).rejects.toThrow(/absolute/)
  })
})
