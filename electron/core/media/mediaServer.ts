// GET /media/… for both transports (the web host and Electron's app:// handler): VOD
// playlists built at once from the stored keyframe index, fMP4 segments made on demand
// (H.264 in MP4/MOV by our own fragmenter, in-process; other H.264 remuxed by ffmpeg, the
// rest transcoded to H.264 by ffmpeg), cached in the case's derived/ folder and reused,
// with HTTP Range. Paths come from a fixed grammar, never from the
// request text: every file served or written must resolve (symlinks followed) inside
// derived/, anything else is a 404.
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, open, readFile, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import type { CaseFolder } from '../case/caseFolder'
import { CAPTION_FONT, locateCaptionFont, locateTools } from './ffmpegLocator'
import { ffmpegVersionLine, runFfmpeg, stderrReason, toolPaths, warmUpFfmpeg, type Demuxer, type MediaToolPaths } from './ffmpegRunner'
import { outputTsOffset, planHls, remuxRangeJob, segmentJob, splitFragmentedMp4, splitSegments, type HlsPlan } from './hlsPlan'
import { checkAgainstProbe, FRAGMENTER_TOOL, initSegment, mediaSegment, Mp4Refused, readSampleTable, type FragmenterRefusal, type SampleTable } from './mp4Fragmenter'
import type { VideoProbe } from './probe'
import { captionFilter, captionLines } from './stillCaption'
import { derivedRecorded, fileProbe, rawStream, recordDerived, type DerivedRecord } from './videoStore'

/**
 * Remuxed segments are cut at the first source keyframe at least this far apart. 2 s, not 4:
 * a jump fetches, appends and demuxes half the bytes (side by side, 1080p H.264 with 2 s
 * GOPs: jump to a new instant p50 230–253 ms against 290–306).
 */
export const REMUX_SEGMENT_S = 2
export const TRANSCODE_SEGMENT_S = 2
const SEGMENT_TIMEOUT_MS = 120_000
const MAX_CONCURRENT_FFMPEG = 2
/** How long an init.mp4 request waits for a segment run to make it (players ask for both at once). */
const INIT_GRACE_MS = 100
/**
 * A remux run also makes this many missing segments before and after the one asked for
 * (-c copy: ffmpeg's start-up, ~0.2 s here, costs more than copying the extra seconds; the
 * fragmenter's segments cost milliseconds), so the ±5 s jumps, frame steps and playing on
 * from a jump find their segments made: 3 × 2 s back, 5 × 2 s ahead.
 */
export const REMUX_NEIGHBOURS_BEFORE = 3
export const REMUX_NEIGHBOURS_AFTER = 5
/**
 * Sources whose -ss lands exactly on the keyframe asked for (tested). Matroska's copy seek
 * was measured landing one keyframe early (12.01 s → 11 s), which would shift every segment
 * of a run: those keep one segment per run.
 */
const NEIGHBOUR_DEMUXERS: readonly Demuxer[] = ['mov', 'mpegts']
/**
 * The neighbours of a segment asked for by a player are hashed and written this long after it
 * (at once when one of them is asked for): writing them beside the player decoding the jumped-to
 * frame slowed that frame by ~0.1 s on two cores (measured, load ≈ 3).
 */
const NEIGHBOUR_WRITE_DELAY_MS = 1000
/**
 * Sample tables kept in memory, most recently used last: ~29 bytes a frame (2.6 MB per hour at
 * 25 fps). Enough for the files the grid warms up around the cursor (8 per camera, 4 cameras).
 */
const MAX_TABLES = 40
const MAX_TABLE_BYTES = 128 << 20
const tableBytes = (t: SampleTable): number => t.count * 29

/** Makes init.mp4 and segments of one plan: ffmpeg's split run output, or the fragmenter on demand. */
interface SegmentMaker {
  init: Uint8Array
  segment(i: number): Promise<Uint8Array>
  record(kind: 'hls-init' | 'hls-segment', i: number): DerivedProvenance
}

/** What made a derived file: ffmpeg (version line and arguments) or the app's own tool. */
type DerivedProvenance = { ffmpegVersion: string; args: string[] } | { tool: string; args: string[] }

/** When a run's neighbours get written: `want()` (one is asked for) starts it at once. */
interface NeighbourGate {
  wanted: boolean
  /** Neighbours a player asked for while they waited: written first. */
  early: number[]
  /** Asks for the neighbours now (segment `i` first, when given). */
  want: (i?: number) => void
  /** Set by a run waiting to write its neighbours: starts it. */
  wake?: () => void
}

export interface MediaTools extends MediaToolPaths {
  version: string
}

