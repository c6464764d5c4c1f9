// The in-process fragmenter against ffmpeg's remux run, on clips made here with ffmpeg: for
// every planned segment of each clip, init+segment from both are read back by ffprobe and
// must agree packet by packet (pts, dts, duration, keyframe flag, size, hash of the bytes),
// and the fragmenter's segment must decode to exactly the frames the plan gives it.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../../electron/core/media/ffmpegRunner'
import { outputTsOffset, segmentJob, splitFragmentedMp4, splitSegments, type HlsPlan } from '../../../electron/core/media/hlsPlan'
import { planFor } from '../../../electron/core/media/mediaServer'
import { checkAgainstProbe, initSegment, mediaSegment, Mp4Refused, readSampleTable, type SampleTable } from '../../../electron/core/media/mp4Fragmenter'
import { probeVideo, type VideoProbe } from '../../../electron/core/media/probe'
import { frameCodeFilters } from '../../helpers/frameCode'
import { tempDir } from '../../helpers/tmp'
import { segmentFrameNumbers, testTools } from '../../helpers/videoFixtures'

const run = promisify(execFile)
const tools = testTools()
const tmp = tempDir('iwb-fragmenter-')

/** A numbered 320×240 clip: `rate` frames a second for `seconds`, encoded with `args`. */
async function clip(name: string, rate: string, seconds: number, args: string[], audio = false): Promise<string> {
  const out = join(tmp.path, name)
  const video = `color=c=0x808080:s=320x240:r=${rate}:d=${seconds},format=yuv420p,${frameCodeFilters(320, 240)}`
  await run(
    tools.ffmpeg,
    [
      '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', video,
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k'] : []),
      '-c:v', 'libx264', '-preset', 'veryfast', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', ...args, out
    ],
    { timeout: 60_000 }
  )
  return out
}

interface Packet {
  pts: number
  dts: number
  duration: number
  key: boolean
  size: number
  hash: string
}

async function packets(path: string): Promise<Packet[]> {
  const r = await run(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-show_data_hash', 'sha256', '-show_entries', 'packet=pts,dts,duration,flags,size,data_hash', '-of', 'json', path], { maxBuffer: 1 << 24 })
  const j = JSON.parse(r.stdout) as { packets: { pts: number; dts: number; duration: number; flags: string; size: string; data_hash: string }[] }
  return j.packets.map((p) => ({ pts: p.pts, dts: p.dts, duration: p.duration, key: p.flags.startsWith('K'), size: Number(p.size), hash: p.data_hash }))
}

const planOf = (probe: VideoProbe): HlsPlan => planFor({ fileId: 0, evidenceId: 0, sha256: '', demuxer: 'mov', mode: 'remux', startUs: 0, probe })

interface Case {
  name: string
  make: () => Promise<string>
  fps: number
}

const CASES: Case[] = [
  // x264 defaults: B-frames, an edit list whose media_time is the first frame's offset; 25 fps → timescale 12800
  { name: 'B-frames, edit list, 25 fps', fps: 25, make: () => clip('bframes.mp4', '25', 10, ['-g', '25', '-keyint_min', '25']) },
  { name: 'no B-frames', fps: 25, make: () => clip('nob.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-bf', '0']) },
  { name: '30000/1001', fps: 30000 / 1001, make: () => clip('ntsc.mp4', '30000/1001', 9, ['-g', '30', '-keyint_min', '30']) },
  { name: 'MOV, timescale 600', fps: 25, make: () => clip('clip.mov', '25', 9, ['-g', '50', '-keyint_min', '50', '-video_track_timescale', '600', '-f', 'mov']) },
  // 12800 ticks a second do not divide into 30000/1001 frames or into 90 kHz: uneven stts, rounded rescale.
  { name: '30000/1001 in timescale 12800 (inexact)', fps: 30000 / 1001, make: () => clip('ntsc12800.mp4', '30000/1001', 9, ['-g', '30', '-keyint_min', '30', '-video_track_timescale', '12800']) },
  { name: 'MP4 with an AAC track interleaved', fps: 25, make: () => clip('audio.mp4', '25', 9, ['-g', '25', '-keyint_min', '25'], true) },
  // No edit list: the first frame presents two frames after 0 (a non-zero start time).
  { name: 'non-zero start (no edit list, B-frames)', fps: 25, make: () => clip('start.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-use_editlist', '0']) },
  // 2 s GOP with a keyframe every 50 frames at 1080p-like bitrates is the bench's shape; here a GOP of 12 gives several fragments per segment.
  { name: 'short GOP (several fragments per segment)', fps: 25, make: () => clip('gop12.mp4', '25', 9, ['-g', '12', '-keyint_min', '12']) }
]

