// HLS plan: boundaries, wall-clock stamps and playlist text (pure), then real segments cut
// from an H.264 clip (remux, keyframe boundaries) and an HEVC clip (transcode, fixed
// length) and checked frame by frame with the burnt-in frame numbers.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg, runFfprobe } from '../../../electron/core/media/ffmpegRunner'
import { MEDIA_OFFSET_S, isoFromMicros, planHls, segmentJob, splitFragmentedMp4, type HlsPlan } from '../../../electron/core/media/hlsPlan'
import { parsePacketCsv, probeVideo } from '../../../electron/core/media/probe'
import { decodeFrameCode } from '../../helpers/frameCode'
import { tempDir } from '../../helpers/tmp'
import { CLIP_CREATED, STANDARD_CLIPS, cachedClip, extractFrame, testTools, type Clip } from '../../helpers/videoFixtures'

const tools = testTools()
const dir = tempDir('iwb-hls-')
afterAll(() => dir.cleanup())

const START_US = Date.parse(CLIP_CREATED) * 1000

describe('planHls (pure)', () => {
  const kf = (times: number[], gop: number) => times.map((t, i) => ({ timeS: t, packetIndex: i * gop }))

  it('remux: cuts on keyframes at least the target apart and counts packets', () => {
    const plan = planHls({
      mode: 'remux',
      keyframes: kf([0, 1, 2, 3, 4], 25),
      packetCount: 120,
      startTimeS: 0,
      durationS: 4.8,
      frameRate: { num: 25, den: 1 },
      wallClockStartUs: START_US,
      targetSegmentS: 2
    })
    expect(plan.segments.map((s) => [s.startS, s.durationS, s.frames])).toEqual([
      [0, 2, 50],
      [2, 2, 50],
      [4, 0.8, 20]
    ])
    expect(plan.targetDurationS).toBe(2)
    expect(plan.segments.map((s) => s.programDateTime)).toEqual(['2024-03-05T14:30:00.000Z', '2024-03-05T14:30:02.000Z', '2024-03-05T14:30:04.000Z'])
  })

  it('remux: a GOP longer than the target sets the segment length; frames before the first keyframe are left out', () => {
    const plan = planHls({
      mode: 'remux',
      keyframes: [
        { timeS: 1.48, packetIndex: 3 },
        { timeS: 6.48, packetIndex: 128 }
      ],
      packetCount: 203,
      startTimeS: 1.4,
      durationS: 8.12,
      frameRate: { num: 25, den: 1 },
      wallClockStartUs: START_US,
      targetSegmentS: 2
    })
    expect(plan.segments.map((s) => [s.startS, s.endS, s.frames])).toEqual([
      [1.48, 6.48, 125],
      [6.48, 9.52, 75]
    ])
    expect(plan.targetDurationS).toBe(5)
    // Wall clock follows the footage: 0.08 s after the first frame.
    expect(plan.segments[0]!.programDateTime).toBe('2024-03-05T14:30:00.080Z')
    expect(plan.segments[0]!.mediaStartS).toBeCloseTo(MEDIA_OFFSET_S + 0.08, 9)
  })

  it('transcode: whole-frame segments, NTSC rates, and the playlist text', () => {
    const plan = planHls({
      mode: 'transcode',
      keyframes: [],
      startTimeS: 0,
      durationS: 5,
      frameRate: { num: 30000, den: 1001 },
      wallClockStartUs: START_US + 123_456,
      targetSegmentS: 2
    })
    // 5 s at 29.97 = 150 frames (rounded) → 60 + 60 + 30
    expect(plan.segments.map((s) => s.frames)).toEqual([60, 60, 30])
    expect(plan.segments[1]!.startS).toBeCloseTo(60 / (30000 / 1001), 6)
    expect(plan.segments[1]!.programDateTime).toBe(isoFromMicros(START_US + 123_456 + Math.round((60 * 1001 * 1e6) / 30000)))
    expect(plan.playlist.split('\n').slice(0, 10)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      '#EXT-X-TARGETDURATION:3',
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-PROGRAM-DATE-TIME:2024-03-05T14:30:00.123456Z',
      '#EXTINF:2.002000,',
      'seg0.m4s'
    ])
    expect(plan.playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true)
  })

  it('refuses unsafe URIs and impossible inputs', () => {
    const base = { mode: 'transcode' as const, keyframes: [], startTimeS: 0, durationS: 2, frameRate: { num: 25, den: 1 }, wallClockStartUs: 0, targetSegmentS: 1 }
    expect(() => planHls({ ...base, segmentUri: () => 'x"\n#EXT-X-KEY' })).toThrow(/Unsafe/)
    expect(() => planHls({ ...base, frameRate: { num: 0, den: 0 } })).toThrow(/frame rate/)
    expect(() => planHls({ ...base, mode: 'remux' })).toThrow(/No keyframe/)
    expect(() => splitFragmentedMp4(new Uint8Array([0, 0, 0, 99, 1, 2, 3, 4]))).toThrow(/Truncated|corrupt/)
  })
})

