// Probing footage. We choose the demuxer ourselves from the file's first bytes and never
// let ffprobe guess: a guess can land on hls or concat, which read other files (PITFALLS).
// Anything we cannot name — text, playlists, scripts, unknown binaries — is refused here.
import { constants } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { basename, extname } from 'node:path'
import { z } from 'zod'
import { throwIfCancelled } from '../util/fileHash'
import { runFfprobe, stderrReason, type Demuxer, type MediaToolPaths } from './ffmpegRunner'

export const SNIFF_BYTES = 64 * 1024

export type ProbeErrorCode = 'empty' | 'refused' | 'unreadable' | 'no-video'

export class ProbeError extends Error {
  constructor(
    readonly code: ProbeErrorCode,
    message: string
  ) {
    super(message)
    this.name = 'ProbeError'
  }
}

export type Sniff = { ok: true; demuxer: Demuxer; reason: string } | { ok: false; reason: string }

const ascii = (buf: Uint8Array, at: number, text: string): boolean => {
  if (at + text.length > buf.length) return false
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false
  return true
}

/** Share of bytes that are printable ASCII, whitespace or UTF-8 continuation/lead bytes, and no NULs. */
function looksLikeText(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 4096)
  if (n === 0) return false
  let printable = 0
  for (let i = 0; i < n; i++) {
    const b = buf[i]!
    if (b === 0) return false
    if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0x80) printable++
  }
  return printable / n > 0.95
}

/** Leading text of a file, lower-cased, after a UTF-8 BOM and whitespace. */
function leadingText(buf: Uint8Array): string {
  let s = Buffer.from(buf.subarray(0, 512)).toString('latin1')
  if (s.startsWith('\xef\xbb\xbf')) s = s.slice(3)
  return s.trimStart().toLowerCase()
}

const QT_ATOMS = ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']

function isMpegTs(buf: Uint8Array, offset: number, stride: number): boolean {
  const need = Math.min(5, Math.floor((buf.length - offset) / stride))
  if (need < 2) return false
  for (let i = 0; i < need; i++) if (buf[offset + i * stride] !== 0x47) return false
  return true
}

/** NAL unit header bytes after Annex-B start codes in the first bytes. */
function nalHeaders(buf: Uint8Array, limit = 64): [number, number][] {
  const out: [number, number][] = []
  for (let i = 0; i + 4 < buf.length && out.length < limit; i++) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      out.push([buf[i + 3]!, buf[i + 4]!])
      i += 2
    }
  }
  return out
}

function sniffAnnexB(buf: Uint8Array, ext: string): Sniff | null {
  const startsWithCode = (buf[0] === 0 && buf[1] === 0 && buf[2] === 1) || (buf[0] === 0 && buf[1] === 0 && buf[2] === 0 && buf[3] === 1)
  if (!startsWithCode) return null
  const nals = nalHeaders(buf)
  // H.264: forbidden bit 0, SPS 7 + PPS 8 (+ slices 1/5). HEVC: VPS 32, SPS 33, PPS 34, temporal id ≥ 1.
  const avc = new Set(nals.filter(([h]) => (h & 0x80) === 0).map(([h]) => h & 0x1f))
  const hevc = new Set(nals.filter(([h, h2]) => (h & 0x81) === 0 && (h2 & 7) !== 0).map(([h]) => (h >> 1) & 0x3f))
  const isHevc = hevc.has(32) && hevc.has(33) && hevc.has(34)
  const isAvc = avc.has(7) && avc.has(8)
  if (isHevc && (!isAvc || ['.265', '.hevc', '.h265'].includes(ext))) return { ok: true, demuxer: 'hevc', reason: 'Annex-B HEVC parameter sets (VPS/SPS/PPS)' }
  if (isAvc) return { ok: true, demuxer: 'h264', reason: 'Annex-B H.264 parameter sets (SPS/PPS)' }
  return { ok: false, reason: 'starts with a start code but has no H.264 or HEVC parameter sets in its first bytes' }
}

/**
 * Names the demuxer for a file from its first bytes (the extension only breaks a tie
 * between raw H.264 and HEVC). Refuses text, playlists and unknown data with a reason.
 */
