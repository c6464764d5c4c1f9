// The only module that knows fluent-ffmpeg (deprecated and archived in 2025): everything
// else asks for runs through the functions here, so the library can be swapped out alone.
//
// Every evidence file is hostile. Each run gets arguments as an array (never a shell),
// -protocol_whitelist file,pipe, AND an explicit demuxer from our allow-list, also set as
// -format_whitelist: a protocol list alone still lets a disguised playlist (hls, concat)
// read other local files, and the format whitelist is inherited by nested demuxers (the
// 2017 HLS-in-AVI GAB2 read), so they cannot engage either. Runs have a timeout and an
// AbortSignal; both SIGKILL the process.
import { spawn, type ChildProcess } from 'node:child_process'
import { isAbsolute } from 'node:path'
import { Writable } from 'node:stream'
import ffmpeg from 'fluent-ffmpeg'
import { CancelledError } from '../util/fileHash'

/** Demuxers we let ffmpeg use on evidence. No hls, concat, image2 (file patterns), lavfi, sdp, rtsp… */
export const DEMUXERS = ['mov', 'matroska', 'avi', 'mpegts', 'mpeg', 'flv', 'h264', 'hevc', 'dhav', 'mjpeg'] as const
export type Demuxer = (typeof DEMUXERS)[number]

export function isDemuxer(name: string): name is Demuxer {
  return (DEMUXERS as readonly string[]).includes(name)
}

/** Demuxer options that close doors left open by defaults elsewhere (mov external data references). */
const DEMUXER_OPTIONS: Record<Demuxer, string[]> = {
  mov: ['-enable_drefs', '0'],
  matroska: [],
  avi: [],
  mpegts: [],
  mpeg: [],
  flv: [],
  h264: [],
  hevc: [],
  dhav: [],
  mjpeg: []
}

export const PROTOCOL_WHITELIST = 'file,pipe'
const DEFAULT_MAX_STDERR = 64 * 1024
const DEFAULT_MAX_STDOUT = 64 * 1024 * 1024

export interface MediaToolPaths {
  ffmpeg: string
  ffprobe: string
}

/** From the locator's answer to the two paths this module needs; throws with the locator's reason. */
export function toolPaths(located: { ffmpeg: { path: string } | null; ffprobe: { path: string } | null; problem: string | null }): MediaToolPaths {
  if (!located.ffmpeg || !located.ffprobe) throw new Error(located.problem ?? 'ffmpeg/ffprobe not found.')
  return { ffmpeg: located.ffmpeg.path, ffprobe: located.ffprobe.path }
}

export class FfmpegTimeoutError extends Error {
  constructor(
    readonly tool: string,
    readonly timeoutMs: number
  ) {
    super(`${tool} did not finish within ${timeoutMs} ms and was stopped.`)
    this.name = 'FfmpegTimeoutError'
  }
}

export class FfmpegOutputLimitError extends Error {
  constructor(
    readonly tool: string,
    readonly limitBytes: number
  ) {
    super(`${tool} wrote more than ${limitBytes} bytes of output and was stopped.`)
    this.name = 'FfmpegOutputLimitError'
  }
}

export interface RunResult {
  /** null when the process died of a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** Tail of stderr, at most maxStderrBytes characters. */
  stderr: string
  stdout: Buffer
  args: string[]
  elapsedMs: number
}

export interface RunLimits {
  timeoutMs: number
  signal?: AbortSignal
  maxStderrBytes?: number
  maxStdoutBytes?: number
  /** Called once the process exists (pid, full argument list): for logs and custody. */
  onStart?: (info: { pid: number; args: string[] }) => void
}

/** Keeps the last `max` characters of a text stream. */
class TailBuffer {
  private text = ''
  constructor(private readonly max: number) {}
  push(s: string): void {
    this.text += s
    if (this.text.length > this.max * 2) this.text = this.text.slice(-this.max)
  }
  get value(): string {
    return this.text.length > this.max ? this.text.slice(-this.max) : this.text
  }
}

function assertEvidencePath(path: string, what: string): void {
  // Absolute paths start with '/' or a drive letter, so ffmpeg never reads them as "proto:…"
  // URLs (concat:, subfile:, http:) nor as options.
  if (!isAbsolute(path) || path.includes('\0')) throw new Error(`${what} must be an absolute file path: ${JSON.stringify(path)}`)
}

