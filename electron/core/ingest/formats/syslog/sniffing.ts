// Helpers for the family's sniffers: they look at the first lines of the head only, so a
// detection pass over ~40 importers stays cheap.
import type { SniffInput } from '../../types'
import { parseSyslogHeader } from './header'

/** Up to `max` non-blank lines from the head. */
export function headLines(input: SniffInput, max = 100): string[] {
  const out: string[] = []
  for (const l of input.lines) {
    if (l.trim() === '') continue
    out.push(l)
    if (out.length >= max) break
  }
  return out
}

/** Share of lines for which `test` holds (0 when there are none). */
export function share(lines: string[], test: (line: string) => boolean): number {
  if (lines.length === 0) return 0
  let n = 0
  for (const l of lines) if (test(l)) n++
  return n / lines.length
}

/**
 * Confidence for a format carried inside syslog: high when its lines dominate the head,
 * still above the generic syslog importers when its lines are mixed with other syslog
 * (its parser reads those as plain syslog), and low when the format is only mentioned.
 */
export function embeddedScore(lines: string[], isFormat: (line: string) => boolean): number {
  if (lines.length === 0) return 0
  let fmt = 0
  let sys = 0
  for (const l of lines) {
    if (isFormat(l)) fmt++
    else if (typeof parseSyslogHeader(l) !== 'string') sys++
  }
  if (fmt === 0) return 0
  const f = fmt / lines.length
  if (f >= 0.3) return 0.9 + 0.08 * f
  if ((fmt + sys) / lines.length >= 0.8) return 0.85 + 0.1 * f
  return Math.min(f, 0.3)
}
