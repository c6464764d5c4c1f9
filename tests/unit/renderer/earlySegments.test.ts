// The hls.js fragment loader that plays the bytes a jump fetched early (earlySegments.ts): the
// paths the e2e test cannot reach on purpose — an early fetch that failed, one aborted before
// its body came, a byte range, a URL fetched early only once — each end where hls.js expects.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LoadStats, type FragmentLoaderContext, type HlsConfig, type LoaderCallbacks, type LoaderConfiguration, type LoaderContext, type LoaderStats } from 'hls.js'
import { EarlyFragmentLoader, fetchEarly } from '../../../renderer/src/components/video/earlySegments'

const BASE = 'http://127.0.0.1:4000/media/hls/abc/remux-2/'
/** What the stub server answers, by URL: a status and a body of `bytes` zero bytes. */
let served: Map<string, { status: number; bytes: number; wait?: Promise<void> }>
let fetched: string[]

/** hls.js's own loader, as far as the early loader uses it: records what it was asked for. */
class NetworkLoader {
  static made: NetworkLoader[] = []
  stats: LoaderStats = new LoadStats()
  context: LoaderContext | null = null
  constructor() {
    NetworkLoader.made.push(this)
  }
  load(context: LoaderContext, _config: LoaderConfiguration, callbacks: LoaderCallbacks<LoaderContext>): void {
    // As hls.js's loaders do (BaseLoader.load).
    if (this.stats.loading.start) throw new Error('Loader can only be used once.')
    this.context = context
    this.stats.loading.start = 1
    callbacks.onSuccess({ url: context.url, data: new ArrayBuffer(3) }, this.stats, context, null)
  }
  abort(): void {}
  destroy(): void {}
}

const hlsConfig = { loader: NetworkLoader } as unknown as HlsConfig
const loaderConfig: LoaderConfiguration = { loadPolicy: { maxTimeToFirstByteMs: 8000, maxLoadTimeMs: 20000, timeoutRetry: null, errorRetry: null }, timeout: 20000, maxRetry: 0, retryDelay: 0, maxRetryDelay: 0 }
const context = (name: string, range?: [number, number]): FragmentLoaderContext =>
  ({ url: `${BASE}${name}`, responseType: 'arraybuffer', rangeStart: range?.[0], rangeEnd: range?.[1], frag: {}, part: null }) as unknown as FragmentLoaderContext

/** Loads `name` through a new early loader; resolves with what hls.js was told. */
function load(name: string, range?: [number, number]): { loader: EarlyFragmentLoader; outcome: Promise<{ kind: string; bytes?: number; stats: LoaderStats }> } {
  const loader = new EarlyFragmentLoader(hlsConfig)
  const outcome = new Promise<{ kind: string; bytes?: number; stats: LoaderStats }>((resolve) => {
    loader.load(context(name, range), loaderConfig, {
      onSuccess: (r, stats) => resolve({ kind: 'success', bytes: (r.data as ArrayBuffer).byteLength, stats }),
      onError: (_e, _c, _n, stats) => resolve({ kind: 'error', stats }),
      onTimeout: (stats) => resolve({ kind: 'timeout', stats }),
      onAbort: (stats) => resolve({ kind: 'abort', stats })
    })
  })
  return { loader, outcome }
}

beforeEach(() => {
  served = new Map()
  fetched = []
  NetworkLoader.made = []
  vi.stubGlobal('location', { href: 'http://127.0.0.1:4000/?token=x' })
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url)
    const s = served.get(url) ?? { status: 404, bytes: 0 }
    await s.wait
    return new Response(new ArrayBuffer(s.bytes), { status: s.status })
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('EarlyFragmentLoader', () => {
  it('hands hls.js the bytes fetched early, with their timings, and fetches nothing more', async () => {
    served.set(`${BASE}seg1.m4s`, { status: 200, bytes: 1000 })
    fetchEarly('/media/hls/abc/remux-2/seg1.m4s')
    fetchEarly(`${BASE}seg1.m4s`) // the same URL again: not asked twice
    const { loader, outcome } = load('seg1.m4s')
    const r = await outcome
    expect(r.kind).toBe('success')
    expect(r.bytes).toBe(1000)
    // hls.js holds loader.stats as the fragment's stats from the start: the same object, filled in.
    expect(r.stats).toBe(loader.stats)
    expect(r.stats.loaded).toBe(1000)
    expect(r.stats.loading.start).toBeGreaterThan(0)
    expect(r.stats.loading.end).toBeGreaterThanOrEqual(r.stats.loading.first)
    expect(r.stats.loading.first).toBeGreaterThanOrEqual(r.stats.loading.start)
    expect(fetched).toEqual([`${BASE}seg1.m4s`])
    expect(NetworkLoader.made).toHaveLength(0)
  })

  it('an early fetch that failed is asked again by hls.js’s own loader, which fills the same stats', async () => {
    served.set(`${BASE}seg2.m4s`, { status: 500, bytes: 0 })
    fetchEarly(`${BASE}seg2.m4s`)
    const { loader, outcome } = load('seg2.m4s')
    const r = await outcome
    expect(r.kind).toBe('success')
    expect(NetworkLoader.made).toHaveLength(1)
    expect(NetworkLoader.made[0]!.context?.url).toBe(`${BASE}seg2.m4s`)
    expect(NetworkLoader.made[0]!.stats).toBe(loader.stats)
  })

  it('a URL not fetched early, a byte range, or an early fetch already taken goes to hls.js’s own loader', async () => {
    served.set(`${BASE}seg3.m4s`, { status: 200, bytes: 10 })
    fetchEarly(`${BASE}seg3.m4s`)
    expect((await load('seg3.m4s', [0, 4]).outcome).kind).toBe('success') // a range: not the early bytes
    expect(NetworkLoader.made).toHaveLength(1)
    expect((await load('seg3.m4s').outcome).bytes).toBe(10) // the early bytes, once
    expect((await load('seg3.m4s').outcome).bytes).toBe(3) // taken already: the network
    expect((await load('seg4.m4s').outcome).bytes).toBe(3)
    expect(NetworkLoader.made).toHaveLength(3)
  })

  it('aborted before the body came, it tells hls.js so and never reports success', async () => {
    let release = (): void => undefined
    served.set(`${BASE}seg5.m4s`, { status: 200, bytes: 10, wait: new Promise<void>((r) => (release = r)) })
    fetchEarly(`${BASE}seg5.m4s`)
    const { loader, outcome } = load('seg5.m4s')
    const told: string[] = []
    void outcome.then((r) => told.push(r.kind))
    loader.abort()
    release()
    await new Promise((r) => setTimeout(r, 20))
    expect(told).toEqual(['abort'])
    expect(loader.stats.aborted).toBe(true)
    expect(NetworkLoader.made).toHaveLength(0)
  })
})
