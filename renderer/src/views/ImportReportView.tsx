// What an import did: counts, time range, every time decision, and the bad lines by number.
import type { ImportReport } from '@shared/ingestModel'
import { describeTimeDecisions } from '@shared/describeTime'
import { formatDuration } from '@shared/format'

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
          {describeTimeDecisions(report.time).map((l) => (
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