/** Options callers may never pass: they would add inputs, or filters that open files. */
function assertSafeArgs(args: readonly string[]): void {
  for (const a of args) {
    if (['-i', '-protocol_whitelist', '-format_whitelist', '-filter_complex_script', '-filter_script', '-attach', '-dump_attachment'].includes(a))
      throw new Error(`Argument ${a} is not allowed here.`)
    if (/\b(a?movie|sendcmd|zmq|ladspa|lv2|frei0r)\b|filename=|textfile=/.test(a)) throw new Error(`Argument ${JSON.stringify(a)} is not allowed: it can open files.`)
  }
}

/** The input half of every command line: hardening first, then the explicit demuxer. */
export function hardenedInputArgs(demuxer: Demuxer): string[] {
  if (!isDemuxer(demuxer)) throw new Error(`Demuxer ${String(demuxer)} is not on the allow-list.`)
  return ['-protocol_whitelist', PROTOCOL_WHITELIST, '-format_whitelist', demuxer, '-f', demuxer, ...DEMUXER_OPTIONS[demuxer]]
}

/** Runs a binary directly (shell:false) with the bounds above; used for ffprobe and -version. */
function spawnBounded(tool: string, binary: string, args: string[], limits: RunLimits): Promise<RunResult> {
  const started = Date.now()
  const maxOut = limits.maxStdoutBytes ?? DEFAULT_MAX_STDOUT
  return new Promise((resolve, reject) => {
    if (limits.signal?.aborted) return reject(new CancelledError())
    let child: ChildProcess
    try {
      child = spawn(binary, args, { shell: false, windowsHide: true, stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (err) {
      return reject(err as Error)
    }
    if (child.pid !== undefined) limits.onStart?.({ pid: child.pid, args })
    const chunks: Buffer[] = []
    let outBytes = 0
    const stderr = new TailBuffer(limits.maxStderrBytes ?? DEFAULT_MAX_STDERR)
    let failure: Error | null = null
    const stop = (err: Error): void => {
      if (!failure) failure = err
      child.kill('SIGKILL')
    }
    const timer = setTimeout(() => stop(new FfmpegTimeoutError(tool, limits.timeoutMs)), limits.timeoutMs)
    const onAbort = (): void => stop(new CancelledError())
    limits.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout!.on('data', (c: Buffer) => {
      outBytes += c.length
      if (outBytes > maxOut) return stop(new FfmpegOutputLimitError(tool, maxOut))
      chunks.push(c)
    })
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => stderr.push(s))
    child.on('error', (err) => stop(err))
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      limits.signal?.removeEventListener('abort', onAbort)
      if (failure) return reject(failure)
      resolve({ exitCode: code, signal, stderr: stderr.value, stdout: Buffer.concat(chunks), args, elapsedMs: Date.now() - started })
    })
  })
}

export interface ProbeRunOptions extends RunLimits {
  ffprobePath: string
  input: string
  demuxer: Demuxer
  /** Output options such as -show_format -show_streams -of json. */
  args: string[]
}

/**
 * ffprobe with the hardened input. Spawned directly, not through fluent-ffmpeg: its
 * ffprobe() cannot be killed or timed out, parses only the default text writer (no JSON,
 * no packet lists) and buffers stdout without a bound.
 */
export async function runFfprobe(opts: ProbeRunOptions): Promise<RunResult> {
  assertEvidencePath(opts.input, 'ffprobe input')
  assertSafeArgs(opts.args)
  // ffprobe has no -nostdin: stdin is 'ignore' in spawnBounded instead.
  const args = ['-hide_banner', '-v', 'error', ...hardenedInputArgs(opts.demuxer), ...opts.args, '-i', opts.input]
  return spawnBounded('ffprobe', opts.ffprobePath, args, opts)
}

export interface FfmpegInput {
  path: string
  demuxer: Demuxer
  /**
   * Input seek (-ss before -i), counted from the container's start time (not always 0):
   * lands on the keyframe at or before it for -c copy; frame-exact when decoding.
   */
  seekS?: number
  /** false: -noaccurate_seek (the caller trims itself, e.g. when seeking well before a keyframe). */
  accurateSeek?: boolean
  /** Keep source timestamps (-copyts). */
  copyTimestamps?: boolean
  /** For raw elementary streams without timing (-framerate). */
  frameRate?: string
}

