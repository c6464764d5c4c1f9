// The one wall-clock cursor shared by the timeline, the event list and every open camera.
// A tiny external store (useSyncExternalStore) rather than React context, so a camera
// element can update the cursor 30 times a second without re-rendering the whole app.
//
// Who moves it: the timeline (click, drag, keyboard), the event list (clicking an event),
// and the camera grid while it plays (origin 'video'). Cameras seek when the cursor moves
// from anywhere else; when it moves because they are playing they do not seek again.
import { useSyncExternalStore } from 'react'

export type CursorOrigin = 'timeline' | 'list' | 'keyboard' | 'video' | 'finding' | 'init'

/** The playback rates offered (the "Playback rate" menu and the J/L shuttle steps). */
export const RATES = [0.25, 0.5, 1, 2, 4, 8, 16] as const
/** Chromium refuses a <video> playbackRate above 16. */
const MAX_RATE = 16

export interface CursorState {
  /** Wall-clock cursor time, UTC microseconds; null before a case with events is shown. */
  timeUs: number | null
  origin: CursorOrigin
  /** Playback rate: 0 when paused; negative for reverse shuttle (J), 1, 2, 4… (L). */
  rate: number
  /** The chosen speed (one of RATES): what Play plays at, and what the "Playback rate" menu shows. */
  speed: number
  /** Duration of one video frame in microseconds, as reported by the focused camera (default 1/30 s). */
  frameUs: number
}

type Listener = () => void

class CursorStore {
  private state: CursorState = { timeUs: null, origin: 'init', rate: 0, speed: 1, frameUs: 1_000_000 / 30 }
  private readonly listeners = new Set<Listener>()

  get = (): CursorState => this.state

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private set(patch: Partial<CursorState>): void {
    this.state = { ...this.state, ...patch }
    for (const l of this.listeners) l()
  }

  setTime(timeUs: number | null, origin: CursorOrigin): void {
    if (timeUs === this.state.timeUs && origin === this.state.origin) return
    this.set({ timeUs, origin })
  }

  /** Moves the cursor by `deltaUs` (keyboard: ±1 frame, ±5 s). Pauses playback. */
  nudge(deltaUs: number): void {
    if (this.state.timeUs === null) return
    this.set({ timeUs: this.state.timeUs + deltaUs, origin: 'keyboard', rate: 0 })
  }

  stepFrames(frames: number): void {
    this.nudge(frames * this.state.frameUs)
  }

  setFrameDuration(frameUs: number): void {
    if (frameUs > 0 && Number.isFinite(frameUs)) this.set({ frameUs })
  }

  play(rate = this.state.speed): void {
    this.set({ rate, speed: Math.abs(rate) || this.state.speed })
  }

  pause(): void {
    this.set({ rate: 0 })
  }

  togglePlay(): void {
    this.set({ rate: this.state.rate === 0 ? this.state.speed : 0 })
  }

  /** The "Playback rate" menu: changes the speed, and the rate at once when playing (keeping its direction). */
  setSpeed(speed: number): void {
    if (!(RATES as readonly number[]).includes(speed)) return
    const r = this.state.rate
    this.set({ speed, rate: r === 0 ? 0 : Math.sign(r) * speed })
  }

  /** J/K/L as in video-review tools: L speeds forward (1, 2, 4, 8, 16×), J backward, K stops. */
  shuttle(key: 'j' | 'k' | 'l'): void {
    const r = this.state.rate
    if (key === 'k') return this.pause()
    const rate = key === 'l' ? (r <= 0 ? 1 : Math.min(r * 2, MAX_RATE)) : r >= 0 ? -1 : Math.max(r * 2, -MAX_RATE)
    // The menu shows the shuttle's speed: one control, one truth.
    this.set({ rate, speed: Math.abs(rate) })
  }
}

export const cursor = new CursorStore()

export function useCursor(): CursorState {
  return useSyncExternalStore(cursor.subscribe, cursor.get, cursor.get)
}
