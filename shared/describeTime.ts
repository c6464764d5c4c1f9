// Plain-words lines for a source's time decisions, shared by the CLI, the app and reports.
import type { TimeDecisionsSchema } from './ingestModel'

export function describeTimeDecisions(t: TimeDecisionsSchema | null): string[] {
  if (!t) return []
  const out: string[] = []
  if (t.stampsInSourceZone) out.push(`${t.stampsInSourceZone} zone-less times read in ${t.timeZone}`)
  if (t.stampsWithZone) out.push(`${t.stampsWithZone} times carried their own zone or offset`)
  for (const [abbr, a] of Object.entries(t.abbreviations)) {
    out.push(`${a.count} times in ${abbr} read as UTC${a.offsetMinutes >= 0 ? '+' : '−'}${Math.abs(a.offsetMinutes) / 60} h`)
  }
  if (t.yearInference) {
    const y = t.yearInference
    const basis = y.basis === 'explicit' ? 'given by the examiner' : y.basis === 'file-mtime' ? "inferred from the file's modification time" : 'assumed from today (no file time)'
    const rolls = y.rollovers.length ? `; rolled over to ${y.rollovers.map((r) => `${r.toYear} at record ${r.recordIndex}`).join(', ')}` : ''
    out.push(`year ${y.firstYear} ${basis}${rolls}`)
  }
  if (t.dstAmbiguous) out.push(`${t.dstAmbiguous} times fell in a DST fold (first occurrence taken, flagged)`)
  if (t.dstGap) out.push(`${t.dstGap} times fell in a DST gap (flagged)`)
  out.push(`clock offset ${t.offsetUs === 0 ? 'none' : `${t.offsetUs > 0 ? '+' : ''}${t.offsetUs / 1e6} s`}`)
  return out
}