export interface MediaHost {
  currentCase(): CaseFolder | null
  settings(): { ffmpegPath: string; ffprobePath: string; examinerName: string }
  /** Runs a database write after queued write jobs (the Workbench's exclusive). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
}

export type MediaBody = { kind: 'buffer'; data: Buffer } | { kind: 'file'; path: string; start: number; end: number } | { kind: 'none' }

export interface MediaResponse {
  status: number
  headers: Record<string, string>
  body: MediaBody
}

export class MediaNotFound extends Error {}

/** What the player needs from a file's row. */
export interface MediaSource {
  fileId: number
  evidenceId: number
  sha256: string
  demuxer: Demuxer
  mode: 'remux' | 'transcode'
  startUs: number | null
  probe: VideoProbe
}

const HEX64 = /^[0-9a-f]{64}$/
const PLAN_KEY = /^(remux|transcode)-(\d{1,2})$/
const SEGMENT = /^seg(\d{1,6})\.m4s$/
const STILL = /^[a-z0-9][a-z0-9-]{0,120}\.png$/

export function planKeyFor(mode: 'remux' | 'transcode'): string {
  return mode === 'remux' ? `remux-${REMUX_SEGMENT_S}` : `transcode-${TRANSCODE_SEGMENT_S}`
}

export function playlistUrl(sha256: string, mode: 'remux' | 'transcode'): string {
  return `/media/hls/${sha256}/${planKeyFor(mode)}/index.m3u8`
}

/** The HLS plan of a file (pure: from the stored probe). */
export function planFor(src: MediaSource): HlsPlan {
  const p = src.probe
  const frameRate = p.video.frameRate
  if (!frameRate) throw new Error('The file has no frame rate: it cannot be segmented.')
  const frameS = frameRate.den / frameRate.num
  const startTimeS = p.video.startTimeS ?? p.containerStartS ?? 0
  const durationS = p.lastFrameTimeS !== null ? p.lastFrameTimeS + frameS - startTimeS : (p.video.durationS ?? p.durationS ?? 0)
  return planHls({
    mode: src.mode,
    keyframes: p.keyframes,
    packetCount: p.packetCount,
    startTimeS,
    containerStartS: p.containerStartS ?? startTimeS,
    durationS,
    frameRate,
    wallClockStartUs: src.startUs ?? 0,
    targetSegmentS: src.mode === 'remux' ? REMUX_SEGMENT_S : TRANSCODE_SEGMENT_S
  })
}

function sourceBySha(folder: CaseFolder, sha: string): MediaSource {
  const row = folder.db
    .prepare('SELECT f.id, f.evidence_id, f.demuxer, f.playback_mode, f.start_us, f.probe, e.sha256 FROM video_file f JOIN evidence e ON e.id = f.evidence_id WHERE e.sha256 = ?')
    .get(sha) as { id: number; evidence_id: number; demuxer: Demuxer; playback_mode: 'remux' | 'transcode'; start_us: number | null; probe: string; sha256: string } | undefined
  if (!row) throw new MediaNotFound()
  return { fileId: row.id, evidenceId: row.evidence_id, sha256: row.sha256, demuxer: row.demuxer, mode: row.playback_mode, startUs: row.start_us, probe: fileProbe(row) }
}

/** Resolves `rel` under derived/ and proves (after following symlinks) that it stays there. */
export async function confined(derivedRoot: string, rel: string[]): Promise<string> {
  const root = await realpath(derivedRoot)
  const path = join(root, ...rel)
  if (!path.startsWith(root + sep)) throw new MediaNotFound()
  const real = await realpath(path).catch(() => null)
  if (real !== null && !real.startsWith(root + sep)) throw new MediaNotFound()
  return path
}

/** Parses a single-range Range header against a size; null = whole file; 'bad' = 416. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'bad' {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return 'bad'
  let start: number
  let end: number
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return 'bad'
    start = Math.max(0, size - n)
    end = size - 1
  } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || end < start) return 'bad'
  return { start, end }
}

const sha256Of = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export class MediaServer {
  /**
   * ffmpeg runs and in-process fragmenter runs made (tests check that cached segments are
   * reused), sample tables read, and why sources were left to ffmpeg (fragmenterRefused, by reason).
   */
  readonly stats = { ffmpegRuns: 0, fragmenterRuns: 0, tablesRead: 0, cacheHits: 0, backgroundRuns: 0, fragmenterRefused: {} as Partial<Record<FragmenterRefusal, number>> }
  /** Sample tables (or why there is none) of MP4/MOV sources, by evidence path. */
  private readonly tables = new Map<string, Promise<SampleTable | Mp4Refused>>()
  /** Their sizes once read, by evidence path (for MAX_TABLE_BYTES). */
  private readonly tableSizes = new Map<string, number>()
  /**
   * Derived files made and not yet on disk, by path: a player is answered from these bytes
   * while they are written and recorded, not after (the write and its record took 10–25 ms
   * on the path of a jump into footage never viewed).
   */
  private readonly fresh = new Map<string, Uint8Array>()
  /** Their writes (and records), by path. */
  private readonly writes = new Map<string, Promise<void>>()
  private readonly inFlight = new Map<string, Promise<void>>()
  private readonly pending = new Set<Promise<unknown>>()
  private running = 0
  private readonly waiting: (() => void)[] = []
  private tools: { key: string; value: Promise<MediaTools> } | null = null
  /** Gates of neighbours not yet written, by in-flight key. */
  private readonly gates = new Map<string, NeighbourGate>()
  /** The one background (prefetch) run allowed at a time; later ones are refused, not queued. */
  private background: Promise<void> | null = null

  constructor(private readonly host: MediaHost) {}

  /** Located ffmpeg/ffprobe with the version line for custody, cached per settings. */
  mediaTools(): Promise<MediaTools> {
    const s = this.host.settings()
    const key = `${s.ffmpegPath}\n${s.ffprobePath}`
    if (!this.tools || this.tools.key !== key) {
      const value = locateTools(s).then(async (located) => {
        const paths = toolPaths(located)
        return { ...paths, version: await ffmpegVersionLine(paths.ffmpeg) }
      })
      value.catch(() => {
        if (this.tools?.value === value) this.tools = null
      })
      this.tools = { key, value }
    }
    return this.tools.value
  }

  /**
   * Locates ffmpeg and fills fluent-ffmpeg's capability cache in the background, so the first
   * jump into footage pays only for its own segment (measured: 1.0–1.5 s more otherwise on
   * two cores). Failures are left for the first real run to report.
   */
  prepare(): void {
    // Footage the MP4 fragmenter makes in-process needs no ffmpeg to play: warming ffmpeg up
    // then only takes a core from the first jump (measured: the first cold jump's segment
    // answered in ~250 ms instead of ~30). Stills, clips and refused files locate it on first use.
    const folder = this.host.currentCase()
    const ffmpegPlayed = folder?.db.prepare("SELECT EXISTS (SELECT 1 FROM video_file WHERE NOT (playback_mode = 'remux' AND demuxer = 'mov')) AS any").get() as { any: number } | undefined
    if (ffmpegPlayed && ffmpegPlayed.any === 0) return
    this.mediaTools().then((t) => warmUpFfmpeg(t.ffmpeg)).catch(() => undefined)
  }

