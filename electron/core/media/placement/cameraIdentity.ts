// Which camera a file came from, guessed from its name, its folders and its metadata tags,
// with the source of the guess recorded. The key is a stable normalisation so that every
// file of one camera lands in one group (one track); the investigator can rename or merge.
import { placeFromFileName, type Confidence, type FileNameResult } from './fileNamePatterns'

export type CameraSource = 'file-name' | 'folder' | 'metadata' | 'fallback'

export interface CameraGuess {
  /** Stable grouping key, e.g. `ip:192.168.1.11/ch2`, `name:front-door`, `canon:0123456789abcdef`. */
  key: string
  displayName: string
  source: CameraSource
  /** What exactly the guess rests on, e.g. `folder "Camera 3"`, `metadata tag title`. */
  sourceDetail: string
  confidence: Confidence
  channel: number | null
  address: string | null
}

export interface CameraIdentity extends CameraGuess {
  /** Every other reading, best first, for the edit dialog. */
  alternatives: CameraGuess[]
}

export interface CameraIdentityInput {
  path: string
  /** The file-name reading, when already made. */
  fileName?: FileNameResult
  /** Container tags as ffprobe lists them (format and stream tags), keys any case. */
  metadata?: Record<string, string | null | undefined>
}

const CONFIDENCE_RANK: Record<Confidence, number> = { high: 0, medium: 1, low: 2 }

/** Lower-case, NFKC, separators folded to "-", nothing but letters, digits and "-". */
export function normaliseCameraName(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
}

function canonicalIp(text: string): string | null {
  const parts = text.split(/[.-]/)
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null
  return parts.map((p) => String(Number(p))).join('.')
}

const GENERIC_FOLDER =
  /^(?:\d+|\d{4}-\d{2}-\d{2}|dav|jpg|mp4|idx|videos?|records?|recordings?|exports?|media|footage|cctv|clips?|backups?|mnt|sd|sdcard|dvr|tmp|temp|ftp|dcim|evidence|files?|data|datadir\d*|mmcblk\w*|hikws|private|users?|home|volumes)$/i

function isGeneric(folder: string): boolean {
  return GENERIC_FOLDER.test(folder.trim()) || normaliseCameraName(folder) === ''
}

/** The nearest folder at or above `from` that names something (not a date, hour, or storage word). */
function scopeAbove(folders: string[], from: number): string | null {
  for (let i = from; i < folders.length && i < from + 4; i++) {
    if (!isGeneric(folders[i]!)) return folders[i]!
  }
  return null
}

function channelKey(channel: number, scope: string | null, prefix = 'channel'): string {
  return scope ? `${prefix}:${normaliseCameraName(scope)}/ch${channel}` : `${prefix}:ch${channel}`
}

function fromFileName(r: FileNameResult, folders: string[]): CameraGuess[] {
  if (r.status !== 'matched') return []
  const out: CameraGuess[] = []
  const detail = `file name pattern ${r.patternId}`
  const cam = r.camera
  if (cam?.address) {
    const ip = canonicalIp(cam.address) ?? cam.address
    const ch = cam.channel ?? null
    out.push({
      key: `ip:${ip}${ch !== null ? `/ch${ch}` : ''}`,
      displayName: `${ip}${ch !== null ? ` CH${ch}` : ''}`,
      source: 'file-name',
      sourceDetail: detail,
      confidence: 'high',
      channel: ch,
      address: ip
    })
  } else if (cam?.id) {
    out.push({ key: `canon:${cam.id.toLowerCase()}`, displayName: `Canon camera ${cam.id}`, source: 'file-name', sourceDetail: detail, confidence: 'high', channel: null, address: null })
  } else if (cam?.name && cam.channel === undefined) {
    out.push({ key: `name:${normaliseCameraName(cam.name)}`, displayName: cam.name, source: 'file-name', sourceDetail: detail, confidence: 'high', channel: null, address: null })
  } else if (cam?.channel !== undefined) {
    const scope = scopeAbove(folders, 0)
    out.push({
      key: channelKey(cam.channel, scope),
      displayName: `${scope ? `${scope} ` : ''}channel ${cam.channel}`,
      source: 'file-name',
      sourceDetail: `${detail}${scope ? `; recorder from folder "${scope}"` : ''}`,
      confidence: scope ? 'medium' : 'low',
      channel: cam.channel,
      address: null
    })
  }
  return out
}

