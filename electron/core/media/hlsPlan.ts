// HLS VOD plan for one piece of footage, pure (no ffmpeg here): segment boundaries, the
// wall-clock time of each segment, the m3u8 text, and the ffmpeg arguments that make
// segment N on demand (an fMP4 file: init boxes + one or more moof/mdat fragments).
//
// - Remux (-c copy) can only cut at the source's keyframes, so boundaries are source
//   keyframes, at least targetSegmentS apart. Each segment is cut by packet count
//   (-frames:v), not by time: with B-frames, -to lets packets of the next GOP through.
// - Transcode uses fixed-length segments of whole frames; each is encoded on its own
//   (so it starts with an IDR: closed GOP, -g = -keyint_min = frames per segment).
// - EXT-X-PROGRAM-DATE-TIME comes from the footage's own clock (wallClockStartUs is the
//   time of the first frame), never ffmpeg's program_date_time (the time ffmpeg ran).
// - Segments keep the source's timeline (-copyts), shifted so the first frame presents at
//   MEDIA_OFFSET_S: tfdt is unsigned, and B-frame decode times precede presentation.
import type { Demuxer, FfmpegInput } from './ffmpegRunner'

export const MEDIA_OFFSET_S = 10

export type HlsMode = 'remux' | 'transcode'

export interface HlsPlanInput {
  mode: HlsMode
  /** Keyframe presentation times (ascending) and packet indexes in decode order, from probeVideo. */
  keyframes: { timeS: number; packetIndex: number }[]
  /** Video packets in the stream (probe.packetCount); sizes the last remux segment. */
  packetCount?: number
  /** Presentation time of the first frame (probe.video.startTimeS; not always 0). */
  startTimeS: number
  /** The container's start time (probe.containerStartS): ffmpeg's -ss is relative to it. Default startTimeS. */
  containerStartS?: number
  /** Length of the video from startTimeS. */
  durationS: number
  frameRate: { num: number; den: number }
  /** UTC wall clock of the first frame, in microseconds since the epoch. */
  wallClockStartUs: number
  targetSegmentS: number
  initUri?: string
  segmentUri?: (index: number) => string
}

export interface HlsSegment {
  index: number
  /** Source presentation time of the segment's first frame. */
  startS: number
  endS: number
  durationS: number
  /** Frames (transcode) or packets (remux) in the segment; null = to the end of the stream. */
  frames: number | null
  /**
   * Transcode: where decoding starts, a second before the source keyframe at or before
   * startS. Seeking straight to startS can land after that keyframe (MPEG-TS seeks are not
   * keyframe-exact), and HEVC then decodes grey garbage until the next one.
   */
  decodeFromS: number
  /** Presentation time of the first frame inside the produced segment file. */
  mediaStartS: number
  /** Remux: the source keyframe after startS (null at the stream's last), which bounds the input seek. */
  nextKeyframeS?: number | null
  /** Remux: decode-order index of the segment's first packet (its keyframe), for the in-process fragmenter. */
  firstPacket?: number
  wallClockUs: number
  programDateTime: string
  uri: string
}

export interface HlsPlan {
  mode: HlsMode
  segments: HlsSegment[]
  targetDurationS: number
  initUri: string
  /** Source time of the first frame (frames before the first keyframe cannot be remuxed). */
  firstFrameS: number
  containerStartS: number
  frameDurationS: number
  playlist: string
}

const SAFE_URI = /^[A-Za-z0-9._~\-/]+$/