  /**
   * Reads a file's sample table ahead (the grid asks for the playlists of the files nearest
   * the cursor): a jump into one then makes its segment without first parsing its moov (a few
   * ms for a minute of footage, tens for an hour). Reads only; nothing is written.
   */
  warmUp(sha256: string): void {
    const folder = this.host.currentCase()
    if (!folder) return
    let src: MediaSource
    try {
      src = sourceBySha(folder, sha256)
    } catch {
      return
    }
    void this.fragmenterTable(folder, src)
  }

  /** Resolves when every derived-file record has been written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending])
  }

  async handle(method: string, pathname: string, range: string | undefined): Promise<MediaResponse> {
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method not allowed.')
    try {
      const res = await this.route(pathname, range, method === 'HEAD')
      if (method === 'HEAD') res.body = { kind: 'none' }
      return res
    } catch (err) {
      if (err instanceof MediaNotFound) return text(404, 'Not found.')
      return text(500, `The media could not be produced: ${(err as Error).message}`)
    }
  }

  /**
   * `prefetch`: a HEAD request, which players never send: the renderer asks for segments
   * ahead of a jump that way. At most one such run at a time; while one runs, a HEAD for a
   * segment still to be made answers 503 at once (bounded work, nothing queued).
   */
  private async route(pathname: string, range: string | undefined, prefetch = false): Promise<MediaResponse> {
    const folder = this.host.currentCase()
    if (!folder) return text(409, 'No case is open.')
    // Split before decoding: an encoded "/" or ".." never becomes a separator.
    const parts = pathname.split('/')
    if (parts[0] !== '' || parts[1] !== 'media') throw new MediaNotFound()
    const segs = parts.slice(2).map((p) => {
      try {
        return decodeURIComponent(p)
      } catch {
        throw new MediaNotFound()
      }
    })
    if (segs.length === 2 && segs[0] === 'stills' && STILL.test(segs[1]!)) {
      return this.serveFile(await confined(folder.layout.derived, ['stills', segs[1]!]), 'image/png', range)
    }
    if (segs.length !== 4 || segs[0] !== 'hls' || !HEX64.test(segs[1]!) || !PLAN_KEY.test(segs[2]!)) throw new MediaNotFound()
    const [, sha, planKey, name] = segs as [string, string, string, string]
    const src = sourceBySha(folder, sha)
    if (planKey !== planKeyFor(src.mode)) throw new MediaNotFound()
    const plan = planFor(src)
    if (name === 'index.m3u8') {
      return { status: 200, headers: { 'content-type': 'application/vnd.apple.mpegurl', 'cache-control': MEDIA_CACHE_CONTROL }, body: { kind: 'buffer', data: Buffer.from(plan.playlist) } }
    }
    const seg = SEGMENT.exec(name)
    const index = name === 'init.mp4' ? 0 : seg ? Number(seg[1]) : -1
    if (index < 0 || index >= plan.segments.length) throw new MediaNotFound()
    const dir = await confined(folder.layout.derived, ['hls', sha, planKey])
    const target = await confined(folder.layout.derived, ['hls', sha, planKey, name])
    const type = name.endsWith('.mp4') ? 'video/mp4' : 'video/iso.segment'
    const kept = this.fresh.get(target)
    if (kept) return serveBytes(kept, type, range)
    const hit = await isFile(target)
    if (hit) {
      this.stats.cacheHits++
      this.backfillRecord(folder, src, `hls/${sha}/${planKey}/${name}`, target)
    } else if (prefetch && !this.inFlight.has(`${dir}#${index}`) && name !== 'init.mp4') {
      if (this.background) return { ...text(503, 'Busy with another prefetch.'), body: { kind: 'none' } }
      // The lane is busy until the segment is on disk, not only made (a prefetch makes files ahead).
      const run = this.produce(folder, src, plan, index, dir, true).then(() => this.writes.get(target))
      this.background = run.finally(() => {
        this.background = null
      })
      await run
    } else if (name === 'init.mp4') await this.produceInit(folder, src, plan, dir)
    else {
      await this.produce(folder, src, plan, index, dir)
      // A neighbour whose run failed was not written: made on its own now.
      if (!(await this.madeOrWriting(target))) await this.produce(folder, src, plan, index, dir)
    }
    const made = this.fresh.get(target)
    if (made) return serveBytes(made, type, range)
    return this.serveFile(await confined(folder.layout.derived, ['hls', sha, planKey, name]), type, range)
  }

  private async serveFile(path: string, type: string, rangeHeader: string | undefined): Promise<MediaResponse> {
    const st = await stat(path).catch(() => null)
    if (!st || !st.isFile()) throw new MediaNotFound()
    return rangedResponse(st.size, type, rangeHeader, (start, end) => ({ kind: 'file', path, start, end }))
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    // ffmpeg runs take turns: two at a time on this two-core class of machine.
    while (this.running >= MAX_CONCURRENT_FFMPEG) await new Promise<void>((r) => this.waiting.push(r))
    this.running++
    try {
      return await work()
    } finally {
      this.running--
      this.waiting.shift()?.()
    }
  }

