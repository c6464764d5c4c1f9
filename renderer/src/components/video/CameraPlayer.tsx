// One camera following the shared wall-clock cursor. The file covering the cursor instant
// (camera offset already in its corrected start) is played through hls.js from the
// /media/ playlist; the position in it is the cursor minus the file's start, snapped to
// the middle of the frame whose interval holds the instant, so the frame shown is the one
// recorded at that instant. While the cursor plays at up to 2×, the lead camera drives it
// from the video's own time; faster (and backward) a clock drives it and every camera
// re-seeks when it falls behind; other cursor moves seek (throttled while dragging).
import Hls from 'hls.js'
import { useEffect, useRef, useState } from 'react'
import type { CameraInfo, PlaylistInfo, VideoFileInfo } from '@shared/contracts/video'
import { microsToIso } from '@shared/time'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'
import { cursor, useCursor } from '../../state/cursorStore'
import { EarlyFragmentLoader, fetchEarly } from './earlySegments'
import { initUrlOf, playlistInfo, playlistInfoNow, segmentUrlAt } from './mediaPrefetch'
import { playlistLoaderHolding } from './playlistLoader'

/** Seeks at most this often while the cursor is dragged: rapid seeks break hls.js parsing. */
const SEEK_THROTTLE_MS = 120
/** Up to this rate the lead camera's presented frames move the cursor; above it, a clock does. */
export const LEAD_MAX_RATE = 2
/** Chromium refuses a playbackRate above 16. */
const MAX_VIDEO_RATE = 16

/** True when a clock, not the lead camera, moves the cursor at this (non-zero) rate. */
export function clockDriven(rate: number): boolean {
  return rate < 0 || rate > LEAD_MAX_RATE
}
/**
 * Seconds hls.js buffers ahead: playing, as before; paused, one frame — only the segment
 * holding the frame. Fetching and appending the next one too took a core from decoding the
 * frame the user waits for (side by side, 1080p H.264: jump to a new instant p95 460–481 ms
 * against 534–610), and made the server transcode ahead of a spot the user may leave.
 */
const PLAYING_BUFFER_S = 20
const PAUSED_BUFFER_S = 0.04

/**
 * The B-frame presentation delay last measured (any file): a first seek into a new file is
 * aimed with it, so when the new file has the same delay (same encoder) the seek need not be
 * made again once its first fragment is measured. A wrong guess costs that second seek only.
 */
let delayGuessS = 0

/** How long a file switch waits for the old file's buffer to empty before making a new MediaSource instead. */
const EMPTY_BUFFER_MS = 400

/** Removes everything buffered by `hls` (true once done; false if it could not be done in time). */
function emptyBuffer(hls: Hls): Promise<boolean> {
  const media = hls.media
  if (!media) return Promise.resolve(false)
  if (media.buffered.length === 0) return Promise.resolve(true)
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      hls.off(Hls.Events.BUFFER_FLUSHED, onFlushed)
      resolve(ok && media.buffered.length === 0)
    }
    const onFlushed = (): void => done(true)
    const timer = setTimeout(() => done(false), EMPTY_BUFFER_MS)
    hls.stopLoad()
    hls.on(Hls.Events.BUFFER_FLUSHED, onFlushed)
    hls.trigger(Hls.Events.BUFFER_FLUSHING, { startOffset: 0, endOffset: Number.POSITIVE_INFINITY, type: null })
  })
}

/** Whether media time `t` is in one of the video's buffered ranges. */
function isBuffered(video: HTMLVideoElement, t: number): boolean {
  for (let i = 0; i < video.buffered.length; i++) if (video.buffered.start(i) <= t && t < video.buffered.end(i)) return true
  return false
}

/** The camera's placed files nearest `us` (one holding it first), at most `n`. */
export function filesAround(camera: CameraInfo, us: number, n: number): VideoFileInfo[] {
  const gap = (f: VideoFileInfo): number => (us < f.startUs! ? f.startUs! - us : us >= f.endUs! ? us - f.endUs! + 1 : 0)
  return camera.files
    .filter((f) => f.startUs !== null && f.endUs !== null)
    .sort((a, b) => gap(a) - gap(b))
    .slice(0, n)
}

export function fileAt(camera: CameraInfo, us: number): VideoFileInfo | null {
  // Earliest-starting file wins through an overlap, as tracks.ts footageAt does.
  let best: VideoFileInfo | null = null
  for (const f of camera.files) {
    if (f.startUs === null || f.endUs === null) continue
    if (f.startUs <= us && us < f.endUs && (!best || f.startUs < best.startUs!)) best = f
  }
  return best
}

