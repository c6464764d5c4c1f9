// What the camera players fetch before a jump needs it: each file's playlist info (one
// `video.playlist` call per file, shared; it carries the index.m3u8 text, which hls.js then
// reads from memory and the grid reads segment boundaries from), and — remuxed H.264 only,
// where a run is a cheap copy — segments made ahead on the server by a HEAD request (the
// server's prefetch lane: one run at a time; a HEAD for a segment already made costs
// nothing). Prefetches run one at a time for the whole grid, newest wishes first; a camera
// that closes or whose cursor moved cancels the ones it queued.
import type { PlaylistInfo } from '@shared/contracts/video'
import { api } from '../../api/client'

const playlists = new Map<number, Promise<PlaylistInfo>>()
/** The same, once arrived: read in the event that moved the cursor, where there is no waiting. */
const arrived = new Map<number, PlaylistInfo>()

/** The playlist info of a file, asked for once (a failed ask is forgotten, so it is retried). */
export function playlistInfo(fileId: number): Promise<PlaylistInfo> {
  const known = playlists.get(fileId)
  if (known) return known
  const asked = api().call('video.playlist', { fileId })
  playlists.set(fileId, asked)
  asked.then(
    (info) => {
      if (playlists.get(fileId) === asked) arrived.set(fileId, info)
    },
    () => playlists.delete(fileId)
  )
  return asked
}

/** The playlist info of a file if it has already arrived. */
export function playlistInfoNow(fileId: number): PlaylistInfo | null {
  return arrived.get(fileId) ?? null
}

/** Forgets cached playlists and made segments (a case change can re-place files; another case has its own derived/). */
export function forgetPlaylists(): void {
  playlists.clear()
  arrived.clear()
  boundaries.clear()
  done.clear()
}

const boundaries = new Map<string, number[]>()

/** Start of each segment in seconds from the file's first frame, from the playlist's EXTINF lines. */
function segmentStarts(playlist: PlaylistInfo): number[] {
  let starts = boundaries.get(playlist.url)
  if (!starts) {
    starts = []
    let t = 0
    for (const line of playlist.m3u8.split('\n')) {
      const m = /^#EXTINF:([0-9.]+),/.exec(line)
      if (m) {
        starts.push(t)
        t += Number(m[1])
      }
    }
    boundaries.set(playlist.url, starts)
  }
  return starts
}

/** The URL of a file's init segment (its playlist's EXT-X-MAP). */
export function initUrlOf(playlist: PlaylistInfo): string {
  return playlist.url.replace(/index\.m3u8$/, 'init.mp4')
}

/** The segment URL holding `us` in a file (null outside it). */
export function segmentUrlAt(playlist: PlaylistInfo, us: number): string | null {
  const s = (us - playlist.startUs) / 1e6
  if (s < 0 || us >= playlist.startUs + playlist.durationUs) return null
  const starts = segmentStarts(playlist)
  let i = 0
  while (i + 1 < starts.length && starts[i + 1]! <= s + 1e-6) i++
  return playlist.url.replace(/index\.m3u8$/, `seg${i}.m4s`)
}

interface Wish {
  owner: object
  url: string
}

const queue: Wish[] = []
const done = new Set<string>()
let running = false

/** Queues HEAD requests for these segment URLs on behalf of `owner` (replacing what it queued before). */
export function prefetchSegments(owner: object, urls: string[]): void {
  cancelPrefetch(owner)
  for (const url of urls) if (!done.has(url) && !queue.some((w) => w.url === url)) queue.push({ owner, url })
  void pump()
}

/** Drops what `owner` queued (a run already started on the server finishes: it is short). */
export function cancelPrefetch(owner: object): void {
  for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.owner === owner) queue.splice(i, 1)
}

async function pump(): Promise<void> {
  if (running) return
  running = true
  try {
    for (let w = queue.shift(); w; w = queue.shift()) {
      const r = await fetch(w.url, { method: 'HEAD' }).catch(() => null)
      // 503: the server's lane is busy (another window); the wish is dropped, not retried in a loop.
      if (r?.ok) done.add(w.url)
    }
  } finally {
    running = false
  }
}