/** ISO 8601 UTC from epoch microseconds, with ms (or µs when needed). */
export function isoFromMicros(us: number): string {
  if (!Number.isSafeInteger(us)) throw new Error(`Not an integer microsecond time: ${us}`)
  const ms = Math.floor(us / 1000)
  const rest = us - ms * 1000
  const base = new Date(ms).toISOString() // …sss Z
  return rest === 0 ? base : `${base.slice(0, -1)}${String(rest).padStart(3, '0')}Z`
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6

export function planHls(input: HlsPlanInput): HlsPlan {
  const { num, den } = input.frameRate
  if (!(num > 0 && den > 0)) throw new Error('A frame rate is needed to plan segments.')
  if (!(input.targetSegmentS > 0)) throw new Error('targetSegmentS must be positive.')
  if (!(input.durationS > 0)) throw new Error('durationS must be positive.')
  const frameS = den / num
  const endOfStream = input.startTimeS + input.durationS
  const initUri = input.initUri ?? 'init.mp4'
  const segUri = input.segmentUri ?? ((i: number) => `seg${i}.m4s`)
  if (!SAFE_URI.test(initUri)) throw new Error(`Unsafe init URI ${initUri}`)

  type Cut = { startS: number; endS: number; frames: number | null; firstPacket?: number }
  const cuts: Cut[] = []
  if (input.mode === 'remux') {
    const kfs = input.keyframes.filter((k) => k.timeS >= input.startTimeS - frameS / 2 && k.timeS < endOfStream - frameS / 2)
    if (kfs.length === 0) throw new Error('No keyframe inside the stream: it cannot be remuxed.')
    let open = kfs[0]!
    for (let i = 1; i <= kfs.length; i++) {
      const next = kfs[i]
      if (next && next.timeS - open.timeS < input.targetSegmentS - frameS / 2) continue
      const frames = next ? next.packetIndex - open.packetIndex : input.packetCount !== undefined ? input.packetCount - open.packetIndex : null
      cuts.push({ startS: open.timeS, endS: next ? next.timeS : endOfStream, frames, firstPacket: open.packetIndex })
      if (next) open = next
    }
  } else {
    const perSegment = Math.max(1, Math.round((input.targetSegmentS * num) / den))
    const total = Math.max(1, Math.round((input.durationS * num) / den))
    for (let f = 0; f < total; f += perSegment) {
      const n = Math.min(perSegment, total - f)
      cuts.push({ startS: input.startTimeS + (f * den) / num, endS: input.startTimeS + ((f + n) * den) / num, frames: n })
    }
  }

  const containerStartS = input.containerStartS ?? input.startTimeS
  const keyTimes = input.keyframes.map((k) => k.timeS)
  const decodeFrom = (startS: number): number => {
    if (input.mode === 'remux') return startS
    if (startS <= input.startTimeS + frameS / 2) return containerStartS
    const before = keyTimes.filter((t) => t <= startS + frameS / 4)
    return Math.max(containerStartS, (before.length ? before[before.length - 1]! : startS - 2) - 1)
  }
  const nextKey = (startS: number): number | null => {
    const t = keyTimes.find((k) => k > startS + frameS / 2)
    return t === undefined ? null : round6(t)
  }
  const segments: HlsSegment[] = cuts.map((c, index) => {
    const uri = segUri(index)
    if (!SAFE_URI.test(uri)) throw new Error(`Unsafe segment URI ${uri}`)
    const fromStartUs = Math.round((c.startS - input.startTimeS) * 1e6)
    const wallClockUs = input.wallClockStartUs + fromStartUs
    return {
      index,
      startS: round6(c.startS),
      endS: round6(c.endS),
      durationS: round6(c.endS - c.startS),
      frames: c.frames,
      decodeFromS: round6(decodeFrom(c.startS)),
      ...(input.mode === 'remux' ? { nextKeyframeS: nextKey(c.startS), firstPacket: c.firstPacket } : {}),
      mediaStartS: round6(c.startS - input.startTimeS + MEDIA_OFFSET_S),
      wallClockUs,
      programDateTime: isoFromMicros(wallClockUs),
      uri
    }
  })
  const targetDurationS = Math.max(1, ...segments.map((s) => Math.ceil(s.durationS - 1e-6)))
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${targetDurationS}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
    `#EXT-X-MAP:URI="${initUri}"`
  ]
  for (const s of segments) lines.push(`#EXT-X-PROGRAM-DATE-TIME:${s.programDateTime}`, `#EXTINF:${s.durationS.toFixed(6)},`, s.uri)
  lines.push('#EXT-X-ENDLIST', '')
  return {
    mode: input.mode,
    segments,
    targetDurationS,
    initUri,
    firstFrameS: segments[0]!.startS,
    containerStartS,
    frameDurationS: frameS,
    playlist: lines.join('\n')
  }
}

const secs = (s: number): string => s.toFixed(6)

/** The -output_ts_offset of a segment (source time → the segment file's time), as ffmpeg is given it. */
export const outputTsOffset = (seg: HlsSegment): string => secs(seg.mediaStartS - seg.startS)

const FMP4_OUT = [
  '-avoid_negative_ts',
  'disabled',
  '-use_editlist',
  '0',
  '-video_track_timescale',
  '90000',
  '-map_metadata',
  '-1',
  '-fflags',
  '+bitexact',
  '-f',
  'mp4',
  // frag_discont: tfdt from the packets' own (offset) times, so segments line up.
  '-movflags',
  'frag_keyframe+empty_moov+default_base_moof+frag_discont'
]

export interface SegmentJob {
  input: FfmpegInput
  outputArgs: string[]
}