  /**
   * Makes segment `index` (and init.mp4 when missing), once even if asked for twice at the
   * same time; a remux run makes the missing neighbours too, and a request for one of them
   * meanwhile waits for that run.
   */
  private produce(folder: CaseFolder, src: MediaSource, plan: HlsPlan, index: number, dir: string, background = false): Promise<void> {
    const existing = this.inFlight.get(`${dir}#${index}`)
    if (existing) {
      this.gates.get(`${dir}#${index}`)?.want(index)
      return existing
    }
    const [from, to] = src.mode === 'remux' && NEIGHBOUR_DEMUXERS.includes(src.demuxer) ? this.neighbourhood(plan, index, dir) : [index, index]
    if (background) this.stats.backgroundRuns++
    const track = (key: string, p: Promise<void>): Promise<void> => {
      const q = p.finally(() => {
        if (this.inFlight.get(key) === q) this.inFlight.delete(key)
      })
      this.inFlight.set(key, q)
      return q
    }
    if (from === to) return track(`${dir}#${index}`, this.slot(() => this.makeSegment(folder, src, plan, index, dir)))
    // The segment asked for (and init.mp4) are written first and answered; the neighbours
    // after (hashing and writing 20 s of 1080p took ~0.1 s here). A source whose fragments do
    // not fall on the planned boundaries gets one segment per run, as before.
    const gate: NeighbourGate = {
      wanted: background,
      early: [],
      want: (i) => {
        gate.wanted = true
        if (i !== undefined) gate.early.push(i)
        gate.wake?.()
      }
    }
    const run = this.slot(() => this.makeRemuxRange(folder, src, plan, from, to, index, dir, gate))
    const asked = run.then(
      () => undefined,
      () => this.slot(() => this.makeSegment(folder, src, plan, index, dir))
    )
    // A neighbour left unmade (the run failed) is made on its own when asked for (route).
    const rest = run.then(
      (r) => r.rest,
      () => undefined
    )
    this.pending.add(rest)
    void rest.finally(() => this.pending.delete(rest))
    for (let i = from; i <= to; i++) {
      if (i === index) continue
      // Each neighbour is answered once it is written, not once they all are.
      track(
        `${dir}#${i}`,
        run.then(
          (r) => r.written.get(i) ?? r.rest,
          () => undefined
        )
      )
      this.gates.set(`${dir}#${i}`, gate)
    }
    void rest.finally(() => {
      for (let i = from; i <= to; i++) if (this.gates.get(`${dir}#${i}`) === gate) this.gates.delete(`${dir}#${i}`)
    })
    return track(`${dir}#${index}`, asked)
  }

  /** The segments around `index` that are neither made nor being made (stopping at the first that is). */
  private neighbourhood(plan: HlsPlan, index: number, dir: string): [number, number] {
    const free = (i: number): boolean => i >= 0 && i < plan.segments.length && !this.inFlight.has(`${dir}#${i}`) && !this.fresh.has(join(dir, `seg${i}.m4s`)) && !existsSync(join(dir, `seg${i}.m4s`))
    let from = index
    while (from > index - REMUX_NEIGHBOURS_BEFORE && free(from - 1)) from--
    let to = index
    while (to < index + REMUX_NEIGHBOURS_AFTER && free(to + 1)) to++
    return [from, to]
  }

  /**
   * init.mp4 comes out of any segment's run (the init boxes are the same for every segment).
   * A player jumping into a file asks for init.mp4 and the segment at the jump together: the
   * init waits for that segment's run instead of starting a second run for segment 0, which
   * on two cores would halve the speed of the one the user is waiting for.
   */
  private async produceInit(folder: CaseFolder, src: MediaSource, plan: HlsPlan, dir: string): Promise<void> {
    const initPath = join(dir, 'init.mp4')
    // The fragmenter's init comes straight from the sample table: no run to wait for.
    const table = await this.fragmenterTable(folder, src)
    if (table) {
      if (await this.madeOrWriting(initPath)) return
      await makePlanDir(folder, src, dir)
      // (A segment's run may have made it meanwhile.)
      if (!this.fresh.has(initPath)) this.keepAndWrite(folder, src, dir, 'init.mp4', initSegment(table), { ...fragmenterRecord(src), kind: 'hls-init' })
      return
    }
    const started = Date.now()
    while (!(await isFile(initPath))) {
      // The first run to settle usually wrote it (a neighbourhood run writes init.mp4 first and
      // answers its segment long before its neighbours are written): look again after each.
      const running = [...this.inFlight].filter(([key]) => key.startsWith(`${dir}#`)).map(([, p]) => p.catch(() => undefined))
      if (running.length) await Promise.race(running)
      else if (Date.now() - started < INIT_GRACE_MS) await new Promise((r) => setTimeout(r, 10))
      else return this.produce(folder, src, plan, 0, dir)
    }
  }

  /**
   * The fragmenter's table of an MP4/MOV H.264 source that agrees with its probe, or null:
   * then the reason is counted and logged once per source, and ffmpeg makes its segments.
   */
  private async fragmenterTable(folder: CaseFolder, src: MediaSource): Promise<SampleTable | null> {
    if (src.mode !== 'remux' || src.demuxer !== 'mov') return null
    const path = folder.evidencePath(src.sha256)
    let entry = this.tables.get(path)
    if (entry) {
      this.tables.delete(path)
      this.tables.set(path, entry)
    } else {
      this.stats.tablesRead++
      entry = readSampleTable(path)
        .then((table) => {
          checkAgainstProbe(table, { ...src.probe.video, packetCount: src.probe.packetCount, keyframes: src.probe.keyframes, keyframesComplete: src.probe.keyframesComplete })
          if (this.tables.has(path)) this.tableSizes.set(path, tableBytes(table))
          this.trimTables()
          return table
        })
        .catch((err: unknown) => {
          const refused = err instanceof Mp4Refused ? err : new Mp4Refused('parse', (err as Error).message)
          this.refused(src, refused)
          return refused
        })
      this.tables.set(path, entry)
      this.trimTables()
    }
    const t = await entry
    return t instanceof Mp4Refused ? null : t
  }

