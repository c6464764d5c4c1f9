// Test clips made on the fly with ffmpeg (nothing binary is committed). Every frame shows
// its own frame number in the frameCode pattern, so a test can say exactly which frame a
// seek, a segment or a player landed on. Generation uses lavfi, which the app's runner
// rightly refuses, so this helper spawns ffmpeg itself (argument array, no shell).
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, renameSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { promisify } from 'node:util'
import type { CaseFolder } from '../../electron/core/case/caseFolder'
import { runFfmpeg, type Demuxer, type MediaToolPaths } from '../../electron/core/media/ffmpegRunner'
import { MediaServer } from '../../electron/core/media/mediaServer'
import { decodeFrameCode, frameCodeFilters, type FrameCodeResult } from './frameCode'

const execFileP = promisify(execFile)

/** The system ffmpeg/ffprobe (Debian: /usr/bin), overridable for other machines. */
export function testTools(): MediaToolPaths {
  return { ffmpeg: process.env.IWB_TEST_FFMPEG ?? '/usr/bin/ffmpeg', ffprobe: process.env.IWB_TEST_FFPROBE ?? '/usr/bin/ffprobe' }
}

/** A media server over one case, as the web host runs it, with these tools and examiner. */
export function testMediaServer(currentCase: () => CaseFolder | null, examinerName: string, tools: MediaToolPaths = testTools()): MediaServer {
  return new MediaServer({ currentCase, settings: () => ({ ffmpegPath: tools.ffmpeg, ffprobePath: tools.ffprobe, examinerName }), exclusive: (work) => work() })
}

export type ClipCodec = 'h264' | 'hevc' | 'mjpeg'
export type ClipContainer = 'mp4' | 'mov' | 'mkv' | 'avi' | 'ts' | 'raw'

export interface ClipSpec {
  codec: ClipCodec
  container?: ClipContainer
  fps?: number
  seconds?: number
  width?: number
  height?: number
  /** Frames from one keyframe to the next, fixed (no scene-cut keyframes). Default 1 s. */
  gop?: number
  /** Max consecutive B-frames (H.264/HEVC); encoder default when unset. */
  bframes?: number
  /** Stored as the container's creation_time (ISO 8601, UTC); MPEG-TS and raw streams have none. */
  creationTime?: string
  fileName?: string
}

export interface Clip {
  path: string
  demuxer: Demuxer
  codec: ClipCodec
  container: ClipContainer
  fps: number
  width: number
  height: number
  frames: number
  gop: number
}

const DEFAULT_CONTAINER: Record<ClipCodec, ClipContainer> = { h264: 'mp4', hevc: 'mp4', mjpeg: 'avi' }
const RAW: Record<ClipCodec, { ext: string; muxer: string; demuxer: Demuxer }> = {
  h264: { ext: 'h264', muxer: 'h264', demuxer: 'h264' },
  hevc: { ext: 'hevc', muxer: 'hevc', demuxer: 'hevc' },
  mjpeg: { ext: 'mjpeg', muxer: 'mjpeg', demuxer: 'mjpeg' }
}
const CONTAINERS: Record<Exclude<ClipContainer, 'raw'>, { ext: string; muxer: string; demuxer: Demuxer }> = {
  mp4: { ext: 'mp4', muxer: 'mp4', demuxer: 'mov' },
  mov: { ext: 'mov', muxer: 'mov', demuxer: 'mov' },
  mkv: { ext: 'mkv', muxer: 'matroska', demuxer: 'matroska' },
  avi: { ext: 'avi', muxer: 'avi', demuxer: 'avi' },
  ts: { ext: 'ts', muxer: 'mpegts', demuxer: 'mpegts' }
}