afterAll(() => tmp.cleanup())

describe('fragmenter vs ffmpeg remux, packet by packet', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const path = await c.make()
      const probe = await probeVideo(path, tools)
      const table = await readSampleTable(path)
      checkAgainstProbe(table, { ...probe.video, packetCount: probe.packetCount, keyframes: probe.keyframes, keyframesComplete: probe.keyframesComplete })
      const plan = planOf(probe)
      expect(plan.segments.length).toBeGreaterThanOrEqual(2)
      const init = initSegment(table)
      const startS = probe.video.startTimeS ?? 0
      for (const seg of plan.segments) {
        const job = segmentJob(plan, seg.index, { path, demuxer: 'mov' })
        const out = join(tmp.path, `ff-${seg.index}.mp4`)
        const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: job.input, output: { kind: 'file', path: out }, outputArgs: job.outputArgs, timeoutMs: 30_000 })
        expect(r.exitCode, r.stderr).toBe(0)
        const ff = splitFragmentedMp4(readFileSync(out))
        const frames = seg.frames ?? probe.packetCount - seg.firstPacket!
        const media = await mediaSegment(table, path, seg.firstPacket!, frames, outputTsOffset(seg))
        // The fragments fall on the planned boundaries, as splitSegments needs of a run.
        expect(splitSegments(media, [frames])).toHaveLength(1)

        const ours = join(tmp.path, `ours-${seg.index}.mp4`)
        const theirs = join(tmp.path, `theirs-${seg.index}.mp4`)
        writeFileSync(ours, Buffer.concat([init, media]))
        writeFileSync(theirs, Buffer.concat([ff.init, ff.media]))
        const [a, b] = await Promise.all([packets(ours), packets(theirs)])
        expect(a.length, `segment ${seg.index}`).toBe(frames)
        expect(a, `segment ${seg.index}`).toEqual(b)

        // Either init plays either media part the same (a cache may mix them: init.mp4 is made once).
        const mixed = join(tmp.path, `mixed-${seg.index}.mp4`)
        writeFileSync(mixed, Buffer.concat([ff.init, media]))
        expect(await packets(mixed)).toEqual(b)
        writeFileSync(mixed, Buffer.concat([init, ff.media]))
        expect(await packets(mixed)).toEqual(b)

        // Decoded, the segment holds exactly its planned frames, in order.
        const first = Math.round((seg.startS - startS) * c.fps)
        const last = Math.round((seg.endS - startS) * c.fps)
        const numbers = await segmentFrameNumbers(init, media, join(tmp.path, `dec-${seg.index}.mp4`))
        expect(numbers, `segment ${seg.index}`).toEqual(Array.from({ length: last - first }, (_, k) => first + k))
      }
    })
  }
})

describe('what the fragmenter leaves to ffmpeg', () => {
  it('an empty edit (a start offset written as an edit list) is refused with its reason', async () => {
    const path = await clip('offset.mp4', '25', 3, ['-g', '25', '-output_ts_offset', '5'])
    const err = await readSampleTable(path).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Mp4Refused)
    expect((err as Mp4Refused).reason).toBe('edit-list')
  })

  it('fragmented input is refused', async () => {
    const path = await clip('frag.mp4', '25', 3, ['-g', '25', '-movflags', 'frag_keyframe+empty_moov'])
    const err = await readSampleTable(path).catch((e: unknown) => e)
    expect((err as Mp4Refused).reason).toBe('fragmented')
  })

  it('a table that does not match the probe is refused', async () => {
    const path = await clip('probe.mp4', '25', 3, ['-g', '25'])
    const probe = await probeVideo(path, tools)
    const table: SampleTable = await readSampleTable(path)
    const facts = { ...probe.video, packetCount: probe.packetCount, keyframes: probe.keyframes, keyframesComplete: probe.keyframesComplete }
    expect(() => checkAgainstProbe(table, facts)).not.toThrow()
    expect(() => checkAgainstProbe(table, { ...facts, packetCount: facts.packetCount - 1 })).toThrow(/probe-mismatch/)
    expect(() => checkAgainstProbe(table, { ...facts, keyframes: facts.keyframes.map((k) => ({ ...k, timeS: k.timeS + 0.04 })) })).toThrow(/probe-mismatch/)
    expect(() => checkAgainstProbe(table, { ...facts, codec: 'hevc' })).toThrow(/codec/)
  })
})
