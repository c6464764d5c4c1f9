// Cuts one clip of camera footage for an export: H.264 in MP4 (plays in any browser's
// native <video>), frame-exact in and out points (decoded, not stream-copied: a copy can
// only cut at the source's keyframes), and a provenance record that lets a recipient
// redo the cut: the source evidence hash, the ffmpeg build, the exact arguments, the
// wall-clock time of the clip's first frame, the clock offset applied, and the hash of
// the output. Independent of the video tables: it takes a path, in/out seconds and metadata.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { ffmpegVersionLine, runFfmpeg, secondsArg, stderrReason, type Demuxer } from '../media/ffmpegRunner'

export interface ClipRequest {
  ffmpegPath: string
  /** Absolute path of the source recording (the case's stored evidence copy). */
  source: string
  demuxer: Demuxer
  sourceSha256: string
  sourceEvidenceId: number | null
  camera: string
  /** Seconds into the source (from its container start). */
  inS: number
  outS: number
  /** Wall-clock time (UTC, ISO) of the source at inS, after the offset below. */
  startWallClock: string
  /** The clock offset applied to the camera, µs (already included in startWallClock). */
  offsetUs: number
  /**
   * Raw elementary streams (H.264/HEVC/MJPEG without a container) cannot seek by time:
   * given their frame rate, they are decoded from the start and trimmed at inS instead.
   */
  rawFrameRate?: string
  /** Absolute path of the .mp4 to write. */
  out: string
  signal?: AbortSignal
  timeoutMs?: number
}

export interface ClipProvenance {
  kind: 'iwb-clip-provenance'
  version: 1
  camera: string
  source: { evidenceId: number | null; sha256: string; demuxer: Demuxer }
  cut: { inSeconds: number; outSeconds: number; durationSeconds: number }
  startWallClock: string
  clockOffsetAppliedUs: number
  ffmpeg: { version: string; args: string[] }
  output: { file: string; sha256: string; size: number; codec: 'h264'; container: 'mp4' }
  /** When ffmpeg was started and when the clip was hashed (UTC, ISO). */
  startedAt: string
  createdAt: string
}

/** The output arguments, fixed so the same source and points give the same encode settings. */
export function clipOutputArgs(durationS: number): string[] {
  return [
    '-t', secondsArg(durationS),
    '-map', '0:v:0',
    '-an',
    '-c:v', 'libx264',
    '-preset', 'veryfast',
    '-crf', '18',
    '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    '-map_metadata', '-1',
    '-f', 'mp4'
  ]
}

async function sha256File(path: string): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) h.update(chunk as Buffer)
  return { sha256: h.digest('hex'), size: (await stat(path)).size }
}

export class ClipError extends Error {}

export async function cutClip(req: ClipRequest): Promise<ClipProvenance> {
  if (!(req.outS > req.inS) || req.inS < 0) throw new ClipError(`A clip needs 0 ≤ in < out seconds (got ${req.inS} → ${req.outS}).`)
  const duration = req.outS - req.inS
  const outputArgs = req.rawFrameRate
    ? ['-vf', `trim=start=${secondsArg(Math.max(0, req.inS - 0.0005))},setpts=PTS-STARTPTS`, ...clipOutputArgs(duration)]
    : clipOutputArgs(duration)
  let args: string[] = []
  const startedAt = new Date().toISOString()
  const result = await runFfmpeg({
    ffmpegPath: req.ffmpegPath,
    input: req.rawFrameRate ? { path: req.source, demuxer: req.demuxer, frameRate: req.rawFrameRate } : { path: req.source, demuxer: req.demuxer, seekS: req.inS },
    output: { kind: 'file', path: req.out },
    outputArgs,
    timeoutMs: req.timeoutMs ?? Math.max(60_000, duration * 10_000),
    signal: req.signal,
    onStart: (info) => (args = info.args)
  })
  if (result.exitCode !== 0) {
    throw new ClipError(`ffmpeg could not cut ${req.camera} ${req.inS}–${req.outS} s (exit ${result.exitCode ?? result.signal}): ${stderrReason(result.stderr)}`)
  }
  const out = await sha256File(req.out)
  return {
    kind: 'iwb-clip-provenance',
    version: 1,
    camera: req.camera,
    source: { evidenceId: req.sourceEvidenceId, sha256: req.sourceSha256, demuxer: req.demuxer },
    cut: { inSeconds: req.inS, outSeconds: req.outS, durationSeconds: duration },
    startWallClock: req.startWallClock,
    clockOffsetAppliedUs: req.offsetUs,
    ffmpeg: { version: await ffmpegVersionLine(req.ffmpegPath), args: args.length ? args : result.args },
    output: { file: req.out.split(/[\\/]/).pop() ?? '', sha256: out.sha256, size: out.size, codec: 'h264', container: 'mp4' },
    startedAt,
    createdAt: new Date().toISOString()
  }
}