  /** Drops the least recently used tables beyond MAX_TABLES or MAX_TABLE_BYTES (the newest always stays). */
  private trimTables(): void {
    let bytes = [...this.tableSizes.values()].reduce((a, b) => a + b, 0)
    while (this.tables.size > 1 && (this.tables.size > MAX_TABLES || bytes > MAX_TABLE_BYTES)) {
      const oldest = this.tables.keys().next().value!
      bytes -= this.tableSizes.get(oldest) ?? 0
      this.tables.delete(oldest)
      this.tableSizes.delete(oldest)
    }
  }

  private refused(src: MediaSource, err: Mp4Refused): void {
    this.stats.fragmenterRefused[err.reason] = (this.stats.fragmenterRefused[err.reason] ?? 0) + 1
    console.warn(`media: ${src.sha256.slice(0, 12)}… segments made by ffmpeg, not the MP4 fragmenter (${err.message})`)
  }

  /** init.mp4 and segments of a source from its sample table, each made when asked for (milliseconds). */
  private fragmenterMaker(folder: CaseFolder, src: MediaSource, plan: HlsPlan, table: SampleTable): SegmentMaker {
    const path = folder.evidencePath(src.sha256)
    const range = (i: number): { seg: HlsPlan['segments'][number]; first: number; count: number } => {
      const seg = plan.segments[i]!
      if (seg.firstPacket === undefined) throw new Mp4Refused('probe-mismatch', `segment ${i} has no first packet`)
      return { seg, first: seg.firstPacket, count: seg.frames ?? table.count - seg.firstPacket }
    }
    this.stats.fragmenterRuns++
    return {
      init: initSegment(table),
      segment: (i) => {
        const { seg, first, count } = range(i)
        return mediaSegment(table, path, first, count, outputTsOffset(seg))
      },
      record: (kind, i) => {
        if (kind === 'hls-init') return fragmenterRecord(src)
        const { seg, first, count } = range(i)
        return fragmenterRecord(src, { first, count, outputTsOffset: outputTsOffset(seg) })
      }
    }
  }

  /**
   * Writes init.mp4 and segment `index` with the MP4 fragmenter; the maker (for the neighbours)
   * once done, null when the source is not the fragmenter's (refusals are counted).
   */
  private async fragmentInto(folder: CaseFolder, src: MediaSource, plan: HlsPlan, index: number, dir: string): Promise<SegmentMaker | null> {
    const table = await this.fragmenterTable(folder, src)
    if (!table) return null
    const maker = this.fragmenterMaker(folder, src, plan, table)
    const made = await maker.segment(index).catch((err: unknown) => {
      if (!(err instanceof Mp4Refused)) throw err
      this.refused(src, err)
      return null
    })
    if (!made) return null
    // Answered from memory at once; on disk and recorded a moment later.
    if (!this.fresh.has(join(dir, 'init.mp4'))) this.keepAndWrite(folder, src, dir, 'init.mp4', maker.init, { ...maker.record('hls-init', index), kind: 'hls-init' })
    this.keepAndWrite(folder, src, dir, `seg${index}.m4s`, made, { ...maker.record('hls-segment', index), kind: 'hls-segment' })
    return maker
  }

