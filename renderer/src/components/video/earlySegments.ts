// A paused jump's segment asked for the moment the cursor moves, not once hls.js gets to it.
// Between the click and hls.js's own request lie React's render, the player's effects and,
// for a jump into another file, the old buffer's flush and a new hls.js instance: 12–25 ms
// within a file, 35–46 ms into another (bench trace, 1080p H.264). `fetchEarly` starts the
// request at once; the fragment loader made here hands its bytes to hls.js when hls.js asks
// for that URL, and sends anything else (or a request that failed) to hls.js's own loader.
import { LoadStats, type HlsConfig, type Loader, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext, type LoaderStats, type FragmentLoaderContext } from 'hls.js'

/** An early fetch nobody took within this long is dropped (its bytes freed). Derived files never change, so bytes taken late are still right. */
const KEEP_MS = 10_000

interface EarlyFetch {
  /** When the request was started, and when its headers and its last byte came (performance.now()). */
  start: number
  first: number
  end: number
  /** The body, or null when the request failed (hls.js's own loader then asks again). */
  body: Promise<ArrayBuffer | null>
}

const early = new Map<string, EarlyFetch>()

const absolute = (url: string): string => new URL(url, location.href).href

/** Starts fetching `url` for hls.js to take (a URL already being fetched early is not asked twice). */
export function fetchEarly(url: string): void {
  const key = absolute(url)
  if (early.has(key)) return
  const f: EarlyFetch = { start: performance.now(), first: 0, end: 0, body: Promise.resolve(null) }
  f.body = fetch(key)
    .then(async (r) => {
      f.first = performance.now()
      if (!r.ok) return null
      const data = await r.arrayBuffer()
      f.end = performance.now()
      return data
    })
    .catch(() => null)
  early.set(key, f)
  setTimeout(() => {
    if (early.get(key) === f) early.delete(key)
  }, KEEP_MS)
}

/** Takes the early fetch of `url`, if any (each is handed out once). */
function takeEarly(url: string): EarlyFetch | null {
  const key = absolute(url)
  const f = early.get(key) ?? null
  early.delete(key)
  return f
}

/** hls.js `fLoader`: answers a fragment fetched early from its bytes, else loads it as hls.js would. */
export class EarlyFragmentLoader implements Loader<FragmentLoaderContext> {
  context: FragmentLoaderContext | null = null
  /** One object for the whole load: hls.js keeps it as the fragment's stats as soon as the loader exists. */
  stats: LoaderStats = new LoadStats()
  private network: Loader<LoaderContext> | null = null
  private callbacks: LoaderCallbacks<FragmentLoaderContext> | null = null
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly hlsConfig: HlsConfig) {}

  load(context: FragmentLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<FragmentLoaderContext>): void {
    this.context = context
    this.callbacks = callbacks
    // A byte range is not what was fetched early.
    const f = context.rangeStart || context.rangeEnd ? null : takeEarly(context.url)
    if (!f) return this.loadFromNetwork(context, config, callbacks)
    const stats = this.stats
    stats.loading.start = f.start
    if (config.timeout > 0) this.timer = setTimeout(() => this.giveUp(), Math.max(0, config.timeout - (performance.now() - f.start)))
    void f.body.then((data) => {
      if (this.callbacks !== callbacks) return // aborted, timed out or destroyed meanwhile
      clearTimeout(this.timer)
      if (!data) return this.loadFromNetwork(context, config, callbacks)
      stats.loading.first = f.first
      stats.loading.end = f.end
      stats.loaded = stats.total = data.byteLength
      this.callbacks = null
      callbacks.onSuccess({ url: context.url, data }, stats, context, null)
    })
  }

  private loadFromNetwork(context: FragmentLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<FragmentLoaderContext>): void {
    const network = new this.hlsConfig.loader(this.hlsConfig)
    // hls.js already holds this.stats as the fragment's: the network loader fills that object.
    this.stats.loading.start = 0
    network.stats = this.stats
    this.network = network
    network.load(context, config, callbacks as LoaderCallbacks<LoaderContext>)
  }

  private giveUp(): void {
    const callbacks = this.callbacks
    if (!callbacks || !this.context) return
    this.callbacks = null
    callbacks.onTimeout(this.stats, this.context, null)
  }

  abort(): void {
    clearTimeout(this.timer)
    if (this.network) return this.network.abort()
    const callbacks = this.callbacks
    this.callbacks = null
    if (callbacks && this.context) {
      this.stats.aborted = true
      callbacks.onAbort?.(this.stats, this.context, null)
    }
  }

  destroy(): void {
    clearTimeout(this.timer)
    this.callbacks = null
    this.network?.destroy()
    this.network = null
    this.context = null
  }
}
