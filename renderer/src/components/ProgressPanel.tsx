// Progress of a long job with counts, rate, ETA and a Cancel button.
import type { JobProgress } from '@shared/contract'
import { formatBytes, formatDuration, formatRate } from '@shared/format'

export function ProgressPanel(props: { title: string; progress: JobProgress | null; onCancel: () => void }) {
  const p = props.progress
  const pct = p?.bytesTotal ? Math.min(100, (p.bytesDone / p.bytesTotal) * 100) : null
  return (
    <section className="progress" aria-label={`${props.title} progress`}>
      <div className="progress-head">
        <strong>{p?.label ?? props.title}</strong>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      <progress max={100} value={pct ?? undefined} aria-label={`${props.title} progress bar`} />
      {p && (
        <p className="progress-figures" role="status">
          {formatBytes(p.bytesDone)}
          {p.bytesTotal !== null && ` of ${formatBytes(p.bytesTotal)}`}
          {p.itemsTotal !== null && ` · file ${Math.min(p.itemsDone + 1, p.itemsTotal)} of ${p.itemsTotal}`}
          {` · ${formatRate(p.bytesPerSecond)}`}
          {p.etaSeconds !== null && ` · ${formatDuration(p.etaSeconds)} left`}
        </p>
      )}
    </section>
  )
}