export async function makeClip(dir: string, spec: ClipSpec, tools: MediaToolPaths = testTools()): Promise<Clip> {
  const clip = clipShape(dir, spec)
  const { fps, width, height, gop, container, path } = clip
  const seconds = spec.seconds ?? 4
  const target = container === 'raw' ? RAW[spec.codec] : CONTAINERS[container]
  const fileName = basename(path)
  const partial = join(dir, `.partial-${process.pid}-${Math.random().toString(36).slice(2)}-${fileName}`)
  const pixFmt = spec.codec === 'mjpeg' ? 'yuvj420p' : 'yuv420p'
  const source = `color=c=0x808080:s=${width}x${height}:r=${fps}:d=${seconds},format=${pixFmt},${frameCodeFilters(width, height)}`
  const codecArgs: Record<ClipCodec, string[]> = {
    h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', ...(spec.bframes !== undefined ? ['-bf', String(spec.bframes)] : [])],
    hevc: [
      '-c:v',
      'libx265',
      '-preset',
      'ultrafast',
      '-x265-params',
      `keyint=${gop}:min-keyint=${gop}:scenecut=0:open-gop=0:log-level=error${spec.bframes !== undefined ? `:bframes=${spec.bframes}` : ''}`,
      ...(container === 'mp4' || container === 'mov' ? ['-tag:v', 'hvc1'] : [])
    ],
    mjpeg: ['-c:v', 'mjpeg', '-q:v', '3']
  }
  const args = [
    '-nostdin',
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    source,
    ...codecArgs[spec.codec],
    '-pix_fmt',
    pixFmt,
    ...(spec.creationTime ? ['-metadata', `creation_time=${spec.creationTime}`] : []),
    '-f',
    target.muxer,
    partial
  ]
  await execFileP(tools.ffmpeg, args, { timeout: 60_000, maxBuffer: 1024 * 1024 })
  renameSync(partial, path)
  return clip
}

/**
 * makeClip into a cache shared by test files and runs (os.tmpdir()/iwb-test-clips), keyed
 * by the spec and the pattern: the clips are read-only inputs, and each costs an ffmpeg
 * start-up (~0.5 s here, serialised across processes) plus the encode.
 */
