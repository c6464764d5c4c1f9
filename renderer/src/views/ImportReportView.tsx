// What an import did: counts, time range, every time decision, and the bad lines by number.
import type { ImportReport } from '@shared/ingestModel'
import { formatDuration } from '@shared/format'

export function timeDecisionLines(t: ImportReport['time']): string[] {
  if (!t) return []
  const out: string[] = []
  if (t.stampsInSourceZone) out.push(`${t.stampsInSourceZone} zone-less times read in ${t.timeZone}`)
  if (t.stampsWithZone) out.push(`${t.stampsWithZone} times carried their own zone or offset`)
  for (const [abbr, a] of Object.entries(t.abbreviations)) out.push(`${a.count} times in ${abbr} read as UTC${a.offsetMinutes >= 0 ? '+' : '−'}${Math.abs(a.offsetMinutes) / 60} h`)
  if (t.yearInference) {
    const y = t.yearInference
    out.push(
      `year ${y.firstYear} ${y.basis === 'explicit' ? 'given by the examiner' : y.basis === 'file-mtime' ? "inferred from the file's modification time" : 'assumed from today'}` +
        (y.rollovers.length ? `; rolled over to ${y.rollovers.map((r) => `${r.toYear} at record ${r.recordIndex}`).join(', ')}` : '')
    )
  }
  if (t.dstAmbiguous) out.push(`${t.dstAmbiguous} times fell in a DST fold (first occurrence taken, flagged)`)
  if (t.dstGap) out.push(`${t.dstGap} times fell in a DST gap (flagged)`)
  out.push(`clock offset ${t.offsetUs === 0 ? 'none' : `${t.offsetUs / 1e6} s`}`)
  return out
}

export function ImportReportView({ report }: { report: ImportReport }) {
  return (
    <section className={`card report report-${report.status}`} role="status" aria-label={`Import report for ${report.fileName}`}>
      <h3>
        {report.status === 'complete' ? `Imported ${report.events} events from ${report.fileName}` : `Import ${report.status}: ${report.fileName}`}
      </h3>
      <p>{report.message}</p>
      {report.status === 'complete' && (
        <ul>
          <li>
            Format {report.formatName} ({report.formatChosenBy === 'user' ? 'chosen' : 'detected'}), {report.badLines} bad lines,{' '}
            {report.invalidUtf8Lines} with invalid UTF-8
          </li>
          <li>
            {report.firstTs} → {report.lastTs}
          </li>
          <li>
            {formatDuration(report.durationMs / 1000)}, {Math.round(report.eventsPerSecond)} events/s
          </li>
          {timeDecisionLines(report.time).map((l) => (
            <li key={l}>{l}</li>
          ))}
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {report.issues.length > 0 && (
        <details open={report.status !== 'complete'}>
          <summary>
            {report.badLines} line{report.badLines === 1 ? '' : 's'} could not be read
          </summary>
          <ul className="issues" aria-label="Bad lines">
            {report.issues.slice(0, 200).map((i, n) => (
              <li key={n}>
                {i.line !== null ? `Line ${i.line}` : `Record ${i.record}`} (byte {i.offset}): {i.reason} <span className="mono">{i.excerpt}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}