  /**
   * Segments `from`…`to`: by the fragmenter (each made when written), or one -c copy run
   * split by fragment sample counts. Resolves once init.mp4 and segment `asked` are written;
   * `rest` once the other missing ones are.
   */
  private async makeRemuxRange(
    folder: CaseFolder,
    src: MediaSource,
    plan: HlsPlan,
    from: number,
    to: number,
    asked: number,
    dir: string,
    gate: NeighbourGate
  ): Promise<{ rest: Promise<void>; written: Map<number, Promise<void>> }> {
    await makePlanDir(folder, src, dir)
    const maker = (await this.fragmentInto(folder, src, plan, asked, dir)) ?? (await this.ffmpegRangeMaker(folder, src, plan, from, to, dir, asked))
    // Those after first: playing on, stepping forward and hls.js's look-ahead ask for them next;
    // one a player asks for meanwhile goes to the front.
    const queue = [...Array.from({ length: to - asked }, (_, k) => asked + 1 + k), ...Array.from({ length: asked - from }, (_, k) => asked - 1 - k)]
    const written = new Map<number, Promise<void>>()
    const done = new Map<number, () => void>()
    for (const i of queue) written.set(i, new Promise<void>((resolve) => done.set(i, resolve)))
    const wantedEarly = (): void => {
      for (const i of gate.early.splice(0)) {
        const at = queue.indexOf(i)
        if (at > 0) queue.unshift(...queue.splice(at, 1))
      }
    }
    const open = gate.wanted
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, NEIGHBOUR_WRITE_DELAY_MS)
          gate.wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
    const rest = (async () => {
      await open
      for (;;) {
        wantedEarly()
        const i = queue.shift()
        if (i === undefined) break
        await maker
          .segment(i)
          .then((data) => this.writeDerived(folder, src, dir, `seg${i}.m4s`, data, { ...maker.record('hls-segment', i), kind: 'hls-segment' }))
          .catch(() => undefined)
        done.get(i)!()
      }
    })()
    return { rest, written }
  }

  /** One -c copy run for segments `from`…`to`, split; writes init.mp4 and segment `asked`. */
  private async ffmpegRangeMaker(folder: CaseFolder, src: MediaSource, plan: HlsPlan, from: number, to: number, dir: string, asked: number): Promise<SegmentMaker> {
    const tools = await this.mediaTools()
    const job = remuxRangeJob(plan, from, to, { path: folder.evidencePath(src.sha256), demuxer: src.demuxer })
    const tmp = join(dir, `.tmp-${randomBytes(8).toString('hex')}.mp4`)
    this.stats.ffmpegRuns++
    try {
      const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: job.input, output: { kind: 'file', path: tmp }, outputArgs: job.outputArgs, timeoutMs: SEGMENT_TIMEOUT_MS })
      if (r.exitCode !== 0) throw new Error(`ffmpeg could not make segments ${from}–${to}: ${stderrReason(r.stderr) || `exit ${r.exitCode ?? r.signal}`}`)
      const { init, media } = splitFragmentedMp4(await readFile(tmp))
      const parts = splitSegments(
        media,
        plan.segments.slice(from, to + 1).map((s) => s.frames)
      )
      const maker: SegmentMaker = { init, segment: async (i) => parts[i - from]!, record: () => ({ ffmpegVersion: tools.version, args: r.args }) }
      await this.writeDerived(folder, src, dir, 'init.mp4', init, { ...maker.record('hls-init', asked), kind: 'hls-init' })
      await this.writeDerived(folder, src, dir, `seg${asked}.m4s`, parts[asked - from]!, { ...maker.record('hls-segment', asked), kind: 'hls-segment' })
      return maker
    } finally {
      await unlink(tmp).catch(() => undefined)
    }
  }

  /**
   * Keeps a made file's bytes to answer with (`fresh`) while writeDerived puts it on disk and
   * records it; a failed write is logged and leaves nothing (the file is made again when asked).
   */
  private keepAndWrite(folder: CaseFolder, src: MediaSource, dir: string, name: string, data: Uint8Array, rec: DerivedProvenance & { kind: string }): void {
    const path = join(dir, name)
    this.fresh.set(path, data)
    const p = this.writeDerived(folder, src, dir, name, data, rec)
      .catch((err: unknown) => console.error(`media: could not write derived/${path.slice(folder.layout.derived.length + 1)}: ${(err as Error).message}`))
      .finally(() => {
        if (this.fresh.get(path) === data) this.fresh.delete(path)
        if (this.writes.get(path) === p) this.writes.delete(path)
        this.pending.delete(p)
      })
    this.pending.add(p)
    this.writes.set(path, p)
  }

  /** Whether a derived file is on disk or made and being written (answered from `fresh`). */
  private async madeOrWriting(path: string): Promise<boolean> {
    return this.fresh.has(path) || (await isFile(path))
  }

  /** Writes one derived file (read-only, atomically) unless it exists, and records it. */
  private async writeDerived(folder: CaseFolder, src: MediaSource, dir: string, name: string, data: Uint8Array, rec: DerivedProvenance & { kind: string }): Promise<void> {
    const path = join(dir, name)
    if (await isFile(path)) return
    const part = `${path}.${randomBytes(4).toString('hex')}.part`
    await writeFile(part, data, { flag: 'wx', mode: 0o444 })
    await rename(part, path)
    const made = { kind: rec.kind, args: rec.args, path: `hls/${src.sha256}/${planKeyFor(src.mode)}/${name}`, sha256: sha256Of(data), size: data.length, sourceEvidenceId: src.evidenceId, sourceSha256: src.sha256 }
    this.record(folder, 'tool' in rec ? { ...made, tool: rec.tool } : { ...made, ffmpegVersion: rec.ffmpegVersion })
  }

  private async makeSegment(folder: CaseFolder, src: MediaSource, plan: HlsPlan, index: number, dir: string): Promise<void> {
    const segName = `seg${index}.m4s`
    const segPath = join(dir, segName)
    const initPath = join(dir, 'init.mp4')
    if ((await isFile(segPath)) && (await isFile(initPath))) return
    await makePlanDir(folder, src, dir)
    if (await this.fragmentInto(folder, src, plan, index, dir)) return
    const tools = await this.mediaTools()
    const job = segmentJob(plan, index, { path: folder.evidencePath(src.sha256), demuxer: src.demuxer })
    if (src.mode === 'transcode' && (src.demuxer === 'mov' || src.demuxer === 'matroska') && plan.segments[index]!.startS > plan.firstFrameS) {
      // These containers seek exactly to a keyframe: decode from the keyframe at or before the
      // segment, not a second earlier (hlsPlan's margin for MPEG-TS), which halves the work
      // for short GOPs. The trim on the source timeline still starts at the segment.
      const seg = plan.segments[index]!
      const kf = src.probe.keyframes.filter((k) => k.timeS <= seg.startS + plan.frameDurationS / 4).at(-1)
      if (kf) job.input = { ...job.input, seekS: Math.max(0, kf.timeS - plan.containerStartS) }
    }
    if (src.mode === 'transcode' && src.probe.video.width * src.probe.video.height >= 1600 * 900) {
      // 1080p and up: libx264 ultrafast keeps up with playback on two cores, veryfast does not.
      const at = job.outputArgs.indexOf('-preset')
      if (at >= 0) job.outputArgs[at + 1] = 'ultrafast'
    }
    if (rawStream(src.demuxer)) {
      // No seek index in a raw stream: decode from its start, timed by the declared rate.
      const fr = src.probe.video.frameRate!
      job.input = { ...job.input, seekS: undefined, frameRate: `${fr.num}/${fr.den}` }
    }
    const tmp = join(dir, `.tmp-${randomBytes(8).toString('hex')}.mp4`)
    this.stats.ffmpegRuns++
    try {
      const r = await runFfmpeg({ ffmpegPath: tools.ffmpeg, input: job.input, output: { kind: 'file', path: tmp }, outputArgs: job.outputArgs, timeoutMs: SEGMENT_TIMEOUT_MS })
      if (r.exitCode !== 0) throw new Error(`ffmpeg could not make segment ${index}: ${stderrReason(r.stderr) || `exit ${r.exitCode ?? r.signal}`}`)
      const { init, media } = splitFragmentedMp4(await readFile(tmp))
      const base = `hls/${src.sha256}/${planKeyFor(src.mode)}`
      const write = async (path: string, data: Uint8Array, rel: string, kind: string): Promise<void> => {
        const part = `${path}.${randomBytes(4).toString('hex')}.part`
        await writeFile(part, data, { flag: 'wx', mode: 0o444 })
        await rename(part, path)
        this.record(folder, { path: rel, kind, sha256: sha256Of(data), size: data.length, ffmpegVersion: tools.version, args: r.args, sourceEvidenceId: src.evidenceId, sourceSha256: src.sha256 })
      }
      if (!(await isFile(initPath))) await write(initPath, init, `${base}/init.mp4`, 'hls-init')
      await write(segPath, media, `${base}/${segName}`, 'hls-segment')
    } finally {
      await unlink(tmp).catch(() => undefined)
    }
  }

  /** Custody and derived_media rows, written after queued write jobs without holding up the response. */
  private record(folder: CaseFolder, rec: DerivedRecord): void {
    const examiner = this.host.settings().examinerName
    const p = this.host
      .exclusive(async () => {
        if (folder.db.open) recordDerived(folder.db, rec, examiner)
      })
      .catch((err: unknown) => console.error(`media: could not record derived/${rec.path}: ${(err as Error).message}`))
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** A cached file with no record (e.g. the process stopped before writing it) gets one. */
  private backfillRecord(folder: CaseFolder, src: MediaSource, rel: string, path: string): void {
    if (derivedRecorded(folder.db, rel)) return
    const p = (async () => {
      const data = await readFile(path)
      const made = { path: rel, kind: rel.endsWith('init.mp4') ? 'hls-init' : 'hls-segment', sha256: sha256Of(data), size: data.length, args: ['(found in cache; arguments not known)'], sourceEvidenceId: src.evidenceId, sourceSha256: src.sha256 }
      // Whichever this app would use for the source now made it (most likely; the args say it is not known).
      if (await this.fragmenterTable(folder, src)) this.record(folder, { ...made, tool: FRAGMENTER_TOOL })
      else this.record(folder, { ...made, ffmpegVersion: (await this.mediaTools()).version })
    })().catch(() => undefined)
    this.pending.add(p)
    void p.finally(() => this.pending.delete(p))
  }

  /**
   * The frame shown at `positionUs` into a file, as a PNG in derived/stills/ with a caption
   * band under the picture (stillCaption.ts), recorded with custody (arguments and caption).
   */
  async saveStill(folder: CaseFolder, fileId: number, positionUs: number): Promise<{ path: string; url: string; sha256: string; caption: string }> {
    const row = folder.db.prepare('SELECT e.sha256, c.name AS camera FROM video_file f JOIN evidence e ON e.id = f.evidence_id JOIN camera c ON c.id = f.camera_id WHERE f.id = ?').get(fileId) as
      | { sha256: string; camera: string }
      | undefined
    if (!row) throw new MediaNotFound()
    const src = sourceBySha(folder, row.sha256)
    const tools = await this.mediaTools()
    const font = locateCaptionFont()
    if (!font) throw new Error(`The caption font ${CAPTION_FONT} was not found in the app's resources/fonts: the still cannot be captioned.`)
    const fr = src.probe.video.frameRate
    const frameS = fr ? fr.den / fr.num : 1 / 25
    const startS = src.probe.video.startTimeS ?? 0
    const containerStartS = src.probe.containerStartS ?? startS
    // The frame whose interval holds the position: seek a quarter frame before its start.
    const n = Math.floor(positionUs / 1e6 / frameS + 1e-6)
    const seekS = Math.max(0, startS + n * frameS - frameS / 4 - containerStartS)
    const raw = rawStream(src.demuxer)
    const lines = captionLines({
      camera: row.camera,
      frameUs: src.startUs === null ? null : src.startUs + Math.round(n * frameS * 1e6),
      zone: folder.info().timeZone,
      sourceSha256: src.sha256,
      positionUs
    })
    const caption = captionFilter(lines, src.probe.video.width, font)
    const vf = [...(raw ? [`trim=start=${(n * frameS - frameS / 4).toFixed(6)}`] : []), caption.filter].join(',')
    const r = await this.slot(() => {
      this.stats.ffmpegRuns++
      return runFfmpeg({
        ffmpegPath: tools.ffmpeg,
        input: { path: folder.evidencePath(src.sha256), demuxer: src.demuxer, ...(raw ? { frameRate: fr ? `${fr.num}/${fr.den}` : '25' } : { seekS }) },
        output: { kind: 'stdout', maxBytes: 64 * 1024 * 1024 },
        outputArgs: ['-map', '0:v:0', '-vf', vf, '-frames:v', '1', '-c:v', 'png', '-f', 'image2pipe'],
        timeoutMs: 60_000
      })
    })
    if (r.exitCode !== 0 || r.stdout.length === 0) throw new Error(`ffmpeg could not extract the frame: ${stderrReason(r.stderr)}`)
    // The caption is part of the picture: the name carries a hash of it, so a renamed camera
    // or another zone makes a new still, and older uncaptioned stills keep their names.
    const name = `${src.sha256.slice(0, 16)}-${positionUs}-c${sha256Of(Buffer.from(`${caption.text}\n${caption.fontSize}/${caption.bandHeight}`)).slice(0, 12)}.png`
    const dir = join(folder.layout.derived, 'stills')
    await mkdir(dir, { recursive: true })
    const path = await confined(folder.layout.derived, ['stills', name])
    // Same file, position and caption make the same still: an existing one (read-only) is kept.
    let data: Buffer = r.stdout
    if (!(await stat(path).then(() => true, () => false))) {
      const fh = await open(path, 'wx', 0o444)
      try {
        await fh.writeFile(data)
      } finally {
        await fh.close()
      }
    } else data = await readFile(path)
    const sha256 = sha256Of(data)
    const examiner = this.host.settings().examinerName
    await this.host.exclusive(async () =>
      recordDerived(
        folder.db,
        { path: `stills/${name}`, kind: 'still', sha256, size: data.length, ffmpegVersion: tools.version, args: r.args, sourceEvidenceId: src.evidenceId, sourceSha256: src.sha256, caption: caption.text },
        examiner
      )
    )
    return { path, url: `/media/stills/${name}`, sha256, caption: caption.text }
  }
}