/**
 * Remux only: one run that writes segments `from`…`to` (in order) into one fMP4 file, split
 * afterwards with splitSegments. Starting ffmpeg costs more than copying 20 s of 1080p
 * (measured: ~0.2 s either way), so the neighbours of a segment come almost for free.
 */
export function remuxRangeJob(plan: HlsPlan, from: number, to: number, source: { path: string; demuxer: Demuxer }): SegmentJob {
  if (plan.mode !== 'remux') throw new Error('Only remuxed segments are made several at a time.')
  if (!(from >= 0 && to >= from && to < plan.segments.length)) throw new Error(`No segments ${from}–${to} in the plan (${plan.segments.length}).`)
  const job = segmentJob(plan, from, source)
  const counts = plan.segments.slice(from, to + 1).map((s) => s.frames)
  const total = counts.every((c) => c !== null) ? counts.reduce<number>((a, c) => a + c!, 0) : null
  const at = job.outputArgs.indexOf('-frames:v')
  if (at >= 0) job.outputArgs.splice(at, 2)
  if (total !== null) job.outputArgs.splice(job.outputArgs.indexOf('-output_ts_offset'), 0, '-frames:v', String(total))
  return job
}

/** Samples in one moof box (the sum of its truns' sample_count; one track). */
function moofSamples(buf: Uint8Array, start: number, end: number): number {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let samples = 0
  const walk = (from: number, to: number): void => {
    let off = from
    while (off + 8 <= to) {
      const size = view.getUint32(off)
      const type = String.fromCharCode(buf[off + 4]!, buf[off + 5]!, buf[off + 6]!, buf[off + 7]!)
      if (size < 8 || off + size > to) throw new Error(`Corrupt box '${type}' in a moof at ${off}.`)
      if (type === 'traf') walk(off + 8, off + size)
      else if (type === 'trun') samples += view.getUint32(off + 12)
      off += size
    }
  }
  walk(start + 8, end)
  return samples
}

/**
 * Splits the media part of a multi-segment remux run (frag_keyframe: a fragment per source
 * keyframe, and segments start on keyframes) into one media part per segment, by the
 * packets each segment holds (`frames`, null = the rest). Throws when a fragment straddles
 * a boundary or the counts do not add up: the caller then makes segments one at a time.
 */
export function splitSegments(media: Uint8Array, frames: (number | null)[]): Uint8Array[] {
  const view = new DataView(media.buffer, media.byteOffset, media.byteLength)
  const out: Uint8Array[] = []
  let segStart = 0
  let inSeg = 0
  let off = 0
  while (off + 8 <= media.length) {
    const size = view.getUint32(off)
    const type = String.fromCharCode(media[off + 4]!, media[off + 5]!, media[off + 6]!, media[off + 7]!)
    if (size < 8 || off + size > media.length) throw new Error(`Truncated or corrupt box '${type}' at ${off}.`)
    if (type === 'moof') {
      const want = frames[out.length]
      if (want === undefined) throw new Error('More fragments than the segments planned.')
      if (want !== null && inSeg === want) {
        out.push(media.subarray(segStart, off))
        segStart = off
        inSeg = 0
      }
      inSeg += moofSamples(media, off, off + size)
      const now = frames[out.length]
      if (now !== null && now !== undefined && inSeg > now) throw new Error(`A fragment straddles the end of segment ${out.length}.`)
    }
    off += size
  }
  const last = frames[out.length]
  if (out.length !== frames.length - 1 || (last !== null && inSeg !== last)) throw new Error(`The run held ${out.length + 1} segment(s) of the ${frames.length} planned.`)
  out.push(media.subarray(segStart, off))
  return out
}

/**
 * Demuxers on which ffmpeg's input seek (-ss before -i) backs off 3/23 s before seeking when
 * the stream has B-frames (fftools' "dts heuristic" for formats that do not seek by
 * presentation time), measured on ffmpeg 5.1 in tests/unit/media/remuxSeek.test.ts: asked
 * for 12.01 s, Matroska, FLV and AVI started at the 11 s keyframe. MP4/MOV and MPEG-TS land on
 * the keyframe asked for (MPEG-TS even moves on to the next one if asked past it).
 */
const SEEK_BACKS_OFF: ReadonlySet<Demuxer> = new Set<Demuxer>(['matroska', 'flv', 'avi'])
const SEEK_BACK_OFF_S = 3 / 23

/**
 * Where to seek the input for a remuxed segment so that the seek snaps to exactly its first
 * keyframe: a quarter frame past it, plus the back-off on the demuxers that apply one. The
 * target stays before the next keyframe, whether or not ffmpeg backs off (it only does with
 * B-frames, which the plan does not know); a GOP shorter than the back-off cannot satisfy
 * both, and then the stream is assumed to have no B-frames.
 */