export function sniffContainer(head: Uint8Array, fileName: string): Sniff {
  const ext = extname(fileName).toLowerCase()
  if (head.length === 0) return { ok: false, reason: 'the file is empty' }
  const text = leadingText(head)
  if (text.startsWith('#extm3u')) return { ok: false, reason: 'an HLS playlist (#EXTM3U), not footage: playlists make ffmpeg open other files or URLs' }
  if (text.startsWith('ffconcat')) return { ok: false, reason: 'an ffconcat script, not footage: it makes ffmpeg open other files' }
  if (ascii(head, 0, 'DHAV')) return { ok: true, demuxer: 'dhav', reason: 'Dahua DHAV frame header' }
  if (ascii(head, 4, 'ftyp') || (QT_ATOMS.includes(Buffer.from(head.subarray(4, 8)).toString('latin1')) && !looksLikeText(head)))
    return { ok: true, demuxer: 'mov', reason: `ISO BMFF / QuickTime box '${Buffer.from(head.subarray(4, 8)).toString('latin1')}' at offset 4` }
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) return { ok: true, demuxer: 'matroska', reason: 'EBML header (Matroska/WebM)' }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return { ok: true, demuxer: 'avi', reason: 'RIFF AVI header' }
  if (ascii(head, 0, 'FLV') && head[3] === 1) return { ok: true, demuxer: 'flv', reason: 'FLV header' }
  const psAt = (o: number): boolean => head[o] === 0 && head[o + 1] === 0 && head[o + 2] === 1 && head[o + 3] === 0xba
  if (psAt(0)) return { ok: true, demuxer: 'mpeg', reason: 'MPEG program stream pack header' }
  if (ascii(head, 0, 'IMKH') && psAt(40)) return { ok: true, demuxer: 'mpeg', reason: 'Hikvision IMKH header then MPEG program stream' }
  if (isMpegTs(head, 0, 188)) return { ok: true, demuxer: 'mpegts', reason: 'MPEG-TS sync byte every 188 bytes' }
  if (isMpegTs(head, 4, 192)) return { ok: true, demuxer: 'mpegts', reason: 'M2TS sync byte every 192 bytes' }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { ok: true, demuxer: 'mjpeg', reason: 'JPEG start-of-image marker (raw MJPEG)' }
  const annexB = sniffAnnexB(head, ext)
  if (annexB) return annexB
  if (looksLikeText(head)) return { ok: false, reason: 'a text file, not footage' }
  return { ok: false, reason: 'not a recognised video container or stream (no known signature in its first bytes)' }
}

/**
 * Reads the first bytes without blocking on special files: O_NONBLOCK makes a FIFO open
 * return at once (regular files ignore it), then fstat refuses anything not a regular file.
 */
export async function sniffFile(path: string): Promise<{ sniff: Sniff; size: number }> {
  const fh = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  try {
    const st = await fh.stat()
    if (!st.isFile()) return { sniff: { ok: false, reason: 'not a regular file' }, size: 0 }
    const buf = Buffer.alloc(Math.min(SNIFF_BYTES, st.size))
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    return { sniff: sniffContainer(buf.subarray(0, bytesRead), basename(path)), size: st.size }
  } finally {
    await fh.close()
  }
}

// ffprobe's JSON, only the parts we read; numbers arrive as strings.
const numText = z.union([z.string(), z.number()]).optional()
const Tags = z.record(z.string(), z.union([z.string(), z.number()])).optional()
const FfprobeStream = z.looseObject({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  codec_long_name: z.string().optional(),
  profile: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  pix_fmt: z.string().optional(),
  r_frame_rate: z.string().optional(),
  avg_frame_rate: z.string().optional(),
  time_base: z.string().optional(),
  start_time: numText,
  duration: numText,
  nb_frames: numText,
  bits_per_raw_sample: numText,
  disposition: z.record(z.string(), z.number()).optional(),
  tags: Tags
})
const FfprobeOutput = z.looseObject({
  streams: z.array(FfprobeStream).default([]),
  format: z
    .looseObject({
      format_name: z.string().optional(),
      format_long_name: z.string().optional(),
      start_time: numText,
      duration: numText,
      bit_rate: numText,
      tags: Tags
    })
    .optional()
})