interface Loaded {
  file: VideoFileInfo
  playlist: PlaylistInfo
  hls: Hls
  /** Presentation delay of the first frame after the first loaded fragment's start; null until measured. */
  delayS: number | null
  /** A freshly loaded file is positioned once whatever moved the cursor. */
  seeked: boolean
  /** Its buffer was emptied (and loading stopped) for a switch to another file: reload it to show it again. */
  emptied: boolean
}

export function CameraPlayer(props: { camera: CameraInfo; lead: boolean; onError: (m: string) => void }) {
  const { camera, lead } = props
  const state = useCursor()
  const videoRef = useRef<HTMLVideoElement>(null)
  const loadedRef = useRef<Loaded | null>(null)
  const [loadedId, setLoadedId] = useState<number | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const lastSeek = useRef({ at: 0, timer: 0 as number | ReturnType<typeof setTimeout>, pending: null as number | null, target: null as number | null })
  const seekRef = useRef<(us: number) => void>(() => undefined)
  /** The rate this camera last applied (0 = paused). */
  const lastRate = useRef(0)
  const file = state.timeUs !== null ? fileAt(camera, state.timeUs) : null
  // With no footage at the cursor and nothing loaded yet, the file nearest the cursor is loaded
  // out of sight: the first jump into any file then hands on its MediaSource (and finds
  // Chromium's decoder and hls.js warm) instead of setting them up (measured: the first jump
  // after the grid opens took 0.8 s, later ones 0.2–0.3 s).
  // Remuxed files only: out of sight, a transcoded one would cost an ffmpeg transcode per camera.
  const nearest = !file && loadedId === null && state.timeUs !== null ? (filesAround(camera, state.timeUs, 1)[0] ?? null) : null
  const standby = nearest?.playback === 'remux' ? nearest : null
  const toLoad = file ?? standby

  // Out of hiding (a gap, or the file loaded out of sight), the video stays hidden until its
  // first seek in the file at the cursor has landed: shown at once, it would put the stale
  // frame it holds on screen, and compositing that frame (1080p, in software) took ~17 ms of
  // CPU in the middle of the jump the user waits for.
  const [landed, setLanded] = useState(false)
  const hasFile = file !== null
  useEffect(() => {
    if (!hasFile) setLanded(false)
  }, [hasFile])
  useEffect(() => {
    const video = videoRef.current
    if (!video || !hasFile || landed) return
    const land = (): void => setLanded(true)
    video.addEventListener('seeked', land)
    video.addEventListener('playing', land)
    return () => {
      video.removeEventListener('seeked', land)
      video.removeEventListener('playing', land)
    }
  }, [hasFile, landed])

  // Load the file covering the cursor (a new hls.js instance per file).
  useEffect(() => {
    const video = videoRef.current
    const file = toLoad
    if (!video || !file) return
    if (loadedRef.current?.file.id === file.id && !loadedRef.current.emptied) return
    let cancelled = false
    // The previous file's buffer is emptied, so its MediaSource can be handed on (below)
    // without frames of the old file at the new one's media times: while the playlist info
    // comes, not after it (10–25 ms sooner).
    const l = loadedRef.current
    if (l) l.emptied = true
    // Shared with the grid's prefetch: a file whose playlist was fetched ahead costs no round trip here.
    Promise.all([playlistInfo(file.id), l ? emptyBuffer(l.hls) : false])
      .then(
        ([playlist, empty]) => {
          if (cancelled) return
          // Keep the MediaSource and its SourceBuffer (and so Chromium's decoder) from the previous
          // file: a new one costs a jump into another file ~0.1 s more than a jump within it.
          const previous = loadedRef.current?.hls
          const moved = previous && empty && previous.media === video ? previous.transferMedia() : null
          previous?.destroy()
          // Load from the cursor's segment, not the file's first: a jump into a file then costs one segment, not two.
          // startFragPrefetch: that segment (and the init) are asked for as soon as the playlist is
          // in, not after the MediaSource opens (measured: 23–54 ms after the playlist instead of 150–190).
          const at = cursor.get()
          const startPosition = at.timeUs !== null ? Math.max(0, (at.timeUs - playlist.startUs) / 1e6) : 0
          const ahead = at.rate > 0 ? PLAYING_BUFFER_S : PAUSED_BUFFER_S
          // pLoader: index.m3u8 from the text video.playlist returned, not another round trip.
          const hls = new Hls({ pLoader: playlistLoaderHolding(playlist.url, playlist.m3u8), fLoader: EarlyFragmentLoader, maxFragLookUpTolerance: 0, enableWorker: false, startFragPrefetch: true, startPosition, backBufferLength: 30, maxBufferLength: ahead, maxMaxBufferLength: at.rate > 0 ? Hls.DefaultConfig.maxMaxBufferLength : ahead })
          // A parsed fragment may move the media time of the frame wanted: seek again, paused only.
          hls.on(Hls.Events.FRAG_BUFFERED, (_e, data) => {
            const l = loadedRef.current
            if (l && l.hls === hls && l.delayS === null && data.frag.type === 'main') {
              // The first fragment in: its buffered range starts at its first presented frame.
              const playlistStart = planStarts[data.frag.sn as number] ?? 0
              let delay = 0
              for (let i = 0; i < video.buffered.length; i++) {
                const d = video.buffered.start(i) - playlistStart
                if (d > -0.001 && d < 1) delay = Math.max(0, d)
              }
              l.delayS = delay
              delayGuessS = delay
              video.dataset.delayS = String(delay)
            }
            const c = cursor.get()
            // (Not in a file loaded out of sight: the cursor is not in it.)
            if (c.timeUs !== null && (c.rate === 0 || c.origin !== 'video') && fileAt(camera, c.timeUs)?.id === l?.file.id) seekRef.current(c.timeUs)
          })
          hls.on(Hls.Events.ERROR, (_e, data) => {
            if (data.fatal) setMessage(`Playback failed: ${data.details}`)
          })
          // Playlist start of each segment, before hls.js rewrites fragment starts from parsed data.
          const planStarts: number[] = []
          hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
            if (planStarts.length === 0) for (const f of data.details.fragments) planStarts[f.sn as number] = f.start
          })
          hls.loadSource(playlist.url)
          hls.attachMedia(moved ?? video)
          loadedRef.current = { file, playlist, hls, delayS: null, seeked: false, emptied: false }
          video.dataset.fileId = String(file.id)
          setLoadedId(file.id)
        },
        (e: unknown) => props.onError(errorMessage(e))
      )
    return () => {
      cancelled = true
    }
  }, [toLoad?.id])

  useEffect(
    () => () => {
      loadedRef.current?.hls.destroy()
      loadedRef.current = null
    },
    []
  )

  // Wall clock ↔ media time. hls.js puts the decode start of the first fragment it loads
  // at that fragment's playlist start; with B-frames the first frame is presented a little
  // later (0.08 s for libx264 at 25 fps). Every segment shares one timeline, so one delay,
  // measured from the buffered range once that first fragment is in, maps the whole file:
  // media time = (wall clock − first frame's wall clock) + delay.
  const mediaTimeFor = (us: number): number | null => {
    const l = loadedRef.current
    if (!l) return null
    const frameS = l.playlist.frameUs / 1e6
    // The frame whose interval holds the instant, aimed at its middle.
    const n = Math.floor((us - l.playlist.startUs) / l.playlist.frameUs + 1e-6)
    return n * frameS + (l.delayS ?? delayGuessS) + frameS / 2
  }
  const wallClockFor = (t: number): number | null => {
    const l = loadedRef.current
    if (!l) return null
    return Math.round(l.playlist.startUs + (t - (l.delayS ?? delayGuessS)) * 1e6)
  }

  /**
   * Seeks to the frame recorded at `us`. hls.js learns a fragment's real first presentation
   * time only once it has parsed it (B-frames put the first frame after the fragment's decode
   * start), so a seek made before that is repeated when the fragment is buffered; the frame
   * is reported shown (data-shown-us) only after a seek on a parsed fragment.
   */
  const seekTo = (us: number): void => {
    const video = videoRef.current
    const l = loadedRef.current
    if (!video || !l) return
    const target = mediaTimeFor(us)
    if (target === null) return
    const exact = l.delayS !== null
    lastSeek.current.at = performance.now()
    lastSeek.current.pending = us
    if (Math.abs(video.currentTime - target) < 1e-4 && exact && !video.seeking) {
      // Already there (back from a gap to where it was): shown without a seek.
      video.dataset.shownUs = String(us)
      setLanded(true)
      return
    }
    // A seek to this very time is under way (a fragment came in while it waited for data; or,
    // the first time, it was aimed with the guessed delay and the guess held): setting
    // currentTime again would make Chromium decode from the keyframe a second time.
    if (exact && video.seeking && lastSeek.current.target === target && Math.abs(video.currentTime - target) < 1e-4) return
    lastSeek.current.target = target
    video.dataset.shownUs = ''
    video.addEventListener(
      'seeked',
      () => {
        // Shown only once the delay is measured and the position is the exact one for `us`.
        const now = loadedRef.current?.delayS != null ? mediaTimeFor(us) : null
        if (lastSeek.current.pending === us && now !== null && Math.abs(video.currentTime - now) < 1e-4) video.dataset.shownUs = String(us)
      },
      { once: true }
    )
    video.currentTime = target
  }
  useEffect(() => {
    seekRef.current = seekTo
  })

  // A paused jump: the segment at the new instant (and the file's init, if the file is not the
  // one loaded) is asked for in the event that moved the cursor, before React and hls.js get
  // to it (earlySegments.ts). Not while playing, nor for a frame already buffered (a frame
  // step), nor more than once per seek throttle while the cursor is dragged. Remuxed files
  // only: a transcoded segment takes ~1 s to make, next to which the time won is nothing, and
  // a drag would queue transcodes the server cannot take back.
  const lastEarlyAt = useRef(0)
  useEffect(() => {
    // The store also tells of rate, speed and frame-duration changes: only a move of the cursor
    // is a jump (a frame duration set as a file loads would otherwise ask again for the segment
    // hls.js is loading).
    let lastUs = cursor.get().timeUs
    return cursor.subscribe(() => {
      const s = cursor.get()
      const moved = s.timeUs !== lastUs
      lastUs = s.timeUs
      const video = videoRef.current
      if (!moved || !video || s.timeUs === null || s.rate !== 0 || s.origin === 'video') return
      const f = fileAt(camera, s.timeUs)
      const playlist = f && playlistInfoNow(f.id)
      const seg = playlist?.mode === 'remux' ? segmentUrlAt(playlist, s.timeUs) : null
      if (!f || !playlist || !seg) return
      const l = loadedRef.current
      const sameFile = l !== null && l.file.id === f.id && !l.emptied
      const t = sameFile ? mediaTimeFor(s.timeUs) : null
      if (t !== null && isBuffered(video, t)) return
      const now = performance.now()
      if (now - lastEarlyAt.current < SEEK_THROTTLE_MS) return
      lastEarlyAt.current = now
      if (!sameFile) fetchEarly(initUrlOf(playlist))
      fetchEarly(seg)
    })
  }, [camera])

  // Follow the cursor: seek when someone else moved it (or when paused).
  useEffect(() => {
    const video = videoRef.current
    const l = loadedRef.current
    if (!video || !l || !file || l.file.id !== file.id || state.timeUs === null) return
    if (state.rate !== 0 && state.origin === 'video' && l.seeked) {
      // Playing: the camera that drives the cursor never seeks; the others only when they
      // drifted more than a few frames (more at high rates, where a seek costs more than it mends).
      if (lead && !clockDriven(state.rate)) return
      const wall = wallClockFor(video.currentTime)
      const tolerance = Math.max(4 * l.playlist.frameUs, Math.abs(state.rate) * 150_000)
      if (wall === null || Math.abs(wall - state.timeUs) < tolerance) return
    }
    const us = state.timeUs
    l.seeked = true
    clearTimeout(lastSeek.current.timer)
    const wait = SEEK_THROTTLE_MS - (performance.now() - lastSeek.current.at)
    if (wait <= 0 || state.origin !== 'timeline') seekTo(us)
    else lastSeek.current.timer = setTimeout(() => seekTo(us), wait)
  }, [state.timeUs, state.origin, loadedId])

  // Play / pause with the cursor's rate; the lead camera reports its frame duration.
  useEffect(() => {
    const video = videoRef.current
    const l = loadedRef.current
    if (!video || !l || !file) return
    if (lead) cursor.setFrameDuration(l.playlist.frameUs)
    // hls.js reads these on every tick: the new limit applies at once.
    l.hls.config.maxBufferLength = state.rate > 0 ? PLAYING_BUFFER_S : PAUSED_BUFFER_S
    l.hls.config.maxMaxBufferLength = state.rate > 0 ? Hls.DefaultConfig.maxMaxBufferLength : PAUSED_BUFFER_S
    if (state.rate > 0) {
      try {
        video.playbackRate = Math.min(state.rate, MAX_VIDEO_RATE)
      } catch {
        // A browser that refuses the rate plays at its own; the clock keeps the cursor's.
      }
      // From a clock-driven rate down to one this lead drives: start from the cursor, not from
      // wherever following the clock left it, so the cursor does not jump back.
      if (lead && !clockDriven(state.rate) && lastRate.current !== 0 && clockDriven(lastRate.current) && cursor.get().timeUs !== null) seekRef.current(cursor.get().timeUs!)
      void video.play().catch(() => undefined)
    } else {
      video.pause()
      // Paused after playing: show exactly the cursor's frame (a camera that followed a clock
      // may be a few frames off, and the lead stopped somewhere inside the frame).
      if (lastRate.current !== 0 && cursor.get().timeUs !== null) seekRef.current(cursor.get().timeUs!)
    }
    lastRate.current = state.rate
  }, [state.rate, loadedId, lead, file?.id])

  // The lead camera moves the cursor from each presented frame while playing.
  useEffect(() => {
    const video = videoRef.current
    if (!video || !lead) return
    let handle = 0
    const tick = (): void => {
      const s = cursor.get()
      if (s.rate > 0 && !clockDriven(s.rate) && !video.paused) {
        const wall = wallClockFor(video.currentTime)
        // Forward play never moves the cursor back: after a hand-off from the clock the lead
        // shows the frame that starts just before the cursor (which was mid-frame).
        if (wall !== null && !video.seeking && (s.timeUs === null || wall >= s.timeUs)) cursor.setTime(wall, 'video')
      }
      handle = video.requestVideoFrameCallback(tick)
    }
    handle = video.requestVideoFrameCallback(tick)
    // At the end of the file, hand the cursor on to its end: the next file (or the gap clock) takes over.
    const onEnded = (): void => {
      const l = loadedRef.current
      const rate = cursor.get().rate
      if (l && rate > 0 && !clockDriven(rate) && l.file.endUs !== null) cursor.setTime(l.file.endUs, 'video')
    }
    video.addEventListener('ended', onEnded)
    return () => {
      video.cancelVideoFrameCallback(handle)
      video.removeEventListener('ended', onEnded)
    }
  }, [lead, loadedId])

  const saveStill = (): void => {
    const l = loadedRef.current
    const video = videoRef.current
    if (!l || !video) return
    const wall = state.timeUs ?? wallClockFor(video.currentTime)
    if (wall === null) return
    api()
      .call('video.still', { fileId: l.file.id, positionUs: Math.max(0, wall - l.playlist.startUs) })
      .then((r) => setMessage(`Still saved: derived/${r.url.replace('/media/', '')} (SHA-256 ${r.sha256.slice(0, 12)}…), captioned “${r.caption.replace(/\n/g, ' · ')}”`), (e: unknown) => props.onError(errorMessage(e)))
  }

  return (
    <figure className="camera-player" aria-label={`Camera ${camera.name}`}>
      <figcaption>
        <strong>{camera.name}</strong>{' '}
        <span className="muted">
          {camera.clockOffsetUs !== 0 ? `offset ${camera.clockOffsetUs > 0 ? '+' : ''}${camera.clockOffsetUs / 1e6} s · ` : ''}
          {file ? `${file.fileName} (${file.codec}${file.playback === 'transcode' ? ', transcoded' : ''})` : ''}
        </span>
      </figcaption>
      <div className="camera-frame">
        <video ref={videoRef} muted playsInline aria-label={`Video of ${camera.name}`} hidden={!file || !landed} data-footage={file ? '' : undefined} />
        {file && !landed && (
          // Shown only if the frame takes a while (CSS delay): a transcode, a slow disk.
          <p className="no-footage loading-footage" role="note">
            Loading {file.fileName}…
          </p>
        )}
        {!file && (
          <p className="no-footage" role="note">
            No footage at this time
            {state.timeUs !== null ? ` (${microsToIso(state.timeUs)})` : ''}
          </p>
        )}
      </div>
      <div className="row">
        <button type="button" onClick={saveStill} disabled={!file} aria-label={`Save still of ${camera.name}`}>
          Save still
        </button>
        {message && <span className="muted" role="status">{message}</span>}
      </div>
    </figure>
  )
}
