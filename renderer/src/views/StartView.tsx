// Start screen: create a case, open one (recent cases), and the open case's summary.
import { useEffect, useState, type FormEvent } from 'react'
import type { CaseSummary, RecentCase } from '@shared/model'
import { formatBytes } from '@shared/format'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'

export function StartView(props: { current: CaseSummary | null; onError: (m: string) => void; onOpened: () => void }) {
  const [recent, setRecent] = useState<RecentCase[]>([])
  const [dir, setDir] = useState('')
  const [name, setName] = useState('')
  const [examiner, setExaminer] = useState('')
  const [timeZone, setTimeZone] = useState('')
  const [openDir, setOpenDir] = useState('')
  const [busy, setBusy] = useState(false)
  const canBrowse = Boolean(api().transport.pickFolder)

  useEffect(() => {
    api().call('case.recent', {}).then(setRecent, (e: unknown) => props.onError(errorMessage(e)))
    api()
      .call('settings.get', {})
      .then((s) => {
        setExaminer((v) => v || s.examinerName)
        setTimeZone((v) => v || s.defaultTimeZone)
      }, () => undefined)
  }, [props.current?.caseId])


  async function run(action: () => Promise<unknown>): Promise<void> {
    setBusy(true)
    try {
      await action()
      props.onOpened()
    } catch (e) {
      props.onError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const create = (e: FormEvent): void => {
    e.preventDefault()
    void run(async () => {
      // The examiner named here is the person at the keyboard: later custody entries carry it too.
      const settings = await api().call('settings.get', {})
      if (examiner && examiner !== settings.examinerName) await api().call('settings.update', { examinerName: examiner })
      return api().call('case.create', { dir, name, examiner: examiner || undefined, timeZone: timeZone || undefined })
    })
  }
  const open = (e: FormEvent): void => {
    e.preventDefault()
    void run(() => api().call('case.open', { dir: openDir }))
  }
  const browse = async (purpose: 'create' | 'open'): Promise<void> => {
    const picked = await api().transport.pickFolder?.(purpose)
    if (picked) (purpose === 'create' ? setDir : setOpenDir)(picked)
  }

  return (
    <div className="start">
      {props.current && (
        <section aria-label="Case summary" className="card summary">
          <h2>{props.current.name}</h2>
          <dl>
            <dt>Folder</dt>
            <dd>{props.current.dir}</dd>
            <dt>Examiner</dt>
            <dd>{props.current.examiner}</dd>
            <dt>Time zone</dt>
            <dd>{props.current.timeZone}</dd>
            <dt>Created</dt>
            <dd>{props.current.createdAt}</dd>
            <dt>Evidence items</dt>
            <dd data-testid="summary-evidence-count">
              {props.current.evidenceCount} ({formatBytes(props.current.evidenceBytes)})
            </dd>
            <dt>Custody entries</dt>
            <dd data-testid="summary-custody-length">{props.current.custodyLength}</dd>
          </dl>
        </section>
      )}
      <div className="start-forms">
        <form className="card" aria-label="Create a case" onSubmit={create}>
          <h2>Create a case</h2>
          <label>
            Case folder
            <span className="row">
              <input value={dir} onChange={(e) => setDir(e.target.value)} required placeholder="/cases/2026-017-door-3" />
              {canBrowse && (
                <button type="button" onClick={() => void browse('create')}>
                  Browse…
                </button>
              )}
            </span>
          </label>
          <label>
            Case name
            <input value={name} onChange={(e) => setName(e.target.value)} required placeholder="Server room door, 14 March" />
          </label>
          <label>
            Examiner
            <input value={examiner} onChange={(e) => setExaminer(e.target.value)} />
          </label>
          <label>
            Case time zone
            <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} list="iwb-zones" />
          </label>
          <button type="submit" disabled={busy}>
            Create case
          </button>
        </form>
        <form className="card" aria-label="Open a case" onSubmit={open}>
          <h2>Open a case</h2>
          <label>
            Case folder to open
            <span className="row">
              <input value={openDir} onChange={(e) => setOpenDir(e.target.value)} required />
              {canBrowse && (
                <button type="button" onClick={() => void browse('open')}>
                  Browse…
                </button>
              )}
            </span>
          </label>
          <button type="submit" disabled={busy}>
            Open case
          </button>
          <h3>Recent cases</h3>
          {recent.length === 0 ? (
            <p className="muted">No recent cases.</p>
          ) : (
            <ul className="recent" aria-label="Recent cases">
              {recent.map((r) => (
                <li key={r.dir}>
                  <button
                    type="button"
                    disabled={!r.exists || busy}
                    onClick={() => void run(() => api().call('case.open', { dir: r.dir }))}
                    aria-label={`Open recent case ${r.name}`}
                  >
                    {r.name}
                  </button>
                  <span className="muted">
                    {r.dir}
                    {!r.exists && ' (missing)'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </form>
      </div>
    </div>
  )
}