function remuxSeekS(seg: HlsSegment, frameS: number, demuxer: Demuxer): number {
  const plain = seg.startS + frameS / 4
  if (!SEEK_BACKS_OFF.has(demuxer)) return plain
  const backedOff = plain + SEEK_BACK_OFF_S
  const next = seg.nextKeyframeS ?? Infinity
  return backedOff < next - frameS / 4 ? backedOff : plain
}

/**
 * Input and output arguments for runFfmpeg to write segment `index` as an fMP4 file.
 * Remux expects a container with a seek index (mov, matroska, mpegts…); raw elementary
 * streams seek by byte estimate and should be transcoded or remuxed whole first.
 */
export function segmentJob(plan: HlsPlan, index: number, source: { path: string; demuxer: Demuxer }): SegmentJob {
  const seg = plan.segments[index]
  if (!seg) throw new Error(`No segment ${index} in the plan (${plan.segments.length}).`)
  const offset = outputTsOffset(seg)
  const frame = plan.frameDurationS
  // -ss counts from the container's start time, even with -copyts (and -seek_timestamp is
  // not honoured by the decoding path's trim), so seek relative to it. -to (with -copyts)
  // is on the source timeline.
  const seekTo = (sourceS: number): number => Math.max(0, sourceS - plan.containerStartS)
  if (plan.mode === 'remux') {
    return {
      // A quarter frame past the keyframe: the seek snaps back to exactly that keyframe.
      input: { path: source.path, demuxer: source.demuxer, seekS: seekTo(remuxSeekS(seg, frame, source.demuxer)), copyTimestamps: true },
      outputArgs: [
        '-map',
        '0:v:0',
        '-an',
        '-sn',
        '-dn',
        '-c:v',
        'copy',
        ...(seg.frames !== null ? ['-frames:v', String(seg.frames)] : []),
        '-output_ts_offset',
        offset,
        ...FMP4_OUT
      ]
    }
  }
  const gop = String(seg.frames ?? Math.round(plan.targetDurationS / frame))
  return {
    // Decode from before the keyframe (no accurate seek), then trim on the source timeline
    // (-copyts) half a frame early: keeps exactly the frames from startS even when their
    // times are not exact decimals. -to, also on the source timeline, ends the segment.
    input: { path: source.path, demuxer: source.demuxer, seekS: seekTo(seg.decodeFromS), accurateSeek: false, copyTimestamps: true },
    outputArgs: [
      '-map',
      '0:v:0',
      '-an',
      '-sn',
      '-dn',
      '-vf',
      `trim=start=${secs(seg.startS - frame / 2)}`,
      '-to',
      secs(seg.endS - frame / 2),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-pix_fmt',
      'yuv420p',
      '-g',
      gop,
      '-keyint_min',
      gop,
      '-sc_threshold',
      '0',
      '-fps_mode',
      'passthrough',
      '-output_ts_offset',
      offset,
      ...FMP4_OUT
    ]
  }
}

/**
 * Splits an fMP4 file into its init part (ftyp + moov) and its media part (moof/mdat
 * pairs, with styp/sidx/prft if present). The playlist's one EXT-X-MAP serves every
 * segment when the init parts are byte-identical, which the tests check.
 */
export function splitFragmentedMp4(buf: Uint8Array): { init: Uint8Array; media: Uint8Array } {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  let off = 0
  let initEnd = -1
  let mediaStart = -1
  let mediaEnd = -1
  while (off + 8 <= buf.length) {
    let size = view.getUint32(off)
    const type = String.fromCharCode(buf[off + 4]!, buf[off + 5]!, buf[off + 6]!, buf[off + 7]!)
    if (size === 1) {
      if (off + 16 > buf.length) break
      size = Number(view.getBigUint64(off + 8))
    } else if (size === 0) size = buf.length - off
    if (size < 8 || off + size > buf.length) throw new Error(`Truncated or corrupt box '${type}' at ${off}.`)
    if (type === 'moov') initEnd = off + size
    if (['styp', 'sidx', 'prft', 'moof', 'mdat', 'emsg'].includes(type)) {
      if (mediaStart < 0) mediaStart = off
      mediaEnd = off + size
    }
    off += size
  }
  if (initEnd < 0 || mediaStart < 0 || mediaStart < initEnd) throw new Error('Not a fragmented MP4 (ftyp+moov then moof/mdat).')
  return { init: buf.subarray(0, initEnd), media: buf.subarray(mediaStart, mediaEnd) }
}
