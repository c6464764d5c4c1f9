// hls.js fetches a file's index.m3u8 before anything else, but the player already holds that
// text: `video.playlist` returns it with the playlist info. The playlist loader made here
// answers from that text, so a jump into another file asks the server for its init and first
// segment one round trip sooner (10–20 ms). Any other URL goes to hls.js's own loader.
import { LoadStats, type HlsConfig, type Loader, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext, type LoaderStats, type PlaylistLoaderContext } from 'hls.js'

/** An hls.js `pLoader` that answers `url` with `text`. */
export function playlistLoaderHolding(url: string, text: string): new (config: HlsConfig) => Loader<PlaylistLoaderContext> {
  // hls.js asks for the URL made absolute.
  const held = new URL(url, location.href).href
  return class HeldPlaylistLoader implements Loader<PlaylistLoaderContext> {
    context: PlaylistLoaderContext | null = null
    private held = new LoadStats()
    private network: Loader<LoaderContext> | null = null
    private stopped = false

    constructor(private readonly hlsConfig: HlsConfig) {}

    get stats(): LoaderStats {
      return this.network?.stats ?? this.held
    }

    load(context: PlaylistLoaderContext, config: LoaderConfiguration, callbacks: LoaderCallbacks<PlaylistLoaderContext>): void {
      this.context = context
      if (new URL(context.url, location.href).href !== held) {
        this.network = new this.hlsConfig.loader(this.hlsConfig)
        this.network.load(context, config, callbacks as LoaderCallbacks<LoaderContext>)
        return
      }
      const stats = this.held
      stats.loading.start = stats.loading.first = stats.loading.end = performance.now()
      stats.loaded = stats.total = text.length
      // Answered after load() returns, as a network loader would.
      queueMicrotask(() => {
        if (!this.stopped) callbacks.onSuccess({ url: context.url, data: text }, stats, context, null)
      })
    }

    abort(): void {
      this.stopped = true
      this.network?.abort()
    }

    destroy(): void {
      this.stopped = true
      this.network?.destroy()
      this.network = null
      this.context = null
    }
  }
}