export const Rational = z.object({ num: z.number().int(), den: z.number().int().positive(), value: z.number().positive() })
export type Rational = z.infer<typeof Rational>

export const Keyframe = z.object({ timeS: z.number(), packetIndex: z.number().int().nonnegative() })
export type Keyframe = z.infer<typeof Keyframe>

export const VideoProbe = z.object({
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  demuxer: z.enum(['mov', 'matroska', 'avi', 'mpegts', 'mpeg', 'flv', 'h264', 'hevc', 'dhav', 'mjpeg']),
  /** Why we chose the demuxer (which signature matched). */
  sniffReason: z.string(),
  /** ffprobe's own name for the container, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: z.string(),
  durationS: z.number().nonnegative().nullable(),
  /** The container's start time (earliest stream); ffmpeg's -ss counts from here. */
  containerStartS: z.number().nullable(),
  bitRate: z.number().nonnegative().nullable(),
  video: z.object({
    streamIndex: z.number().int().nonnegative(),
    codec: z.string(),
    profile: z.string().nullable(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    pixelFormat: z.string().nullable(),
    /** avg_frame_rate when ffprobe knows it, else r_frame_rate. */
    frameRate: Rational.nullable(),
    timeBase: z.string().nullable(),
    /** Presentation time of the stream's first frame (not always 0: B-frames, MPEG-TS). */
    startTimeS: z.number().nullable(),
    durationS: z.number().nonnegative().nullable(),
    frameCount: z.number().int().nonnegative().nullable()
  }),
  audio: z.object({ present: z.boolean(), codecs: z.array(z.string()) }),
  /** creation_time tag exactly as stored (container, else video stream); MP4 means UTC. */
  creationTime: z.string().nullable(),
  creationTimeFrom: z.enum(['format', 'stream']).nullable(),
  formatTags: z.record(z.string(), z.string()),
  /** Keyframe presentation times, ascending, with their packet index in decode order. */
  keyframes: z.array(Keyframe),
  /** Video packets seen by the keyframe scan. */
  packetCount: z.number().int().nonnegative(),
  /** Latest presentation time among them (the last frame shown, whatever the decode order). */
  lastFrameTimeS: z.number().nullable(),
  /** false when the scan stopped at keyframeScanMaxS. */
  keyframesComplete: z.boolean(),
  /**
   * The stream carries no timestamps (raw H.264/HEVC/MJPEG): times, start and duration are
   * frame counts × the declared frame rate, not measurements.
   */
  timesEstimated: z.boolean(),
  playback: z.object({ browserPlayable: z.boolean(), mode: z.enum(['remux', 'transcode']), reason: z.string() }),
  ffprobeMs: z.number().nonnegative()
})
export type VideoProbe = z.infer<typeof VideoProbe>

const toNum = (v: string | number | undefined): number | null => {
  if (v === undefined || v === 'N/A' || v === '') return null
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? n : null
}

export function parseRational(text: string | undefined): Rational | null {
  const m = /^(\d+)\/(\d+)$/.exec(text ?? '')
  if (!m) return null
  const num = Number(m[1])
  const den = Number(m[2])
  if (num <= 0 || den <= 0) return null
  return { num, den, value: num / den }
}

const stringTags = (tags: Record<string, string | number> | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(tags ?? {}).slice(0, 200)) out[k.slice(0, 200)] = String(v).slice(0, 2000)
  return out
}

/** What Chromium's MSE can take by a remux into fMP4: 8-bit 4:2:0 H.264. Everything else is transcoded. */
export function playbackFor(codec: string, pixelFormat: string | null): VideoProbe['playback'] {
  if (codec === 'h264') {
    if (pixelFormat === null || pixelFormat === 'yuv420p' || pixelFormat === 'yuvj420p')
      return { browserPlayable: true, mode: 'remux', reason: 'H.264 4:2:0 8-bit plays in Chromium after a remux to fMP4' }
    return { browserPlayable: false, mode: 'transcode', reason: `H.264 with ${pixelFormat} is not decoded by Chromium` }
  }
  return { browserPlayable: false, mode: 'transcode', reason: `${codec} is not played by Chromium: transcode to H.264` }
}

