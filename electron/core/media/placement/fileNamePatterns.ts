// Start times read from NVR / camera file names. One table, tried in order: vendor patterns
// first (they are specific), generic date-time shapes after, and last the shapes we refuse
// to read because they are ambiguous (two-digit years, day/month order). A name yields
// wall-clock fields as printed, never UTC: the caller resolves them with the camera's zone
// (or reads them as UTC when the pattern says the vendor writes GMT).
// Sources: docs/FORMATS.md "NVR / CCTV footage"; Brickcom FAQ id=106; Canon VK-64/VB-C60
// manuals ("Files to Make a Backup": file names carry GMT); UniFi Protect UI names as quoted in
// danielfernau/unifi-protect-video-downloader#14; Dahua paths seen in public code (SD card
// `YYYY-MM-DD/001/dav/HH/`, NVR `/mnt/dvr/YYYY-MM-DD/0/dav/HH/...`) and ffmpeg's dhav demuxer.
import { addDays, formatOffsetMinutes, formatWallClock, isValidWallClock, wallClock, wallClockAsIfUtcUs, type WallClock } from './wallClock'

export type NameClock = 'camera-local' | 'utc' | 'fixed-offset'
export type Confidence = 'high' | 'medium' | 'low'

/** What the name says about the camera, when it says anything. */
export interface NameCamera {
  name?: string
  /** Vendor camera id (Canon's 16-character id). */
  id?: string
  /** IP address as printed (Brickcom). */
  address?: string
  channel?: number
  /** main / sub stream (Dahua exports). */
  stream?: string
}

export interface PatternYields {
  /** Where the date comes from: Dahua SD names hold the time of day only. */
  date: 'file-name' | 'folder'
  end: boolean
  clock: NameClock
  twelveHour: boolean
  camera: boolean
}

export interface PatternContext {
  path: string
  fileName: string
  /** Parent folder names, nearest first. */
  folders: string[]
}

export type PatternParse =
  | {
      start: WallClock
      end?: WallClock | null
      camera?: NameCamera | null
      /** For fixed-offset names: minutes east of UTC as printed. */
      offsetMinutes?: number
      /** Overrides the pattern's clock (a name ending in Z is UTC). */
      clock?: NameClock
      dateFolder?: string
      /** Lower than the pattern's own when this match is weaker (e.g. date folder outside dav/). */
      confidence?: Confidence
      notes?: string[]
    }
  | { reject: string }

export interface FileNamePattern {
  id: string
  vendor: string
  description: string
  /** Real names (or the vendor's documented example) the pattern must read. */
  examples: string[]
  confidence: Confidence
  /** Where the convention is documented or seen. */
  source: string
  yields: PatternYields
  /** Tried against the file name (with extension); parse() turns the match into fields. */
  regex: RegExp
  parse(m: RegExpExecArray, ctx: PatternContext): PatternParse
}

export interface FileNameMatch {
  status: 'matched'
  patternId: string
  vendor: string
  confidence: Confidence
  clock: NameClock
  offsetMinutes: number | null
  start: WallClock
  end: WallClock | null
  twelveHour: boolean
  dateFrom: 'file-name' | 'folder'
  dateFolder: string | null
  camera: NameCamera | null
  /** The name's text before and after the matched time, for camera naming. */
  leftover: { before: string; after: string }
  fileName: string
  /** Human-readable reading, e.g. "2024-05-03 19:53:47 camera local time". */
  reading: string
  notes: string[]
}

export interface FileNameNoMatch {
  status: 'no-match'
  fileName: string
  reason: string
  /** Patterns that recognised the shape but refused it, and why. */
  rejected: { patternId: string; reason: string }[]
}

export type FileNameResult = FileNameMatch | FileNameNoMatch

const MIN_YEAR = 1970
const MAX_YEAR = 2099
const ext = String.raw`(?:\.[A-Za-z0-9]{1,5}){0,2}`
const num = (s: string | undefined): number => Number(s)
const ymd = (s: string): [number, number, number] => [num(s.slice(0, 4)), num(s.slice(4, 6)), num(s.slice(6, 8))]
const hms = (s: string): [number, number, number] => [num(s.slice(0, 2)), num(s.slice(2, 4)), num(s.slice(4, 6))]
const compact = (d: string, t: string): WallClock => wallClock(...ymd(d), ...hms(t))
const DATE_FOLDER = /^(\d{4})-(\d{2})-(\d{2})$/

