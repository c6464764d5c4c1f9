// The camera grid on the timeline screen: up to four cameras following the shared cursor,
// with play/pause, a playback rate (0.25× to 16×), frame steps, jumps of 5 and 30 s and a
// "go to" time. The cursor's time is read off the timeline's one "Cursor time" readout (the
// grid has none of its own). Up to 2× the first shown camera with footage at the cursor
// leads playback (moves the cursor from the frames it presents, so the cursor waits for
// footage that is still loading); faster, and with no footage anywhere, a clock moves the
// cursor at the chosen rate and every camera follows it (re-seeking when it falls behind):
// a browser may drop frames or stall at 8× or 16×, the shared clock must not. When an event is picked in the event list, the grid shows the
// cameras associated with its door (door_camera: confirmed or suggested).
import { useCallback, useEffect, useRef, useState, useSyncExternalStore, type FormEvent } from 'react'
import type { CameraInfo, DoorCamera } from '@shared/contracts/video'
import { isoToMicros } from '@shared/time'
import { api } from '../../api/client'
import { errorMessage } from '../ErrorBanner'
import { cursor, RATES, useCursor } from '../../state/cursorStore'
import { CameraPlayer, clockDriven, fileAt, filesAround } from './CameraPlayer'
import { cancelPrefetch, forgetPlaylists, playlistInfo, prefetchSegments, segmentUrlAt } from './mediaPrefetch'

const MAX_CAMERAS = 4
const SHORT_JUMP_US = 5_000_000
const LONG_JUMP_US = 30_000_000
/**
 * The cursor rests this long (paused), and every camera shows its frame, before the grid
 * prefetches around it: a prefetch run beside the decoding of the jumped-to frame slowed
 * that frame by a few hundred ms on two cores (measured).
 */
const PREFETCH_AFTER_MS = 300
/** Gives up waiting for the cameras to show their frames after this long. */
const PREFETCH_WAIT_MAX_MS = 5000
/** localStorage key that turns prefetching off (the paint benchmark's A/B switch). */
export const PREFETCH_SWITCH = 'iwb.videoPrefetch'

/**
 * Where the next jump may go, per camera shown: ±30 s from the cursor (the long-jump buttons)
 * and the edges of the files before and after the one at the cursor (playing or stepping on).
 * ±5 s and frame steps are covered by the server making a remuxed segment's neighbours.
 */
export function prefetchInstants(camera: CameraInfo, us: number): number[] {
  const at = fileAt(camera, us)
  const out = [us + LONG_JUMP_US, us - LONG_JUMP_US]
  if (at?.endUs != null) {
    const next = camera.files.filter((f) => f.startUs !== null && f.startUs >= at.endUs!).sort((a, b) => a.startUs! - b.startUs!)[0]
    if (next) out.push(next.startUs!)
  }
  if (at?.startUs != null) {
    const prev = camera.files.filter((f) => f.endUs !== null && f.endUs <= at.startUs!).sort((a, b) => b.endUs! - a.endUs!)[0]
    if (prev) out.push(prev.endUs! - 1)
  }
  return out
}

/** Playlist infos asked for ahead, per shown camera: the files nearest the cursor. */
const PLAYLISTS_AROUND = 8

/** An event picked in the event list: its door decides which cameras are shown. */
export interface CameraFocus {
  location: string | null
  /** Changes with every pick (the same door picked twice still re-selects its cameras). */
  seq: number
}

// The last event picked (timeline event list or Events view), kept outside React so the
// grid applies it when it mounts too (picking in the Events view, then opening the timeline).
let focusState: CameraFocus | null = null
const focusListeners = new Set<() => void>()
/** Shows the cameras of this event's door in the grid (and keeps them until the next pick). */
export function focusEventCameras(location: string | null): void {
  focusState = { location, seq: (focusState?.seq ?? 0) + 1 }
  for (const l of focusListeners) l()
}
function useCameraFocus(): CameraFocus | null {
  return useSyncExternalStore(
    (l) => {
      focusListeners.add(l)
      return () => focusListeners.delete(l)
    },
    () => focusState
  )
}

/** Cameras associated with a door (confirmed or suggested), in the order listed. */
export function camerasForDoor(doors: DoorCamera[], door: string): number[] {
  return doors.filter((d) => d.door === door && d.cameraId !== null && d.status !== 'none').map((d) => d.cameraId!)
}