const isFile = (path: string): Promise<boolean> => stat(path).then((s) => s.isFile(), () => false)

/** Makes a source's derived/hls/<sha>/<plan> folder and proves it stays inside derived/ (after symlinks). */
async function makePlanDir(folder: CaseFolder, src: MediaSource, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
  await confined(folder.layout.derived, ['hls', src.sha256, planKeyFor(src.mode)])
}

/** What the fragmenter copied, from where, with which times: enough to make the same bytes again (no samples: the init). */
function fragmenterRecord(src: MediaSource, samples?: { first: number; count: number; outputTsOffset: string }): DerivedProvenance {
  const source = ['-source', `evidence/${src.sha256}`, '-track', 'first video', '-timescale', '90000']
  if (!samples) return { tool: FRAGMENTER_TOOL, args: [...source, '-init'] }
  return { tool: FRAGMENTER_TOOL, args: [...source, '-samples', `${samples.first}+${samples.count}`, '-output_ts_offset', samples.outputTsOffset, '-fragments', 'per keyframe'] }
}

/**
 * Footage and stills are never stored by the browser: a copy in its HTTP cache would be
 * evidence outside the case folder (in the user's browser profile, for the web host), and
 * writing it costs every jump — a 1.2 MB segment reached the page in 21–23 ms with no-store
 * against 28–29 with no-cache (Debian's Chromium, median of 14, alternating), the first few
 * of a session 40 against 50–110. The case's derived/ folder is the cache.
 */