interface Made {
  path: string
  bytes: Buffer
  packets: ReturnType<typeof parsePacketCsv>
  firstPtsS: number
  firstFrame: number | null
  ms: number
}

async function makeSegment(clip: Clip, plan: HlsPlan, i: number): Promise<Made> {
  const path = join(dir.path, `${clip.codec}-${clip.demuxer}-${plan.mode}-${i}.mp4`)
  const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, ...segmentJob(plan, i, clip), output: { kind: 'file', path }, timeoutMs: 30_000 })
  expect(r.exitCode, r.stderr).toBe(0)
  // One ffprobe (packets) and one decode per segment: each process costs ~0.5 s here.
  const [scan, frame] = await Promise.all([
    runFfprobe({ ffprobePath: tools.ffprobe, input: path, demuxer: 'mov', args: ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'csv=p=0'], timeoutMs: 10_000 }),
    extractFrame({ path, demuxer: 'mov', width: clip.width, height: clip.height })
  ])
  const text = scan.stdout.toString()
  const firstPtsS = Math.min(...text.trim().split('\n').map((l) => Number(l.split(',')[0])))
  return { path, bytes: readFileSync(path), packets: parsePacketCsv(text), firstPtsS, firstFrame: decodeFrameCode(frame.data, frame.width, frame.height).frame, ms: r.elapsedMs }
}

/** Two segments at a time (two cores). */
async function makeSegments(clip: Clip, plan: HlsPlan, indexes: number[]): Promise<Made[]> {
  const out: Made[] = []
  for (let k = 0; k < indexes.length; k += 2) out.push(...(await Promise.all(indexes.slice(k, k + 2).map((i) => makeSegment(clip, plan, i)))))
  return out
}

