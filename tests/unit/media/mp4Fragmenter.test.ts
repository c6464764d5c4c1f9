// The in-process fragmenter against ffmpeg's remux run, on clips made here with ffmpeg: for
// every planned segment of each clip, init+segment from both are read back by ffprobe and
// must agree packet by packet (pts, dts, duration, keyframe flag, size, hash of the bytes),
// and the fragmenter's segment must decode to exactly the frames the plan gives it.
import { execFile } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { runFfmpeg } from '../../../electron/core/media/ffmpegRunner'
import { outputTsOffset, segmentJob, splitFragmentedMp4, splitSegments, type HlsPlan } from '../../../electron/core/media/hlsPlan'
import { mediaBodyBytes, planFor, planKeyFor, REMUX_SEGMENT_S } from '../../../electron/core/media/mediaServer'
import { checkAgainstProbe, initSegment, mediaSegment, Mp4Refused, readSampleTable, type SampleTable } from '../../../electron/core/media/mp4Fragmenter'
import { probeVideo, type VideoProbe } from '../../../electron/core/media/probe'
import { importVideoEvidence } from '../../../electron/core/media/videoStore'
import { frameCodeFilters } from '../../helpers/frameCode'
import { tempDir } from '../../helpers/tmp'
import { segmentFrameNumbers, testMediaServer, testTools } from '../../helpers/videoFixtures'

const run = promisify(execFile)
const tools = testTools()
const tmp = tempDir('iwb-fragmenter-')

/**
 * A numbered 320×240 clip: `rate` frames a second for `seconds`, encoded with `args`.
 * `plain`: ffmpeg's test pattern instead (not numbered): with the numbered picture, ffmpeg
 * 5.1's mp4 muxer writes no ctts at all under negative_cts_offsets.
 */
async function clip(name: string, rate: string, seconds: number, args: string[], audio: boolean | 'first' = false, plain = false): Promise<string> {
  const out = join(tmp.path, name)
  const video = plain ? `testsrc=s=320x240:r=${rate}:d=${seconds}` : `color=c=0x808080:s=320x240:r=${rate}:d=${seconds},format=yuv420p,${frameCodeFilters(320, 240)}`
  await run(
    tools.ffmpeg,
    [
      '-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', video,
      ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-c:a', 'aac', '-b:a', '64k'] : []),
      ...(audio === 'first' ? ['-map', '1:a', '-map', '0:v'] : []),
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
  /** Not numbered (see clip): the packets are compared, the frames not decoded. */
  plain?: boolean
  /** The clip really has the shape the case is about (so a changed encoder default cannot hollow it out). */
  shape?: (t: SampleTable, file: Buffer, probe: VideoProbe) => void
}

/** The payload of the first box of `type` in `file` (a crude find: these are our own clips). */
const boxBody = (file: Buffer, type: string): Buffer | null => {
  const at = file.indexOf(type, 0, 'latin1')
  return at < 4 ? null : file.subarray(at + 4, at - 4 + file.readUInt32BE(at - 4))
}
const elstMediaTime = (file: Buffer): number | null => {
  const b = boxBody(file, 'elst')
  return b ? b.readInt32BE(12) : null
}

const CASES: Case[] = [
  // x264 defaults: B-frames, an edit list whose media_time is the first frame's offset; 25 fps → timescale 12800
  {
    name: 'B-frames, edit list, 25 fps',
    fps: 25,
    make: () => clip('bframes.mp4', '25', 10, ['-g', '25', '-keyint_min', '25']),
    shape: (t, file) => {
      expect(t.timescale).toBe(12800)
      expect(elstMediaTime(file)).toBeGreaterThan(0)
    }
  },
  { name: 'no B-frames', fps: 25, make: () => clip('nob.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-bf', '0']), shape: (_t, file) => expect(boxBody(file, 'ctts')).toBeNull() },
  { name: '30000/1001', fps: 30000 / 1001, make: () => clip('ntsc.mp4', '30000/1001', 9, ['-g', '30', '-keyint_min', '30']) },
  {
    name: 'MOV, timescale 600',
    fps: 25,
    make: () => clip('clip.mov', '25', 9, ['-g', '50', '-keyint_min', '50', '-video_track_timescale', '600', '-f', 'mov']),
    shape: (t, file) => {
      expect(t.timescale).toBe(600)
      expect(file.subarray(8, 12).toString('latin1')).toBe('qt  ')
    }
  },
  // 12800 ticks a second do not divide into 30000/1001 frames or into 90 kHz: uneven stts, rounded rescale.
  { name: '30000/1001 in timescale 12800 (inexact)', fps: 30000 / 1001, make: () => clip('ntsc12800.mp4', '30000/1001', 9, ['-g', '30', '-keyint_min', '30', '-video_track_timescale', '12800']),
    shape: (t) => expect(new Set(t.duration).size).toBeGreaterThan(1)
  },
  { name: 'MP4 with an AAC track interleaved', fps: 25, make: () => clip('audio.mp4', '25', 9, ['-g', '25', '-keyint_min', '25'], true), shape: (_t, _f, probe) => expect(probe.audio).toBeTruthy() },
  // The audio track first (the video is the second trak), and the moov before the media (faststart).
  {
    name: 'audio track first, moov first (faststart)',
    fps: 25,
    make: () => clip('audiofirst.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-movflags', '+faststart'], 'first'),
    shape: (_t, file) => {
      expect(file.indexOf('moov', 0, 'latin1')).toBeLessThan(file.indexOf('mdat', 0, 'latin1'))
      expect(file.indexOf('soun', 0, 'latin1')).toBeLessThan(file.indexOf('vide', 0, 'latin1'))
    }
  },
  // No edit list: the first frame presents two frames after 0 (a non-zero start time).
  { name: 'non-zero start (no edit list, B-frames)', fps: 25, make: () => clip('start.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-use_editlist', '0']),
    shape: (_t, file, probe) => {
      expect(elstMediaTime(file)).toBeNull()
      expect(probe.video.startTimeS).toBeGreaterThan(0)
    }
  },
  // ctts v1 with negative offsets: ffmpeg moves decode times back (dts_shift), with and without an edit list.
  { name: 'negative composition offsets (ctts v1)', fps: 25, plain: true,
    make: () => clip('negcts.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-movflags', 'negative_cts_offsets'], false, true),
    shape: (_t, file) => expect(boxBody(file, 'ctts')![0]).toBe(1) // version 1: signed offsets
  },
  { name: 'negative composition offsets, no edit list', fps: 25, plain: true,
    make: () => clip('negcts-noedit.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-movflags', 'negative_cts_offsets', '-use_editlist', '0'], false, true),
    shape: (_t, file) => {
      expect(boxBody(file, 'ctts')![0]).toBe(1)
      expect(elstMediaTime(file)).toBeNull()
    }
  },
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
      c.shape?.(table, readFileSync(path), probe)
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
        if (c.plain) continue
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