export const MEDIA_CACHE_CONTROL = 'no-store'

/** A whole (200) or ranged (206, or 416) response for a body of `size` bytes; `body` gives bytes start…end (inclusive). */
function rangedResponse(size: number, type: string, rangeHeader: string | undefined, body: (start: number, end: number) => MediaBody): MediaResponse {
  const base = { 'content-type': type, 'accept-ranges': 'bytes', 'cache-control': MEDIA_CACHE_CONTROL, 'x-content-type-options': 'nosniff' }
  const range = parseRange(rangeHeader, size)
  if (range === 'bad') return { status: 416, headers: { ...base, 'content-range': `bytes */${size}` }, body: { kind: 'none' } }
  if (range === null) return { status: 200, headers: { ...base, 'content-length': String(size) }, body: body(0, size - 1) }
  return {
    status: 206,
    headers: { ...base, 'content-length': String(range.end - range.start + 1), 'content-range': `bytes ${range.start}-${range.end}/${size}` },
    body: body(range.start, range.end)
  }
}

/** The same from bytes in memory (a derived file just made, still being written). */
function serveBytes(data: Uint8Array, type: string, rangeHeader: string | undefined): MediaResponse {
  return rangedResponse(data.length, type, rangeHeader, (start, end) => ({ kind: 'buffer', data: Buffer.from(data.buffer, data.byteOffset + start, end - start + 1) }))
}

function text(status: number, message: string): MediaResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: { kind: 'buffer', data: Buffer.from(`${message}\n`) } }
}

/** Reads the body of a response into memory (segments are small): for Electron's protocol handler. */
export async function mediaBodyBytes(body: MediaBody): Promise<Buffer | null> {
  if (body.kind === 'none') return null
  if (body.kind === 'buffer') return body.data
  const fh = await open(body.path, 'r')
  try {
    const buf = Buffer.alloc(body.end - body.start + 1)
    const { bytesRead } = await fh.read(buf, 0, buf.length, body.start)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/** Writes a response to a Node HTTP response: for the web host. */
export async function writeMediaResponse(res: import('node:http').ServerResponse, r: MediaResponse): Promise<void> {
  res.writeHead(r.status, r.headers)
  if (r.body.kind === 'none') return void res.end()
  if (r.body.kind === 'buffer') return void res.end(r.body.data)
  const { path, start, end } = r.body
  const size = end - start + 1
  // A segment goes out in one write: streamed in 64 KiB reads, 1.2 MB took 25–45 ms to cross
  // loopback here, on the path of every jump.
  if (size <= WHOLE_WRITE_MAX) return void res.end(await readRange(path, start, size))
  const { createReadStream } = await import('node:fs')
  const { pipeline } = await import('node:stream/promises')
  await pipeline(createReadStream(path, { start, end, highWaterMark: 1 << 20 }), res)
}

/** Bodies up to this size are read whole and written at once. */
const WHOLE_WRITE_MAX = 16 << 20

async function readRange(path: string, start: number, size: number): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(size)
    let got = 0
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, start + got)
      if (bytesRead === 0) break
      got += bytesRead
    }
    // A file shorter than its stat said (it cannot change: derived files are written once): what was read.
    return got === size ? buf : buf.subarray(0, got)
  } finally {
    await fh.close()
  }
}