function fromFolders(folders: string[]): CameraGuess[] {
  const out: CameraGuess[] = []
  folders.forEach((raw, i) => {
    if (i > 6) return
    const f = raw.trim()
    const ipCh = /^((?:\d{1,3}[.-]){3}\d{1,3})(?:[_ -]+(?:ch|channel)[\s_-]*0*(\d{1,3}))?$/i.exec(f)
    const ip = ipCh ? canonicalIp(ipCh[1]!) : null
    if (ipCh && ip) {
      const ch = ipCh[2] !== undefined ? Number(ipCh[2]) : null
      out.push({ key: `ip:${ip}${ch !== null ? `/ch${ch}` : ''}`, displayName: `${ip}${ch !== null ? ` CH${ch}` : ''}`, source: 'folder', sourceDetail: `folder "${f}"`, confidence: 'medium', channel: ch, address: ip })
      return
    }
    const ch = /^(?:ch|chan|channel)[\s_-]*0*(\d{1,3})$/i.exec(f)
    if (ch) {
      const n = Number(ch[1])
      const scope = scopeAbove(folders, i + 1)
      out.push({
        key: channelKey(n, scope),
        displayName: `${scope ? `${scope} ` : ''}channel ${n}`,
        source: 'folder',
        sourceDetail: `channel folder "${f}"${scope ? ` under "${scope}"` : ''}`,
        confidence: 'medium',
        channel: n,
        address: null
      })
      return
    }
    const cam = /^(?:cam|camera|kamera|cámara|caméra)[\s_-]*0*(\d{1,3})$/i.exec(f)
    if (cam) {
      const n = Number(cam[1])
      out.push({ key: `name:camera-${n}`, displayName: `Camera ${n}`, source: 'folder', sourceDetail: `camera folder "${f}"`, confidence: 'medium', channel: n, address: null })
      return
    }
    const named = /^(?:cam|camera)[\s_-]+(.*\p{L}.*)$/iu.exec(f)
    if (named) {
      out.push({ key: `name:${normaliseCameraName(f)}`, displayName: f, source: 'folder', sourceDetail: `camera folder "${f}"`, confidence: 'medium', channel: null, address: null })
      return
    }
    // Dahua: <date>/<NNN>/dav/...: the three-digit folder under the date, read as a channel.
    if (/^\d{3}$/.test(f) && /^\d{4}-\d{2}-\d{2}$/.test(folders[i + 1] ?? '') && folders.slice(0, i).some((x) => x.toLowerCase() === 'dav')) {
      const n = Number(f)
      const scope = scopeAbove(folders, i + 2)
      out.push({
        key: channelKey(n, scope, 'dahua'),
        displayName: `${scope ?? 'Dahua recorder'} channel ${n}`,
        source: 'folder',
        sourceDetail: `Dahua record folder "${f}" under a date folder (read as channel ${n})${scope ? `, recorder or card folder "${scope}"` : ''}`,
        confidence: 'low',
        channel: n,
        address: null
      })
    }
  })
  return out
}

/** Tag values that name software or a vendor, not a camera. */
const SOFTWARE = /^(?:lavf|lavc|handbrake|x264|x265|libx26|ffmpeg|isomedia|gpac|mp4box|hik|hikvision|dahua|video|mainconcept|apple|core media|google)/i