describe('segments made with the runner', () => {
  let h264: Clip
  let hevc: Clip
  beforeAll(async () => {
    ;[h264, hevc] = await Promise.all([cachedClip(STANDARD_CLIPS.h264), cachedClip(STANDARD_CLIPS.hevc)])
  })

  it('remux of H.264: segments start on their keyframe, carry exactly their packets, and add up', async () => {
    const src = await probeVideo(h264.path, tools)
    expect(src.playback.mode).toBe('remux')
    const plan = planHls({
      mode: 'remux',
      keyframes: src.keyframes,
      packetCount: src.packetCount,
      startTimeS: src.video.startTimeS ?? 0,
      durationS: src.video.durationS ?? src.durationS!,
      frameRate: src.video.frameRate!,
      wallClockStartUs: Date.parse(src.creationTime!) * 1000,
      targetSegmentS: 2
    })
    expect(plan.segments.map((s) => [s.startS, s.frames, s.programDateTime])).toEqual([
      [0, 50, '2024-03-05T14:30:00.000Z'],
      [2, 50, '2024-03-05T14:30:02.000Z']
    ])
    const segs = await makeSegments(h264, plan, [0, 1])
    // First frame of each segment = its keyframe's frame number.
    expect(segs.map((s) => s.firstFrame)).toEqual([0, 50])
    expect(segs.map((s) => s.packets.packetCount)).toEqual([50, 50])
    // Two GOPs per segment, the first packet a keyframe.
    expect(segs.map((s) => s.packets.keyframes.map((k) => k.packetIndex))).toEqual([
      [0, 25],
      [0, 25]
    ])
    checkTimeline(plan, segs)

    // The same stream in MPEG-TS (first frame at 1.4 s or later): the middle segment alone.
    const tsPath = join(dir.path, 'cam.ts')
    const mux = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: { path: h264.path, demuxer: 'mov' }, output: { kind: 'file', path: tsPath }, outputArgs: ['-c', 'copy', '-f', 'mpegts'], timeoutMs: 10_000 })
    expect(mux.exitCode).toBe(0)
    const ts = await probeVideo(tsPath, tools)
    const tsPlan = planHls({
      mode: 'remux',
      keyframes: ts.keyframes,
      packetCount: ts.packetCount,
      startTimeS: ts.video.startTimeS!,
      containerStartS: ts.containerStartS!,
      durationS: ts.video.durationS ?? ts.durationS!,
      frameRate: ts.video.frameRate!,
      wallClockStartUs: START_US,
      targetSegmentS: 1
    })
    expect(tsPlan.segments.map((s) => s.frames)).toEqual([25, 25, 25, 25])
    const [mid] = await makeSegments({ ...h264, path: tsPath, demuxer: 'mpegts', codec: 'h264' }, tsPlan, [2])
    expect(mid!.firstFrame).toBe(50)
    expect(mid!.packets.packetCount).toBe(25)
    expect(mid!.firstPtsS).toBeCloseTo(tsPlan.segments[2]!.mediaStartS, 4)
    expect(tsPlan.segments[2]!.programDateTime).toBe('2024-03-05T14:30:02.000Z')
  })

  it('transcode of HEVC: fixed 1.5 s segments start exactly on their frame, one IDR each', async () => {
    const src = await probeVideo(hevc.path, tools)
    // MPEG-TS: the first frame is at 1.4 s or so, and -ss counts from the container start.
    expect(src).toMatchObject({ demuxer: 'mpegts', playback: { mode: 'transcode', browserPlayable: false } })
    expect(src.video.startTimeS).toBeGreaterThan(1)
    const plan = planHls({
      mode: 'transcode',
      keyframes: src.keyframes,
      startTimeS: src.video.startTimeS!,
      containerStartS: src.containerStartS!,
      durationS: src.video.durationS ?? src.durationS!,
      frameRate: src.video.frameRate!,
      wallClockStartUs: START_US,
      targetSegmentS: 1.5
    })
    expect(plan.segments[1]!.programDateTime).toBe('2024-03-05T14:30:01.520Z')
    expect(plan.segments.map((s) => s.frames)).toEqual([38, 38, 24])
    const segs = await makeSegments(hevc, plan, [0, 1, 2])
    expect(segs.map((s) => s.firstFrame)).toEqual([0, 38, 76])
    expect(segs.map((s) => s.packets.packetCount)).toEqual([38, 38, 24])
    expect(segs.map((s) => s.packets.keyframes.map((k) => k.packetIndex))).toEqual([[0], [0], [0]])
    checkTimeline(plan, segs)
    const seconds = plan.segments.reduce((a, s) => a + s.durationS, 0)
    const ms = segs.reduce((a, s) => a + s.ms, 0)
    console.info(`transcode 320x240 HEVC→H.264 veryfast: ${(seconds / (ms / 1000)).toFixed(1)}× real time per run (${ms} ms for ${seconds} s, incl. process start)`)
  })
})

/** Presentation times follow the plan, durations add up, and one init serves all segments. */
function checkTimeline(plan: HlsPlan, segs: Made[]): void {
  const frameS = plan.frameDurationS
  segs.forEach((s, i) => {
    const seg = plan.segments[i]!
    expect(s.firstPtsS).toBeCloseTo(seg.mediaStartS, 4)
    // Shown time: last frame + one frame − first frame.
    expect(s.packets.lastTimeS! + frameS - s.firstPtsS).toBeCloseTo(seg.durationS, 4)
    if (i > 0) expect(s.firstPtsS).toBeCloseTo(segs[i - 1]!.packets.lastTimeS! + frameS, 4)
  })
  const total = segs.reduce((a, s) => a + s.packets.lastTimeS! + frameS - s.firstPtsS, 0)
  expect(total).toBeCloseTo(4, 4)
  const inits = segs.map((s) => Buffer.from(splitFragmentedMp4(s.bytes).init).toString('hex'))
  expect(new Set(inits).size).toBe(1)
}