export type FfmpegOutput = { kind: 'file'; path: string } | { kind: 'stdout'; maxBytes?: number } | { kind: 'null' }

export interface FfmpegRunOptions extends RunLimits {
  ffmpegPath: string
  input: FfmpegInput
  output: FfmpegOutput
  /** Output options (codec, muxer, movflags…); never inputs or file-reading filters. */
  outputArgs: string[]
}

/** Seconds as ffmpeg reads them, without exponent notation. */
export function secondsArg(s: number): string {
  if (!Number.isFinite(s)) throw new Error(`Not a time: ${s}`)
  return s.toFixed(6)
}

function inputOptionsFor(input: FfmpegInput): string[] {
  const opts = ['-nostdin', '-hide_banner', '-nostats', ...hardenedInputArgs(input.demuxer)]
  if (input.frameRate !== undefined) {
    if (!/^\d+(\/\d+)?$/.test(input.frameRate)) throw new Error(`Bad frame rate ${input.frameRate}`)
    opts.push('-framerate', input.frameRate)
  }
  if (input.copyTimestamps) opts.push('-copyts')
  if (input.accurateSeek === false) opts.push('-noaccurate_seek')
  if (input.seekS !== undefined) opts.push('-ss', secondsArg(input.seekS))
  return opts
}

type CommandWithProcess = ffmpeg.FfmpegCommand & { ffmpegProc?: ChildProcess }

// fluent-ffmpeg runs `ffmpeg -formats` and `-encoders` before each command until its
// (module-global) cache is filled; concurrent first runs would each spawn both. One shared
// warm-up per binary path fills it first.
const warmUps = new Map<string, Promise<void>>()
function warmUp(ffmpegPath: string, timeoutMs: number): Promise<void> {
  let p = warmUps.get(ffmpegPath)
  if (!p) {
    p = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new FfmpegTimeoutError('ffmpeg -formats/-encoders', timeoutMs)), timeoutMs)
      const cmd = ffmpeg().setFfmpegPath(ffmpegPath)
      const done = (err?: Error | null): void => {
        clearTimeout(timer)
        if (err) reject(err)
        else resolve()
      }
      cmd.getAvailableFormats((err) => (err ? done(err) : cmd.getAvailableEncoders((err2) => done(err2))))
    })
    warmUps.set(ffmpegPath, p)
    p.catch(() => warmUps.delete(ffmpegPath))
  }
  return p
}

/**
 * Fills fluent-ffmpeg's capability cache ahead of the first run (the camera grid calls this
 * when it lists cameras), so the first jump into footage does not pay for it.
 */
export function warmUpFfmpeg(ffmpegPath: string, timeoutMs = 30_000): Promise<void> {
  return warmUp(ffmpegPath, timeoutMs)
}

/**
 * One ffmpeg run through fluent-ffmpeg. Resolves with the exit status whatever it is;
 * rejects only on cancel (CancelledError), timeout, output overflow or a failed spawn.
 *
 * fluent-ffmpeg quirks handled here: it splits one-space array items unless given several
 * arguments (we always pass spread lists), keeps binary paths in a module-global cache (we
 * set the path per run and check the spawned file), and kills with SIGTERM on its own
 * timeout (we use our own timer and SIGKILL).
 */
export async function runFfmpeg(opts: FfmpegRunOptions): Promise<RunResult> {
  const started = Date.now()
  validateRun(opts)
  await warmUp(opts.ffmpegPath, opts.timeoutMs)
  return runPrepared(opts, started)
}

function validateRun(opts: FfmpegRunOptions): void {
  assertEvidencePath(opts.input.path, 'ffmpeg input')
  assertSafeArgs(opts.outputArgs)
  if (opts.output.kind === 'file') {
    assertEvidencePath(opts.output.path, 'ffmpeg output')
    if (opts.output.path === opts.input.path) throw new Error('ffmpeg output would overwrite its input.')
  }
  inputOptionsFor(opts.input)
}