/** An end of day before the start means the recording ran past midnight. */
function endAfter(start: WallClock, end: WallClock, notes: string[]): WallClock {
  if (wallClockAsIfUtcUs(end) >= wallClockAsIfUtcUs(start)) return end
  notes.push('the end time is earlier in the day than the start: the recording ran past midnight, so the end is on the next day')
  return addDays(end, 1)
}

function validIp(s: string): boolean {
  return s.split('.').every((o) => Number(o) <= 255 && String(Number(o)) === o)
}

interface GenericShape {
  id: string
  vendor?: string
  description: string
  examples: string[]
  source: string
  regex: RegExp
  build(m: RegExpMatchArray): WallClock
}

const LOCAL_NOTE = 'the name states no zone: read as the camera’s local time'

/** Generic shapes: one date-time is the start; two adjacent ones are start and end; more is ambiguous. */
function generic(shape: GenericShape): FileNamePattern {
  const all = new RegExp(shape.regex.source, 'g')
  return {
    id: shape.id,
    vendor: shape.vendor ?? 'generic',
    description: shape.description,
    examples: shape.examples,
    confidence: 'medium',
    source: shape.source,
    yields: { date: 'file-name', end: false, clock: 'camera-local', twelveHour: false, camera: false },
    regex: shape.regex,
    parse(m, ctx) {
      const found = [...ctx.fileName.matchAll(all)]
      const start = shape.build(m)
      if (found.length <= 1) return { start, notes: [LOCAL_NOTE] }
      if (found.length === 2) {
        const between = ctx.fileName.slice(found[0]!.index! + found[0]![0].length, found[1]!.index!)
        if (/^(?:[_-]|_to_|-to-|\s+-\s+)$/i.test(between)) {
          return { start, end: shape.build(found[1]!), notes: [LOCAL_NOTE, 'two adjacent date-times: start and end'] }
        }
      }
      return { reject: `the name holds ${found.length} date-times and does not say which is the start` }
    }
  }
}