describe('the media server falls back to ffmpeg, with the reason', () => {
  it('an MP4 the fragmenter refuses still plays: ffmpeg makes its segments, the refusal is counted', async () => {
    const folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Fallback', examiner: 'Ana', timeZone: 'UTC' })
    try {
      const server = testMediaServer(() => folder, 'Ana', tools)
      // An empty edit (the stream starts 5 s into the movie): not one plain edit, so refused.
      const path = await clip('offset-served.mp4', '25', 9, ['-g', '25', '-keyint_min', '25', '-output_ts_offset', '5'])
      const a = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
      const o = await importVideoEvidence(folder, a.evidence!.id, { examiner: 'Ana', tools, caseZone: 'UTC', camera: 'Cam', start: '2024-03-05T10:00:00Z' })
      expect(o.file!.playback).toBe('remux')
      const base = `/media/hls/${o.file!.sha256}/${planKeyFor('remux')}`
      const seg = await server.handle('GET', `${base}/seg1.m4s`, undefined)
      expect(seg.status).toBe(200)
      expect(server.stats.ffmpegRuns).toBe(1)
      expect(server.stats.fragmenterRuns).toBe(0)
      expect(server.stats.fragmenterRefused).toEqual({ 'edit-list': 1 })
      const init = (await mediaBodyBytes((await server.handle('GET', `${base}/init.mp4`, undefined)).body))!
      const numbers = await segmentFrameNumbers(init, (await mediaBodyBytes(seg.body))!, join(tmp.path, 'served.mp4'))
      const perSegment = REMUX_SEGMENT_S * 25 // a keyframe every second: segment 1 is the second REMUX_SEGMENT_S
      expect(numbers).toEqual(Array.from({ length: perSegment }, (_, k) => perSegment + k))
      await server.idle()
      const row = folder.db.prepare("SELECT ffmpeg_version FROM derived_media WHERE path LIKE '%seg1.m4s'").get() as { ffmpeg_version: string }
      expect(row.ffmpeg_version).toMatch(/^ffmpeg version /)
    } finally {
      folder.close()
    }
  })
})