export function CameraGrid(props: { onError?: (m: string) => void }) {
  const onError = props.onError ?? ((m: string) => console.error(m))
  const [cameras, setCameras] = useState<CameraInfo[]>([])
  const [shown, setShown] = useState<number[] | null>(null)
  const [goTo, setGoTo] = useState('')
  const [doorNote, setDoorNote] = useState<string | null>(null)
  const state = useCursor()

  const refresh = useCallback(() => {
    api().call('cameras.list', {}).then(setCameras, (e: unknown) => onError(errorMessage(e)))
  }, [])
  useEffect(() => {
    refresh()
    return api().onEvent((e) => {
      if (e.type === 'case.changed') {
        forgetPlaylists()
        refresh()
      }
    })
  }, [refresh])

  // An event picked: show the cameras of its door. A door with no association yet gets the
  // name-match suggestions the Cameras view applies (status "suggested", with custody).
  const focus = useCameraFocus()
  useEffect(() => {
    if (!focus?.location) return
    const door = focus.location
    let cancelled = false
    void (async () => {
      try {
        let doors = await api().call('doorCameras.list', {})
        if (camerasForDoor(doors, door).length === 0 && !doors.some((d) => d.door === door && d.status === 'confirmed')) doors = await api().call('doorCameras.suggest', {})
        if (cancelled) return
        const ids = camerasForDoor(doors, door)
        const names = doors.filter((d) => d.door === door && d.cameraId !== null).map((d) => `${d.cameraName ?? `#${d.cameraId}`}${d.status === 'suggested' ? ' (suggested)' : ''}`)
        if (ids.length) setShown(ids.slice(0, MAX_CAMERAS))
        setDoorNote(ids.length ? `${door}: ${names.join(', ')}` : `${door}: no camera associated (Cameras view → Doors and cameras)`)
      } catch (e) {
        if (!cancelled) onError(errorMessage(e))
      }
    })()
    return () => {
      cancelled = true
    }
  }, [focus?.seq])

  const placed = cameras.filter((c) => c.files.some((f) => f.startUs !== null))
  const visible = (shown ?? placed.slice(0, MAX_CAMERAS).map((c) => c.id)).map((id) => cameras.find((c) => c.id === id)).filter((c): c is CameraInfo => !!c)
  const leadId = state.timeUs !== null ? (visible.find((c) => fileAt(c, state.timeUs!) !== null)?.id ?? null) : null

  // No camera has footage at the cursor, or the rate is above what a camera reliably plays:
  // a clock moves the cursor (performance.now, so it keeps the chosen rate exactly).
  useEffect(() => {
    if (state.rate === 0 || (leadId !== null && state.rate > 0 && !clockDriven(state.rate))) return
    let last = performance.now()
    let handle = 0
    const step = (now: number): void => {
      const s = cursor.get()
      if (s.timeUs !== null) cursor.setTime(s.timeUs + (now - last) * 1000 * s.rate, s.rate > 0 ? 'video' : 'keyboard')
      last = now
      handle = requestAnimationFrame(step)
    }
    handle = requestAnimationFrame(step)
    return () => cancelAnimationFrame(handle)
  }, [state.rate, leadId])

  // Paused with the cursor at rest: fetch the playlists of the files a jump may reach next
  // and have their remuxed segments made (a cheap -c copy; transcoded files are not
  // prefetched: a transcode costs seconds of CPU). Moving the cursor or closing cancels.
  const prefetchOwner = useRef({})
  const gridRef = useRef<HTMLElement>(null)
  const visibleKey = visible.map((c) => c.id).join(',')
  useEffect(() => {
    const owner = prefetchOwner.current
    cancelPrefetch(owner)
    if (state.rate !== 0 || state.timeUs === null || localStorage.getItem(PREFETCH_SWITCH) === 'off') return
    const us = state.timeUs
    let cancelled = false
    const waitUntil = performance.now() + PREFETCH_WAIT_MAX_MS
    const allShown = (): boolean => [...(gridRef.current?.querySelectorAll('video[data-footage]') ?? [])].every((v) => (v as HTMLVideoElement).dataset.shownUs === String(us))
    let timer: ReturnType<typeof setTimeout>
    const start = (): void => {
      if (cancelled) return
      if (!allShown() && performance.now() < waitUntil) {
        timer = setTimeout(start, 50)
        return
      }
      void (async () => {
        const urls: string[] = []
        for (const camera of visible) {
          for (const t of prefetchInstants(camera, us)) {
            const f = fileAt(camera, t)
            if (!f || f.playback !== 'remux') continue
            const url = await playlistInfo(f.id)
              .then((p) => segmentUrlAt(p, t))
              .catch(() => null)
            if (url) urls.push(url)
          }
        }
        if (!cancelled) prefetchSegments(owner, urls)
      })()
    }
    timer = setTimeout(start, PREFETCH_AFTER_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
      cancelPrefetch(owner)
    }
  }, [state.timeUs, state.rate, visibleKey, cameras])

  // With the cursor at rest, the playlist infos of the files nearest it on each shown camera
  // (whatever the prefetch switch: they make nothing on the server): a jump into one of them
  // then starts with its segment request instead of two round trips for its playlist.
  useEffect(() => {
    if (state.rate !== 0 || state.timeUs === null) return
    const us = state.timeUs
    const timer = setTimeout(() => {
      for (const camera of visible) for (const f of filesAround(camera, us, PLAYLISTS_AROUND)) playlistInfo(f.id).catch(() => undefined)
    }, PREFETCH_AFTER_MS)
    return () => clearTimeout(timer)
  }, [state.timeUs, state.rate, visibleKey, cameras])

  if (placed.length === 0) return null

  const toggle = (id: number): void => {
    const ids = visible.map((c) => c.id)
    setShown(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-MAX_CAMERAS))
  }
  const submitGoTo = (e: FormEvent): void => {
    e.preventDefault()
    const us = isoToMicros(goTo.trim())
    if (us === null) return onError(`"${goTo}" is not a time: write ISO 8601 UTC such as 2024-03-05T14:30:01.500Z.`)
    cursor.pause()
    cursor.setTime(us, 'keyboard')
  }
  const first = placed.flatMap((c) => c.files).find((f) => f.startUs !== null)
  // The scrubber spans the footage of the cameras shown; dragging it moves the cursor like the timeline does.
  const starts = visible.map((c) => c.track.startUs).filter((x): x is number => x !== null)
  const ends = visible.map((c) => c.track.endUs).filter((x): x is number => x !== null)
  const span = starts.length ? { from: Math.min(...starts), to: Math.max(...ends) } : null

  return (
    <section className="card camera-grid" aria-label="Video" ref={gridRef}>
      <div className="toolbar">
        <button type="button" onClick={() => (state.timeUs === null && first?.startUs != null ? cursor.setTime(first.startUs, 'keyboard') : cursor.togglePlay())} aria-label={state.rate === 0 ? 'Play' : 'Pause'}>
          {state.rate === 0 ? '▶ Play' : '❚❚ Pause'}
        </button>
        <label>
          Rate
          <select aria-label="Playback rate" value={state.speed} onChange={(e) => cursor.setSpeed(Number(e.target.value))} title="Playback rate (J / L step through it)">
            {RATES.map((r) => (
              <option key={r} value={r}>
                {r}×
              </option>
            ))}
          </select>
        </label>
        {state.rate < 0 && (
          <span className="muted" role="status" aria-label="Playing backward">
            ◀◀ backward
          </span>
        )}
        <button type="button" onClick={() => cursor.nudge(-LONG_JUMP_US)} aria-label="Back 30 seconds" title="Back 30 s (Ctrl+Shift+←)" disabled={state.timeUs === null}>
          −30 s
        </button>
        <button type="button" onClick={() => cursor.nudge(-SHORT_JUMP_US)} aria-label="Back 5 seconds" title="Back 5 s (Shift+←)" disabled={state.timeUs === null}>
          −5 s
        </button>
        <button type="button" onClick={() => cursor.stepFrames(-1)} aria-label="Previous frame" title="Previous frame (←)" disabled={state.timeUs === null}>
          ◀|
        </button>
        <button type="button" onClick={() => cursor.stepFrames(1)} aria-label="Next frame" title="Next frame (→)" disabled={state.timeUs === null}>
          |▶
        </button>
        <button type="button" onClick={() => cursor.nudge(SHORT_JUMP_US)} aria-label="Forward 5 seconds" title="Forward 5 s (Shift+→)" disabled={state.timeUs === null}>
          +5 s
        </button>
        <button type="button" onClick={() => cursor.nudge(LONG_JUMP_US)} aria-label="Forward 30 seconds" title="Forward 30 s (Ctrl+Shift+→)" disabled={state.timeUs === null}>
          +30 s
        </button>
        <form onSubmit={submitGoTo} className="row">
          <label>
            Go to time (UTC)
            <input value={goTo} onChange={(e) => setGoTo(e.target.value)} placeholder="2024-03-05T14:30:01.500Z" aria-label="Go to time" />
          </label>
          <button type="submit">Go</button>
        </form>
        {doorNote && (
          <span className="muted" role="status" aria-label="Cameras for the event's door">
            {doorNote}
          </span>
        )}
      </div>
      {span && (
        <input
          type="range"
          className="scrubber"
          aria-label="Scrub footage"
          min={span.from}
          max={span.to}
          step={state.frameUs}
          value={Math.min(Math.max(state.timeUs ?? span.from, span.from), span.to)}
          onChange={(e) => cursor.setTime(Number(e.target.value), 'timeline')}
        />
      )}
      <fieldset className="row">
        <legend>Cameras shown (up to {MAX_CAMERAS})</legend>
        {placed.map((c) => (
          <label key={c.id}>
            <input type="checkbox" checked={visible.some((v) => v.id === c.id)} onChange={() => toggle(c.id)} /> {c.name}
          </label>
        ))}
      </fieldset>
      <div className="camera-tiles">
        {visible.map((c) => (
          <CameraPlayer key={c.id} camera={c} lead={c.id === leadId} onError={onError} />
        ))}
      </div>
    </section>
  )
}