export const FILE_NAME_PATTERNS: readonly FileNamePattern[] = [
  {
    id: 'dahua-sd',
    vendor: 'Dahua (and OEMs: Amcrest, Lorex…)',
    description:
      'SD card / NVR recording: HH.MM.SS-HH.MM.SS[type][0@0][0].dav, time of day only; the date is the YYYY-MM-DD folder above (…/2024-05-03/001/dav/19/). Type: R regular, M motion, A alarm.',
    examples: ['2024-05-03/001/dav/19/19.53.47-19.54.00[M][0@0][0].dav', '2021-03-06/001/dav/10/10.27.32-10.28.00[M][0@0][0].dav'],
    confidence: 'high',
    source: 'FORMATS.md; Dahua/Amcrest SD-card and NVR paths seen in public code',
    yields: { date: 'folder', end: true, clock: 'camera-local', twelveHour: false, camera: false },
    regex: new RegExp(String.raw`^(\d{2})\.(\d{2})\.(\d{2})-(\d{2})\.(\d{2})\.(\d{2})((?:\[[^\]]*\])+)${ext}$`),
    parse(m, ctx) {
      const at = ctx.folders.findIndex((f) => DATE_FOLDER.test(f))
      if (at < 0) return { reject: 'Dahua name holds the time of day only, and no YYYY-MM-DD folder above it gives the date' }
      const [, y, mo, d] = DATE_FOLDER.exec(ctx.folders[at]!)!
      const day: [number, number, number] = [num(y), num(mo), num(d)]
      const notes: string[] = [`date ${ctx.folders[at]} from the folder`]
      const start = wallClock(...day, num(m[1]), num(m[2]), num(m[3]))
      const end = endAfter(start, wallClock(...day, num(m[4]), num(m[5]), num(m[6])), notes)
      const type = /^\[([A-Za-z])\]/.exec(m[7]!)?.[1]
      if (type) notes.push(`recording type [${type}]${{ R: ' (regular)', M: ' (motion)', A: ' (alarm)' }[type.toUpperCase()] ?? ''}`)
      let confidence: Confidence = 'high'
      const below = ctx.folders.slice(0, at)
      if (!below.some((f) => f.toLowerCase() === 'dav')) {
        confidence = 'medium'
        notes.push(`no dav/ folder between ${ctx.folders[at]} and the file: the date folder may not be the camera’s`)
      }
      const hourFolder = ctx.folders[0]
      if (hourFolder && /^\d{2}$/.test(hourFolder) && num(hourFolder) !== start.hour) {
        notes.push(`the hour folder ${hourFolder} does not match the start hour ${m[1]}`)
      }
      return { start, end, dateFolder: ctx.folders[at]!, confidence, notes }
    }
  },
  {
    id: 'dahua-nvr-export',
    vendor: 'Dahua NVR / DVR backup',
    description: 'NVR_ch<N>_<main|sub>_<YYYYMMDDhhmmss start>_<YYYYMMDDhhmmss end>[_anything].dav|mp4: channel, stream, start and end, device local time.',
    examples: ['NVR_ch1_main_20230131000000_20230131010000.dav', 'NVR_ch1_main_20241118083054_20241118083251_camera2.mp4'],
    confidence: 'medium',
    source: 'seen in many public repositories; no vendor document found',
    yields: { date: 'file-name', end: true, clock: 'camera-local', twelveHour: false, camera: true },
    regex: /^(NVR|DVR|XVR|HCVR)_ch(\d{1,3})_(main|sub|extra\d?)_(\d{8})(\d{6})_(\d{8})(\d{6})(?=[_.\s-]|$)/i,
    parse(m) {
      const notes = ['device local time (the name states no zone)']
      const start = compact(m[4]!, m[5]!)
      return { start, end: compact(m[6]!, m[7]!), camera: { channel: num(m[2]), stream: m[3]!.toLowerCase(), name: `${m[1]!.toUpperCase()} channel ${num(m[2])}` }, notes }
    }
  },
  {
    id: 'unifi-protect',
    vendor: 'Ubiquiti UniFi Protect',
    description: 'UI export: <Camera name> - M-D-YYYY, H.MM.SSam|pm.mp4 (no leading zeros, 12-hour clock), start of the clip in the console’s local time.',
    examples: ['Front Door - 2-9-2020, 11.21.12pm.mp4', 'G4 Doorbell - 11-5-2023, 1.30.15am.mp4'],
    confidence: 'high',
    source: 'FORMATS.md; danielfernau/unifi-protect-video-downloader#14',
    yields: { date: 'file-name', end: false, clock: 'camera-local', twelveHour: true, camera: true },
    regex: new RegExp(String.raw`^(.+?) - (\d{1,2})-(\d{1,2})-(\d{4}), (\d{1,2})\.(\d{1,2})\.(\d{1,2}) ?([AaPp][Mm])(?: \(\d+\))?${ext}$`),
    parse(m) {
      const h12 = num(m[5])
      if (h12 < 1 || h12 > 12) return { reject: `hour ${m[5]} with ${m[8]} is not a 12-hour time` }
      const pm = m[8]!.toLowerCase() === 'pm'
      const hour = (h12 % 12) + (pm ? 12 : 0)
      return {
        start: wallClock(num(m[4]), num(m[2]), num(m[3]), hour, num(m[6]), num(m[7])),
        camera: { name: m[1]!.trim() },
        notes: [`12-hour ${m[5]}.${m[6]}.${m[7]}${m[8]} read as ${String(hour).padStart(2, '0')}:${m[6]!.padStart(2, '0')}:${m[7]!.padStart(2, '0')}`]
      }
    }
  },
  {
    id: 'canon-nvr',
    vendor: 'Canon WebView / RM network video recorder',
    description: 'NVR_MEDIA|NVR_MPEG4|NVR_INDEX_<camera id>_<yyyymmdd_hhmmss start>_<yyyymmdd_hhmmss end>: GMT (the manual says so).',
    examples: ['NVR_MEDIA_0123456789abcdef_20090316_021500_20090316_023000.avi', 'NVR_MPEG4_00000000000000a1_20090316_021500_20090316_023000.mov'],
    confidence: 'high',
    source: 'Canon VK-64 / VB-C60 administrator manuals, "Files to Make a Backup"',
    yields: { date: 'file-name', end: true, clock: 'utc', twelveHour: false, camera: true },
    regex: new RegExp(String.raw`^NVR_(MEDIA|MPEG4|INDEX)_([0-9A-Za-z]{1,32})_(\d{8})_(\d{6})_(\d{8})_(\d{6})${ext}$`),
    parse(m) {
      const notes = ['Canon writes GMT into the name']
      if (m[1] === 'INDEX') notes.push('an index file, paired with the NVR_MEDIA / NVR_MPEG4 file of the same times')
      return { start: compact(m[3]!, m[4]!), end: compact(m[5]!, m[6]!), camera: { id: m[2]! }, notes }
    }
  },
  {
    id: 'canon-nvr-standby',
    vendor: 'Canon WebView / RM network video recorder',
    description: 'NVR_STANDBY_MEDIA|MPEG4_<camera id>_<yyyymmdd_hhmmss>: a recording not yet settled (temporary), start only, GMT.',
    examples: ['NVR_STANDBY_MEDIA_0123456789abcdef_20090316_021500.avi', 'NVR_STANDBY_MEDIA_0123456789abcdef_20090316_021500.avi.tmp'],
    confidence: 'high',
    source: 'Canon VK-64 / VB-C60 administrator manuals',
    yields: { date: 'file-name', end: false, clock: 'utc', twelveHour: false, camera: true },
    regex: new RegExp(String.raw`^NVR_STANDBY_(MEDIA|MPEG4)_([0-9A-Za-z]{1,32})_(\d{8})_(\d{6})${ext}$`),
    parse(m) {
      return { start: compact(m[3]!, m[4]!), camera: { id: m[2]! }, notes: ['Canon writes GMT into the name', 'a temporary file the recorder had not settled'] }
    }
  },
  {
    id: 'brickcom-nvr',
    vendor: 'Brickcom NVR',
    description: '(year)(month)(day)-(hour)(minute)(second)-(hour)(minute)(second)_(IP address)-CH(n): about five minutes per file.',
    examples: ['20140509-000500-001000_192.168.1.11-CH2', '20140509-000500-001000_192.168.1.11-CH2.avi'],
    confidence: 'high',
    source: 'Brickcom FAQ "What is the naming rule of video files in Brickcom NVR?"',
    yields: { date: 'file-name', end: true, clock: 'camera-local', twelveHour: false, camera: true },
    regex: new RegExp(String.raw`^(\d{8})-(\d{6})-(\d{6})(?:_((?:\d{1,3}\.){3}\d{1,3})-CH(\d{1,3}))?${ext}$`, 'i'),
    parse(m) {
      const notes = ['device local time (the name states no zone)']
      const start = compact(m[1]!, m[2]!)
      const end = endAfter(start, compact(m[1]!, m[3]!), notes)
      if (m[4] && !validIp(m[4])) return { reject: `${m[4]} is not an IP address` }
      if (!m[4]) return { start, end, confidence: 'medium', notes: [...notes, 'no _IP-CHn suffix: the shape matches Brickcom but the camera is not named'] }
      return { start, end, camera: { address: m[4], channel: num(m[5]) }, notes }
    }
  },
  {
    id: 'hikvision-ch-export',
    vendor: 'Hikvision (unconfirmed)',
    description: 'ch<NN>_<YYYYMMDDhhmmss>[...]: commonly cited as a Hikvision NVR/iVMS export name; not confirmed against vendor documentation.',
    examples: ['ch01_20200703110241.mp4', 'ch01_20200703110241_part_1.mp4'],
    confidence: 'low',
    source: 'FORMATS.md (unconfirmed); one public example',
    yields: { date: 'file-name', end: false, clock: 'camera-local', twelveHour: false, camera: true },
    regex: /^ch(\d{2})_(\d{8})(\d{6})(?=[_.]|$)/i,
    parse(m) {
      return { start: compact(m[2]!, m[3]!), camera: { channel: num(m[1]) }, notes: ['unconfirmed Hikvision export convention', 'device local time (the name states no zone)'] }
    }
  },
  {
    id: 'iso-with-offset',
    vendor: 'generic (Blink and others)',
    description: 'YYYY-MM-DDTHH_MM_SS with Z or a numeric offset (+00_00, -0800): the name fixes the instant.',
    examples: ['2020-11-26T02_06_04+00_00.mp4', 'Roof_Rear_Corner_2020-11-09T10_30_54-0800.mp4'],
    confidence: 'medium',
    source: 'lurume84/bling-desktop#47 (Blink downloads)',
    yields: { date: 'file-name', end: false, clock: 'fixed-offset', twelveHour: false, camera: false },
    regex: /(?<![\d])((?:19|20)\d{2})-(\d{2})-(\d{2})T(\d{2})[_:.-](\d{2})[_:.-](\d{2})(?:[.,](\d{1,6}))?(Z|[+-]\d{2}[_:]?\d{2})(?![\d])/,
    parse(m) {
      const micros = Number((m[7] ?? '').padEnd(6, '0'))
      const start = wallClock(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), micros)
      const z = m[8]!
      let offsetMinutes = 0
      if (z !== 'Z') {
        const digits = z.slice(1).replace(/[_:]/, '')
        offsetMinutes = (z[0] === '-' ? -1 : 1) * (num(digits.slice(0, 2)) * 60 + num(digits.slice(2, 4)))
      }
      return { start, offsetMinutes, clock: z === 'Z' ? 'utc' : 'fixed-offset', notes: [`offset ${z} printed in the name`] }
    }
  },
  generic({
    id: 'generic-yyyy-mm-dd_hh-mm-ss',
    description: 'YYYY-MM-DD_HH-MM-SS (also with a space, T or - between date and time); a second adjacent one is the end.',
    examples: ['2024-05-03_14-03-12.mp4', 'Lobby 2024-05-03 14-03-12.avi', 'therm_ch01_2025-09-21_01-26-09.mkv'],
    source: 'common export shape',
    regex: /(?<![\d-])((?:19|20)\d{2})-(\d{2})-(\d{2})[ _T-](\d{2})-(\d{2})-(\d{2})(?![\d])/,
    build: (m) => wallClock(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]))
  }),
  generic({
    id: 'generic-yyyy-mm-dd_hh.mm.ss',
    description: 'YYYY-MM-DD HH.MM.SS (space, _ or T between date and time).',
    examples: ['2024-05-03 14.03.12.mp4', 'Entrance_2024-05-03_14.03.12.mov'],
    source: 'common export shape',
    regex: /(?<![\d.-])((?:19|20)\d{2})-(\d{2})-(\d{2})[ _T](\d{2})\.(\d{2})\.(\d{2})(?![\d]|\.\d)/,
    build: (m) => wallClock(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]))
  }),
  generic({
    id: 'generic-yyyymmdd_hhmmss',
    vendor: 'generic (ABUS, many IP cameras’ FTP/SD uploads)',
    description: 'YYYYMMDD_HHMMSS (or - / T between): prefix_20091115_164501.',
    examples: ['ABUS_20091115_164501.mp4', 'HMDAlarm_20221014-152016.mp4', 'video_20240503T140312.mkv'],
    source: 'ABUS TVIP manual ("Prefix_YYYYMMDD_HHMMSS"); common',
    regex: /(?<![\d-])((?:19|20)\d{6})[_T-](\d{6})(?![\d]|-\d)/,
    build: (m) => compact(m[1]!, m[2]!)
  }),
  generic({
    id: 'generic-yyyymmddhhmmss',
    description: 'YYYYMMDDHHMMSS, exactly 14 digits.',
    examples: ['20240503140312.mp4', 'cam2-20240503140312.avi'],
    source: 'common',
    regex: /(?<![\d])((?:19|20)\d{6})(\d{6})(?![\d])/,
    build: (m) => compact(m[1]!, m[2]!)
  }),
  {
    id: 'day-month-order-unstated',
    vendor: 'generic (locale-formatted exports)',
    description:
      'DD-MM-YYYY or MM-DD-YYYY then HH-MM-SS (or HH.MM.SS): read only when one field is over 12 and so fixes the order; otherwise refused.',
    examples: ['Export 25-12-2024 14-03-12.avi', 'Export 12-25-2024 14.03.12.avi'],
    confidence: 'low',
    source: 'locale-dependent export names (Milestone / Genetec style); convention not confirmed',
    yields: { date: 'file-name', end: false, clock: 'camera-local', twelveHour: false, camera: false },
    regex: /(?<![\d])(\d{2})[-.](\d{2})[-.]((?:19|20)\d{2})[ _](\d{2})([-.])(\d{2})\5(\d{2})(?![\d])/,
    parse(m) {
      const a = num(m[1])
      const b = num(m[2])
      const time = [num(m[4]), num(m[6]), num(m[7])] as const
      if (a > 12 && b <= 12) return { start: wallClock(num(m[3]), b, a, ...time), notes: [`${m[1]} is over 12, so the order is day-month-year`] }
      if (b > 12 && a <= 12) return { start: wallClock(num(m[3]), a, b, ...time), notes: [`${m[2]} is over 12, so the order is month-day-year`] }
      return { reject: `${m[1]}-${m[2]}-${m[3]} could be day-month or month-day: not guessed` }
    }
  },
  {
    id: 'ambiguous-two-digit-year',
    vendor: '(refused)',
    description: 'YYMMDD_HHMMSS or YYMMDDHHMMSS: the six-digit date could be YYMMDD, DDMMYY or MMDDYY, so it is never read.',
    examples: ['140509_000500.mp4', '140509000500.avi'],
    confidence: 'low',
    source: 'refusal rule',
    yields: { date: 'file-name', end: false, clock: 'camera-local', twelveHour: false, camera: false },
    regex: /(?<![\d.-])(\d{6})(?:[_-]?)(\d{6})(?![\d])/,
    parse(m) {
      return { reject: `six-digit date ${m[1]} could be YYMMDD, DDMMYY or MMDDYY: not guessed` }
    }
  }
]

