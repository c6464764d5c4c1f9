// Imported sources with their format, counts, time range and time decisions; the time
// reading of a source (zone, year, clock offset) can be changed with a stated reason.
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { SourceSummary } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { describeTimeDecisions } from '@shared/describeTime'

export function SourcesView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const [sources, setSources] = useState<SourceSummary[]>([])
  const [editing, setEditing] = useState<SourceSummary | null>(null)
  const refresh = useCallback(() => {
    api().call('sources.list', {}).then(setSources, (e: unknown) => props.onError(errorMessage(e)))
  }, [])
  useEffect(refresh, [refresh, props.current.custodyLength])

  return (
    <section className="card" aria-label="Sources">
      <h2>Sources ({sources.length})</h2>
      <div className="table-wrap">
        <table aria-label="Sources">
          <thead>
            <tr>
              <th>#</th>
              <th>File</th>
              <th>Format</th>
              <th>Events</th>
              <th>Bad lines</th>
              <th>First (UTC)</th>
              <th>Last (UTC)</th>
              <th>Time decisions</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sources.map((s) => (
              <tr key={s.id}>
                <td>{s.id}</td>
                <td title={s.evidenceSha256}>{s.fileName}</td>
                <td>{s.format}</td>
                <td>{s.events}</td>
                <td>{s.badLines}</td>
                <td className="mono">{s.firstTs}</td>
                <td className="mono">{s.lastTs}</td>
                <td className="details">{describeTimeDecisions(s.time).join('; ')}</td>
                <td>
                  <button type="button" onClick={() => setEditing(s)} aria-label={`Change time reading of ${s.fileName}`}>
                    Change time…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <RetimeForm
          source={editing}
          onDone={() => {
            setEditing(null)
            refresh()
          }}
          onError={props.onError}
        />
      )}
    </section>
  )
}

function RetimeForm(props: { source: SourceSummary; onDone: () => void; onError: (m: string) => void }) {
  const s = props.source
  const [timeZone, setTimeZone] = useState(s.timeZone)
  const [year, setYear] = useState(s.explicitYear ? String(s.explicitYear) : '')
  const [offset, setOffset] = useState(`${s.clockOffsetUs / 1e6}s`)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault()
    setBusy(true)
    try {
      const { jobId } = await api().call('sources.setTime', {
        sourceId: s.id,
        timeZone,
        year: year ? Number(year) : null,
        offset: offset.startsWith('-') || offset.startsWith('+') ? offset : `+${offset}`,
        reason
      })
      await api().waitForJob(jobId, 'retime')
      props.onDone()
    } catch (err) {
      props.onError(errorMessage(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card" aria-label={`Time reading of ${s.fileName}`} onSubmit={(e) => void submit(e)}>
      <h3>Time reading of {s.fileName}</h3>
      <div className="form-grid">
        <label>
          Time zone
          <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} list="iwb-zones" />
        </label>
        <label>
          Year for year-less times
          <input value={year} onChange={(e) => setYear(e.target.value.replace(/\D/g, '').slice(0, 4))} placeholder="infer" />
        </label>
        <label>
          Clock offset
          <input value={offset} onChange={(e) => setOffset(e.target.value)} />
        </label>
        <label>
          Reason (recorded in custody)
          <input value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="e.g. NVR clock measured 43 s fast against badge swipe #1183" />
        </label>
      </div>
      <button type="submit" disabled={busy || !reason}>
        Apply and re-read times
      </button>
    </form>
  )
}