export async function cachedClip(spec: ClipSpec, tools: MediaToolPaths = testTools()): Promise<Clip> {
  const key = createHash('sha256').update(JSON.stringify({ v: 2, spec, filters: frameCodeFilters(spec.width ?? 320, spec.height ?? 240), ffmpeg: tools.ffmpeg })).digest('hex').slice(0, 16)
  const dir = join(tmpdir(), 'iwb-test-clips', key)
  mkdirSync(dir, { recursive: true })
  const clip = clipShape(dir, spec)
  // Test files run in parallel processes: one makes the clip, the others wait for it.
  const lock = join(dir, '.lock')
  for (const started = Date.now(); !existsSync(clip.path); await sleep(100)) {
    let fd: number
    try {
      fd = openSync(lock, 'wx')
    } catch {
      if (Date.now() - started > 90_000) throw new Error(`Timed out waiting for ${clip.path} (stale ${lock}?)`)
      continue
    }
    try {
      if (!existsSync(clip.path)) await makeClip(dir, spec, tools)
    } finally {
      closeSync(fd)
      unlinkSync(lock)
    }
  }
  return clip
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** What makeClip would return, without making it. */
function clipShape(dir: string, spec: ClipSpec): Clip {
  const fps = spec.fps ?? 25
  const seconds = spec.seconds ?? 4
  const width = spec.width ?? 320
  const height = spec.height ?? 240
  const container = spec.container ?? DEFAULT_CONTAINER[spec.codec]
  const target = container === 'raw' ? RAW[spec.codec] : CONTAINERS[container]
  const fileName = spec.fileName ?? `${spec.codec}-${width}x${height}-${fps}fps-${seconds}s.${target.ext}`
  return { path: join(dir, fileName), demuxer: target.demuxer, codec: spec.codec, container, fps, width, height, frames: Math.round(fps * seconds), gop: spec.gop ?? Math.round(fps) }
}

/** creation_time of the standard clips, as ffprobe prints it back. */
export const CLIP_CREATED = '2024-03-05T14:30:00.000000Z'

/**
 * The clips most tests share (through cachedClip): 320×240, 25 fps, 4 s = 100 frames,
 * a keyframe every 25 frames; H.264 and HEVC in MP4, MJPEG in AVI.
 */
export const STANDARD_CLIPS: Record<ClipCodec, ClipSpec> = {
  h264: { codec: 'h264', seconds: 4, creationTime: CLIP_CREATED },
  hevc: { codec: 'hevc', seconds: 4, container: 'ts' },
  mjpeg: { codec: 'mjpeg', seconds: 4 }
}

export interface RgbaFrame {
  data: Buffer
  width: number
  height: number
}

/**
 * One decoded frame as RGBA through the app's runner: the first frame presented at or after
 * T seconds from the container's start (so T = n / fps gives frame n). Decoding starts 3 s
 * earlier (MPEG-TS seeks are not keyframe-exact, and HEVC shows garbage until a keyframe)
 * and a trim keeps frames from T on. No T: the first frame.
 */
export async function extractFrame(
  file: { path: string; demuxer: Demuxer; width: number; height: number },
  timeS?: number,
  tools: MediaToolPaths = testTools()
): Promise<RgbaFrame> {
  const seekS = timeS === undefined ? undefined : Math.max(0, timeS - 3)
  // Without -copyts, times after the seek count from the requested seek point.
  const trim = timeS === undefined ? [] : ['-vf', `trim=start=${(timeS - seekS! - 0.0005).toFixed(6)}`]
  const r = await runFfmpeg({
    ffmpegPath: tools.ffmpeg,
    input: { path: file.path, demuxer: file.demuxer, seekS, accurateSeek: timeS === undefined ? undefined : false },
    output: { kind: 'stdout', maxBytes: file.width * file.height * 4 + 1 },
    outputArgs: ['-map', '0:v:0', ...trim, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba'],
    timeoutMs: 20_000
  })
  const expected = file.width * file.height * 4
  if (r.exitCode !== 0 || r.stdout.length !== expected)
    throw new Error(`frame extraction from ${file.path} at ${timeS ?? 'start'} gave exit ${r.exitCode}, ${r.stdout.length}/${expected} bytes: ${r.stderr.slice(-500)}`)
  return { data: r.stdout, width: file.width, height: file.height }
}

export async function frameNumberAt(
  file: { path: string; demuxer: Demuxer; width: number; height: number },
  timeS?: number,
  tools: MediaToolPaths = testTools()
): Promise<FrameCodeResult> {
  const f = await extractFrame(file, timeS, tools)
  return decodeFrameCode(f.data, f.width, f.height)
}

/** Every frame of a file in presentation order, decoded in one ffmpeg run. */
export async function allFrameNumbers(file: { path: string; demuxer: Demuxer; width: number; height: number }, maxFrames: number, tools: MediaToolPaths = testTools()): Promise<(number | null)[]> {
  const frameBytes = file.width * file.height * 4
  const r = await runFfmpeg({
    ffmpegPath: tools.ffmpeg,
    input: { path: file.path, demuxer: file.demuxer },
    output: { kind: 'stdout', maxBytes: frameBytes * maxFrames },
    outputArgs: ['-map', '0:v:0', '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgba'],
    timeoutMs: 30_000
  })
  if (r.exitCode !== 0 || r.stdout.length % frameBytes !== 0) throw new Error(`decoding ${file.path} gave exit ${r.exitCode}, ${r.stdout.length} bytes: ${r.stderr.slice(-500)}`)
  const out: (number | null)[] = []
  for (let at = 0; at < r.stdout.length; at += frameBytes) out.push(decodeFrameCode(r.stdout.subarray(at, at + frameBytes), file.width, file.height).frame)
  return out
}

/** Every frame number of one fMP4 HLS segment: its init and media parts joined into `path`, then decoded. */
export async function segmentFrameNumbers(init: Buffer, media: Buffer, path: string, size = { width: 320, height: 240 }, tools: MediaToolPaths = testTools()): Promise<(number | null)[]> {
  writeFileSync(path, Buffer.concat([init, media]))
  return allFrameNumbers({ path, demuxer: 'mov', ...size }, 1000, tools)
}
