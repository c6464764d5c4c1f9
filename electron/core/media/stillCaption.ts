// The caption burnt into a video still: camera, the frame's wall-clock time in the case's
// zone (name and UTC offset) and in UTC, to the millisecond, and the first 16 hex digits of
// the source file's SHA-256. Drawn by ffmpeg's drawtext on a black band added UNDER the
// picture (pad), not over it: investigators want every recorded pixel visible, and a band
// keeps the caption legible whatever the scene.
//
// The camera name is untrusted text. drawtext runs with expansion=none (so "%{pts}" stays
// text) and the text is escaped for both parsers it passes through: the filter's option
// parser and the filtergraph parser (both av_get_token: "\x" is a literal x). The runner
// refuses textfile= (it opens files), so the text goes inline.
import { formatInZone } from '@shared/time'

/** What the caption says; `frameUs` is the frame's wall-clock time (null: the file is not placed). */
export interface CaptionInput {
  camera: string
  frameUs: number | null
  zone: string
  sourceSha256: string
  /** Position of the frame in the file, for an unplaced file's caption. */
  positionUs: number
}

const MAX_NAME = 120

/** Control characters (newlines included) would break the band's layout: shown as spaces. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').trim()
  return flat.length > MAX_NAME ? `${flat.slice(0, MAX_NAME - 1)}…` : flat
}

/** The caption's lines (the exact text burnt in, also recorded with the still's custody). */
export function captionLines(c: CaptionInput): string[] {
  const lines = [`Camera: ${printable(c.camera) || '(unnamed)'}`]
  if (c.frameUs === null) lines.push(`Time: not placed on the clock (${(c.positionUs / 1e6).toFixed(3)} s into the file)`)
  else {
    // formatInZone: "YYYY-MM-DD hh:mm:ss.mmm ±hh:mm"
    const local = formatInZone(c.frameUs, c.zone)
    const at = local.lastIndexOf(' ')
    lines.push(`${local.slice(0, at)} ${c.zone} (UTC${local.slice(at + 1)})`)
    lines.push(`${formatInZone(c.frameUs, 'UTC').slice(0, 23)} UTC`)
  }
  lines.push(`Source SHA-256 ${c.sourceSha256.slice(0, 16)}`)
  return lines
}

/** Words the runner's argument guard refuses (filters that open files): their letters are escaped. */
const GUARDED = /a?movie|sendcmd|zmq|ladspa|lv2|frei0r|filename|textfile/gi

/** Escapes a value for a filter option, then for the filtergraph around it. */
export function escapeFilterValue(value: string): string {
  const option = value.replace(/[\\':]/g, '\\$&')
  const graph = option.replace(/[\\'[\],;]/g, '\\$&')
  // "\m\o\v\i\e" still reads "movie" to ffmpeg, but no longer looks like the filter name.
  return graph.replace(GUARDED, (w) => w.replace(/./g, '\\$&'))
}

export interface CaptionLayout {
  /** The -vf filtergraph: RGB, padded band, caption. */
  filter: string
  /** The text drawn, lines wrapped to the picture's width (recorded with the still). */
  text: string
  /** Height of the band added under the picture, pixels. */
  bandHeight: number
  fontSize: number
}

/** DejaVu Sans Mono's advance width is 1233/2048 em. */
const ADVANCE_EM = 1233 / 2048
/** The time line is the longest fixed line: the font is sized so that it fits. */
const SIZING_CHARS = 52

/** The filtergraph that adds the band under a `width`-wide picture and draws `lines` on it. */
export function captionFilter(lines: string[], width: number, fontPath: string): CaptionLayout {
  const margin = Math.max(4, Math.round(width / 80))
  const fontSize = Math.max(8, Math.min(36, Math.floor((width - 2 * margin) / (ADVANCE_EM * SIZING_CHARS))))
  // A long camera name wraps rather than running off the picture.
  const perLine = Math.max(16, Math.floor((width - 2 * margin) / (ADVANCE_EM * fontSize)))
  const wrapped = lines.flatMap((l) => {
    const chars = [...l]
    const out: string[] = []
    for (let i = 0; i < chars.length; i += perLine) out.push(chars.slice(i, i + perLine).join(''))
    return out.length ? out : ['']
  })
  const spacing = Math.round(fontSize * 0.3)
  // A line of drawtext is about 1.2 em tall (ascender + descender), plus the spacing.
  const textHeight = wrapped.length * Math.ceil(fontSize * 1.2) + (wrapped.length - 1) * spacing
  // Even, so the padded picture keeps dimensions every pixel format accepts.
  const bandHeight = 2 * Math.ceil((textHeight + 2 * margin) / 2)
  const text = wrapped.join('\n')
  const filter = [
    // RGB first: the PNG is RGB anyway, and the band then needs no chroma alignment.
    'format=rgb24',
    `pad=w=iw:h=ih+${bandHeight}:x=0:y=0:color=black`,
    `drawtext=fontfile=${escapeFilterValue(fontPath)}:expansion=none:fontcolor=white:fontsize=${fontSize}:line_spacing=${spacing}:x=${margin}:y=h-${bandHeight - margin}:text=${escapeFilterValue(text)}`
  ].join(',')
  return { filter, text, bandHeight, fontSize }
}
