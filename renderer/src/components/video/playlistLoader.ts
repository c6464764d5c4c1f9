// hls.js fetches a file's index.m3u8 before anything else, but the player already holds that
// text: `video.playlist` returns it with the playlist info. This playlist loader answers from
// that text, so a jump into another file asks the server for its init and first segment one
// round trip sooner (10–20 ms). A URL it does not hold goes to hls.js's own loader.
import { LoadStats, type HlsConfig, type Loader, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext, type LoaderStats, type PlaylistLoaderContext } from 'hls.js'

const texts = new Map<string, string>()

/** Remembers the text the server serves at `url` (a playlist's URL names its source's hash and plan). */
export function rememberPlaylistText(url: string, text: string): void {
  texts.set(url, text)
}

export function forgetPlaylistTexts(): void {
  texts.clear()
}

/** hls.js `pLoader`: playlists from memory when held, otherwise from the network. */
export class HeldPlaylistLoader implements Loader<PlaylistLoaderContext> {
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
    const text = texts.get(context.url)
    if (text === undefined) {
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