function runPrepared(opts: FfmpegRunOptions, started: number): Promise<RunResult> {
  const inputOptions = inputOptionsFor(opts.input)
  const outputArgs = opts.output.kind === 'null' ? [...opts.outputArgs, '-f', 'null'] : [...opts.outputArgs]
  // Spread lists need two or more items, or fluent-ffmpeg splits the item on a space.
  if (outputArgs.length < 2) outputArgs.unshift('-map_metadata', '-1')

  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new CancelledError())
    const stderr = new TailBuffer(opts.maxStderrBytes ?? DEFAULT_MAX_STDERR)
    const stdoutChunks: Buffer[] = []
    const maxOut = opts.output.kind === 'stdout' ? (opts.output.maxBytes ?? DEFAULT_MAX_STDOUT) : 0
    let outBytes = 0
    let proc: ChildProcess | null = null
    let failure: Error | null = null
    let settled = false
    let args: string[] = []

    const cmd = ffmpeg({ stdoutLines: 20 }) as CommandWithProcess
    cmd.setFfmpegPath(opts.ffmpegPath)
    cmd.input(opts.input.path).inputOptions(...inputOptions)
    if (opts.output.kind === 'stdout') {
      // emitClose:false: fluent kills ffmpeg 20 ms after its output stream closes, which can
      // race the normal exit; without 'close' it waits for the process instead.
      const sink = new Writable({
        emitClose: false,
        autoDestroy: false,
        write(chunk: Buffer, _enc, done) {
          outBytes += chunk.length
          if (outBytes > maxOut) {
            stop(new FfmpegOutputLimitError('ffmpeg', maxOut))
          } else stdoutChunks.push(chunk)
          done()
        }
      })
      cmd.output(sink)
    } else {
      cmd.output(opts.output.kind === 'file' ? opts.output.path : '-')
    }
    cmd.outputOptions(...outputArgs)

    const finish = (): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      if (failure) return reject(failure)
      resolve({ exitCode: proc?.exitCode ?? null, signal: proc?.signalCode ?? null, stderr: stderr.value, stdout: Buffer.concat(stdoutChunks), args, elapsedMs: Date.now() - started })
    }
    const stop = (err: Error): void => {
      if (!failure) failure = err
      if (proc) proc.kill('SIGKILL')
      // Not spawned yet (fluent is still checking capabilities): 'start' kills it on arrival.
      else finish()
    }
    const timer = setTimeout(() => stop(new FfmpegTimeoutError('ffmpeg', opts.timeoutMs)), opts.timeoutMs)
    const onAbort = (): void => stop(new CancelledError())
    opts.signal?.addEventListener('abort', onAbort, { once: true })

    cmd.on('start', () => {
      proc = cmd.ffmpegProc ?? null
      if (!proc) return
      args = proc.spawnargs.slice(1)
      if (proc.spawnfile !== opts.ffmpegPath) stop(new Error(`fluent-ffmpeg spawned ${proc.spawnfile}, not ${opts.ffmpegPath}.`))
      if (failure) proc.kill('SIGKILL')
      else if (proc.pid !== undefined) opts.onStart?.({ pid: proc.pid, args })
    })
    cmd.on('stderr', (line: string) => stderr.push(line + '\n'))
    cmd.on('end', finish)
    cmd.on('error', (err: Error) => {
      // fluent reports a non-zero exit as an error: that is a result. No exit status means it
      // never ran (spawn failure, capability check).
      if (!failure && (proc?.exitCode ?? null) === null && (proc?.signalCode ?? null) === null) failure = err
      finish()
    })
    cmd.run()
  })
}

/** The first line of `ffmpeg -version` (build and configuration), for custody records. */
export async function ffmpegVersionLine(binaryPath: string, timeoutMs = 5000): Promise<string> {
  const r = await spawnBounded('ffmpeg', binaryPath, ['-hide_banner', '-version'], { timeoutMs, maxStdoutBytes: 1024 * 1024 })
  if (r.exitCode !== 0) throw new Error(`${binaryPath} -version exited with ${r.exitCode ?? r.signal}: ${r.stderr.trim()}`)
  return r.stdout.toString('utf8').split('\n')[0]!.trim()
}

/** A short, human-readable reason from an ffmpeg stderr tail (last non-empty lines). */
export function stderrReason(stderr: string, lines = 3): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join(' | ')
}