export interface ProbeOptions {
  signal?: AbortSignal
  /** Per ffprobe run. */
  timeoutMs?: number
  /** The keyframe scan reads only this much of the stream. */
  keyframeScanMaxS?: number
}

/**
 * MPEG-PS packs several small frames into one PES packet and only the first carries a
 * timestamp: a keyframe among the others would be left out of the keyframe index (segments
 * then run longer than planned). Without frame reordering (pts = dts wherever both are
 * known), an untimed keyframe's time is its timed neighbours' ± whole frames; it is taken
 * only when the packets before and after it agree within half a frame.
 */
function fillUntimedKeyframes(rows: { t: number | null; key: boolean }[], frameS: number): void {
  let prev = -1
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    if (r.t !== null) {
      prev = i
      continue
    }
    if (!r.key || prev < 0) continue
    let next = i + 1
    while (next < rows.length && rows[next]!.t === null) next++
    if (next >= rows.length) continue
    // Two packets of one PES both carry its time, though only the last was presented then
    // (measured: packets 252 and 253 both 10.62 s where 252 is 10.58): trust the last of them.
    while (next + 1 < rows.length && rows[next + 1]!.t === rows[next]!.t) next++
    const fromPrev = rows[prev]!.t! + (i - prev) * frameS
    const fromNext = rows[next]!.t! - (next - i) * frameS
    if (Math.abs(fromPrev - fromNext) <= frameS / 2) r.t = Math.round(((fromPrev + fromNext) / 2) * 1e6) / 1e6
  }
}

/**
 * Parses `pts_time,dts_time,flags` CSV lines from the keyframe scan. Raw elementary streams
 * have no times at all: then, given the frame duration, a packet's time is its decode
 * index × frame duration, which is its presentation time for keyframes of closed GOPs.
 */
export function parsePacketCsv(
  text: string,
  frameS: number | null = null
): { keyframes: Keyframe[]; packetCount: number; lastTimeS: number | null; estimated: boolean } {
  const rows: { t: number | null; key: boolean }[] = []
  let reordered = false
  for (const line of text.split('\n')) {
    if (!line) continue
    const [pts, dts, flags] = line.split(',')
    const p = toNum(pts)
    const d = toNum(dts)
    if (p !== null && d !== null && Math.abs(p - d) > 1e-6) reordered = true
    rows.push({ t: p ?? d, key: flags?.startsWith('K') ?? false })
  }
  const estimated = frameS !== null && rows.length > 0 && rows.every((r) => r.t === null)
  if (!estimated && !reordered && frameS !== null) fillUntimedKeyframes(rows, frameS)
  const keyframes: Keyframe[] = []
  let lastTimeS: number | null = null
  rows.forEach((r, i) => {
    const t = estimated ? i * frameS! : r.t
    if (t === null) return
    lastTimeS = lastTimeS === null ? t : Math.max(lastTimeS, t)
    if (r.key) keyframes.push({ timeS: estimated ? Math.round(t * 1e6) / 1e6 : t, packetIndex: i })
  })
  keyframes.sort((a, b) => a.timeS - b.timeS)
  return { keyframes, packetCount: rows.length, lastTimeS, estimated }
}

/**
 * Sniffs, then runs ffprobe twice with the chosen demuxer forced: streams and format, then
 * the first video stream's packets for keyframe times.
 */