function splitPath(path: string): { fileName: string; folders: string[] } {
  const parts = path.split(/[\\/]+/).filter((p) => p.length > 0)
  const fileName = parts.pop() ?? ''
  return { fileName, folders: parts.reverse() }
}

function describeReading(start: WallClock, clock: NameClock, offsetMinutes: number | null): string {
  if (clock === 'utc') return `${formatWallClock(start)} UTC`
  if (clock === 'fixed-offset') return `${formatWallClock(start)} ${formatOffsetMinutes(offsetMinutes ?? 0)}`
  return `${formatWallClock(start)} camera local time`
}

function checkFields(w: WallClock, what: string): string | null {
  if (!isValidWallClock(w)) return `${what} ${formatWallClock(w)} is not a real date and time`
  if (w.year < MIN_YEAR || w.year > MAX_YEAR) return `${what} year ${w.year} is outside ${MIN_YEAR}..${MAX_YEAR}`
  return null
}

/**
 * Reads a start time (and end, camera) from a file's name and folders. The first pattern in
 * the table that matches and yields a real date wins; patterns that recognise a shape but
 * refuse it (ambiguous, impossible date) are listed in the no-match answer.
 */
export function placeFromFileName(path: string, patterns: readonly FileNamePattern[] = FILE_NAME_PATTERNS): FileNameResult {
  const { fileName, folders } = splitPath(path)
  const ctx: PatternContext = { path, fileName, folders }
  const rejected: { patternId: string; reason: string }[] = []
  for (const p of patterns) {
    const m = p.regex.exec(fileName)
    if (!m) continue
    const r = p.parse(m, ctx)
    if ('reject' in r) {
      rejected.push({ patternId: p.id, reason: r.reject })
      continue
    }
    const problem = checkFields(r.start, 'start') ?? (r.end ? checkFields(r.end, 'end') : null)
    if (problem) {
      rejected.push({ patternId: p.id, reason: problem })
      continue
    }
    const clock: NameClock = r.clock ?? p.yields.clock
    const offsetMinutes = clock === 'fixed-offset' ? (r.offsetMinutes ?? 0) : null
    const notes = [...(r.notes ?? [])]
    if (r.end && wallClockAsIfUtcUs(r.end) < wallClockAsIfUtcUs(r.start)) notes.push('the end printed in the name is before its start')
    return {
      status: 'matched',
      patternId: p.id,
      vendor: p.vendor,
      confidence: r.confidence ?? p.confidence,
      clock,
      offsetMinutes,
      start: r.start,
      end: r.end ?? null,
      twelveHour: p.yields.twelveHour,
      dateFrom: p.yields.date,
      dateFolder: r.dateFolder ?? null,
      camera: r.camera ?? null,
      leftover: { before: fileName.slice(0, m.index), after: fileName.slice(m.index + m[0].length) },
      fileName,
      reading: describeReading(r.start, clock, offsetMinutes),
      notes
    }
  }
  const reason = rejected.length > 0 ? rejected.map((r) => `${r.patternId}: ${r.reason}`).join('; ') : 'no known file-name pattern holds a date and time'
  return { status: 'no-match', fileName, reason, rejected }
}

export function findPattern(id: string, patterns: readonly FileNamePattern[] = FILE_NAME_PATTERNS): FileNamePattern | undefined {
  return patterns.find((p) => p.id === id)
}