function fromMetadata(metadata: Record<string, string | null | undefined>): CameraGuess[] {
  const tags = new Map(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), (v ?? '').trim()]))
  const out: CameraGuess[] = []
  const named = (tag: string, confidence: Confidence, maxLength: number) => {
    const v = tags.get(tag)
    if (!v || v.length > maxLength || SOFTWARE.test(v) || /^\d[\d\s:./-]*$/.test(v) || normaliseCameraName(v) === '') return
    out.push({ key: `name:${normaliseCameraName(v)}`, displayName: v, source: 'metadata', sourceDetail: `metadata tag ${tag}`, confidence, channel: null, address: null })
  }
  named('title', 'medium', 80)
  named('comment', 'low', 64)
  const model = tags.get('com.apple.quicktime.model')
  if (model) {
    const make = tags.get('com.apple.quicktime.make')
    const shown = make && !model.toLowerCase().startsWith(make.toLowerCase()) ? `${make} ${model}` : model
    out.push({
      key: `model:${normaliseCameraName(shown)}`,
      displayName: shown,
      source: 'metadata',
      sourceDetail: 'metadata tag com.apple.quicktime.model (a device model: several devices may share it)',
      confidence: 'low',
      channel: null,
      address: null
    })
  }
  const encoder = tags.get('encoder')
  if (encoder && !SOFTWARE.test(encoder) && normaliseCameraName(encoder) !== '') {
    out.push({ key: `encoder:${normaliseCameraName(encoder)}`, displayName: encoder, source: 'metadata', sourceDetail: 'metadata tag encoder', confidence: 'low', channel: null, address: null })
  }
  return out
}

/** The text before a generic date-time in the name (`ABUS_20091115_164501` → ABUS). */
function fromNamePrefix(r: FileNameResult): CameraGuess[] {
  if (r.status !== 'matched' || r.camera) return []
  const prefix = r.leftover.before.replace(/[\s_.-]+$/, '').trim()
  if (!prefix || prefix.length > 60 || /^(?:vid|video|img|mov|rec|record|recording|export|clip|alarm|motion|event)$/i.test(prefix) || normaliseCameraName(prefix) === '') return []
  return [{ key: `name:${normaliseCameraName(prefix)}`, displayName: prefix, source: 'file-name', sourceDetail: `text before the date in the file name (pattern ${r.patternId})`, confidence: 'low', channel: null, address: null }]
}

function splitPath(path: string): { fileName: string; folders: string[] } {
  const parts = path.split(/[\\/]+/).filter((p) => p.length > 0)
  const fileName = parts.pop() ?? ''
  return { fileName, folders: parts.reverse() }
}

/**
 * Best guess first: the file name's own camera fields, then folders (channel, camera, IP,
 * Dahua record folders), then metadata tags, then the text before a generic date, then
 * the nearest meaningful folder. Never empty: a file with no clue gets its own key.
 */
export function identifyCamera(input: CameraIdentityInput): CameraIdentity {
  const { fileName, folders } = splitPath(input.path)
  const name = input.fileName ?? placeFromFileName(input.path)
  const ordered = [...fromFileName(name, folders), ...fromFolders(folders), ...fromMetadata(input.metadata ?? {}), ...fromNamePrefix(name)]
  // Stable sort by confidence keeps the source order within a confidence level.
  const ranked = ordered.map((g, i) => ({ g, i })).sort((a, b) => CONFIDENCE_RANK[a.g.confidence] - CONFIDENCE_RANK[b.g.confidence] || a.i - b.i).map((x) => x.g)
  const seen = new Set<string>()
  const unique = ranked.filter((g) => (seen.has(g.key) ? false : (seen.add(g.key), true)))
  if (unique.length === 0) {
    const scope = scopeAbove(folders, 0)
    const fallback: CameraGuess = scope
      ? { key: `folder:${normaliseCameraName(scope)}`, displayName: scope, source: 'fallback', sourceDetail: `no camera named; grouped by folder "${scope}"`, confidence: 'low', channel: null, address: null }
      : { key: `file:${normaliseCameraName(fileName)}`, displayName: `Unknown camera (${fileName})`, source: 'fallback', sourceDetail: 'no camera named anywhere; a camera of its own until the investigator assigns one', confidence: 'low', channel: null, address: null }
    unique.push(fallback)
  }
  const [best, ...alternatives] = unique
  return { ...best!, alternatives }
}