export async function probeVideo(path: string, tools: Pick<MediaToolPaths, 'ffprobe'>, options: ProbeOptions = {}): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const scanMaxS = options.keyframeScanMaxS ?? 6 * 3600
  throwIfCancelled(options.signal)
  const st = await stat(path)
  if (!st.isFile()) throw new ProbeError('refused', `${basename(path)} is not a regular file.`)
  if (st.size === 0) throw new ProbeError('empty', `${basename(path)} is empty (0 bytes).`)
  const { sniff, size } = await sniffFile(path)
  if (!sniff.ok) throw new ProbeError('refused', `${basename(path)} was not opened: ${sniff.reason}.`)
  const demuxer = sniff.demuxer
  const started = Date.now()

  const meta = await runFfprobe({
    ffprobePath: tools.ffprobe,
    input: path,
    demuxer,
    args: ['-show_format', '-show_streams', '-of', 'json'],
    timeoutMs,
    signal: options.signal,
    maxStdoutBytes: 8 * 1024 * 1024
  })
  if (meta.exitCode !== 0)
    throw new ProbeError('unreadable', `ffprobe could not read ${basename(path)} as ${demuxer}: ${stderrReason(meta.stderr) || `exit ${meta.exitCode ?? meta.signal}`}`)
  let json: unknown
  try {
    json = JSON.parse(meta.stdout.toString('utf8'))
  } catch {
    throw new ProbeError('unreadable', `ffprobe returned no readable description of ${basename(path)}.`)
  }
  const parsed = FfprobeOutput.safeParse(json)
  if (!parsed.success) throw new ProbeError('unreadable', `ffprobe's description of ${basename(path)} was not understood: ${parsed.error.message}`)
  const out = parsed.data
  const v = out.streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic)
  if (!v || !v.codec_name || !v.width || !v.height) throw new ProbeError('no-video', `${basename(path)} has no decodable video stream (${demuxer}).`)
  const audio = out.streams.filter((s) => s.codec_type === 'audio')
  const format = out.format ?? {}
  const durationS = toNum(format.duration) ?? toNum(v.duration)

  throwIfCancelled(options.signal)
  const scanArgs = ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time,flags', '-of', 'csv=p=0']
  const partial = durationS !== null && durationS > scanMaxS
  if (partial) scanArgs.unshift('-read_intervals', `%+${Math.floor(scanMaxS)}`)
  const scan = await runFfprobe({
    ffprobePath: tools.ffprobe,
    input: path,
    demuxer,
    args: scanArgs,
    timeoutMs,
    signal: options.signal,
    maxStdoutBytes: 128 * 1024 * 1024
  })
  if (scan.exitCode !== 0) throw new ProbeError('unreadable', `ffprobe could not list the packets of ${basename(path)}: ${stderrReason(scan.stderr)}`)
  const frameRate = parseRational(v.avg_frame_rate) ?? parseRational(v.r_frame_rate)
  const packets = parsePacketCsv(scan.stdout.toString('utf8'), frameRate ? frameRate.den / frameRate.num : null)
  const scanReachedEnd = !partial || (packets.lastTimeS !== null && durationS !== null && packets.lastTimeS >= durationS - 1)
  // Raw streams: no duration from ffprobe; count frames instead.
  const estimatedDuration = durationS === null && packets.estimated && frameRate ? (packets.packetCount * frameRate.den) / frameRate.num : null

  const formatTags = stringTags(format.tags)
  const streamTags = stringTags(v.tags)
  const creationTime = formatTags.creation_time ?? streamTags.creation_time ?? null
  const pixelFormat = v.pix_fmt ?? null
  const result: VideoProbe = {
    path,
    sizeBytes: size,
    demuxer,
    sniffReason: sniff.reason,
    formatName: format.format_name ?? demuxer,
    durationS: durationS !== null && durationS >= 0 ? durationS : estimatedDuration,
    containerStartS: toNum(format.start_time) ?? (packets.estimated ? 0 : null),
    bitRate: toNum(format.bit_rate),
    video: {
      streamIndex: v.index,
      codec: v.codec_name,
      profile: v.profile ?? null,
      width: v.width,
      height: v.height,
      pixelFormat,
      frameRate,
      timeBase: v.time_base ?? null,
      startTimeS: toNum(v.start_time) ?? (packets.estimated ? 0 : null),
      durationS: toNum(v.duration),
      frameCount: toNum(v.nb_frames)
    },
    audio: { present: audio.length > 0, codecs: audio.map((a) => a.codec_name ?? 'unknown') },
    creationTime,
    creationTimeFrom: formatTags.creation_time ? 'format' : streamTags.creation_time ? 'stream' : null,
    formatTags,
    keyframes: packets.keyframes,
    packetCount: packets.packetCount,
    lastFrameTimeS: packets.lastTimeS,
    keyframesComplete: scanReachedEnd,
    timesEstimated: packets.estimated,
    playback: playbackFor(v.codec_name, pixelFormat),
    ffprobeMs: Date.now() - started
  }
  return VideoProbe.parse(result)
}
