// Evidence view: add files (native dialog in Electron, upload in the browser), the
// evidence table with hashes and status, case verification and the custody log.
import { useCallback, useEffect, useRef, useState } from 'react'
import type { JobProgress } from '@shared/contract'
import type { AcquireOutcome, CaseSummary, CustodyEntry, EvidenceItem, VerifyReport } from '@shared/model'
import { formatBytes } from '@shared/format'
import { api, ApiCallError, JobCancelled } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { ProgressPanel } from '../components/ProgressPanel'
import { ImportDialog } from './ImportDialog'

interface RunningJob {
  title: string
  jobId: string | null
  progress: JobProgress | null
  abort?: AbortController
}

export function EvidenceView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const [items, setItems] = useState<EvidenceItem[]>([])
  const [custody, setCustody] = useState<CustodyEntry[]>([])
  const [note, setNote] = useState('')
  const [job, setJob] = useState<RunningJob | null>(null)
  const [outcomes, setOutcomes] = useState<AcquireOutcome[]>([])
  const [report, setReport] = useState<VerifyReport | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const [importing, setImporting] = useState<EvidenceItem | null>(null)

  const refresh = useCallback(async () => {
    try {
      const [ev, cu] = await Promise.all([api().call('evidence.list', {}), api().call('custody.list', { afterSeq: 0, limit: 10_000 })])
      setItems(ev)
      setCustody(cu)
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }, [props.onError])

  useEffect(() => {
    void refresh()
  }, [refresh, props.current.custodyLength])

  const progressOf = (title: string) => (p: JobProgress) => setJob((j) => (j ? { ...j, progress: p, title } : j))

  async function acquireWithDialog(): Promise<void> {
    const paths = (await api().transport.pickFiles?.()) ?? []
    if (paths.length === 0) return
    await runAcquire(async () => {
      const { jobId } = await api().call('evidence.acquire', { paths, note })
      setJob({ title: 'Acquiring evidence', jobId, progress: null })
      return (await api().waitForJob(jobId, 'acquire', progressOf('Acquiring evidence'))).items
    })
  }

  async function acquireUploads(files: File[]): Promise<void> {
    const upload = api().transport.upload
    if (!upload || files.length === 0) return
    const abort = new AbortController()
    await runAcquire(async () => {
      const all: AcquireOutcome[] = []
      for (const [i, file] of files.entries()) {
        const started = performance.now()
        setJob({ title: 'Uploading evidence', jobId: null, progress: null, abort })
        const envelope = (await upload(file, note, (sent, total) => {
          const secs = Math.max((performance.now() - started) / 1000, 0.001)
          const rate = sent / secs
          setJob((j) =>
            j && {
              ...j,
              progress: {
                type: 'job.progress',
                jobId: 'upload',
                kind: 'upload',
                label: `Uploading ${file.name}`,
                bytesDone: sent,
                bytesTotal: total,
                itemsDone: i,
                itemsTotal: files.length,
                bytesPerSecond: rate,
                etaSeconds: rate > 0 ? (total - sent) / rate : null
              }
            }
          )
        }, abort.signal)) as { ok: boolean; result?: { jobId: string }; error?: { code: 'BAD_REQUEST'; message: string } }
        if (!envelope.ok || !envelope.result) throw new ApiCallError(envelope.error ?? { code: 'BAD_REQUEST', message: 'Upload refused.' })
        const jobId = envelope.result.jobId
        setJob({ title: 'Acquiring evidence', jobId, progress: null })
        all.push(...(await api().waitForJob(jobId, 'upload', progressOf('Acquiring evidence'))).items)
      }
      return all
    })
  }

  async function runAcquire(work: () => Promise<AcquireOutcome[]>): Promise<void> {
    setOutcomes([])
    try {
      setOutcomes(await work())
    } catch (e) {
      if (!(e instanceof JobCancelled) && !(e instanceof DOMException && e.name === 'AbortError')) props.onError(errorMessage(e))
    } finally {
      setJob(null)
      if (fileInput.current) fileInput.current.value = ''
      await refresh()
    }
  }

  async function verify(): Promise<void> {
    setReport(null)
    try {
      const { jobId } = await api().call('case.verify', {})
      setJob({ title: 'Verifying case', jobId, progress: null })
      setReport(await api().waitForJob(jobId, 'verify', progressOf('Verifying case')))
    } catch (e) {
      if (!(e instanceof JobCancelled)) props.onError(errorMessage(e))
    } finally {
      setJob(null)
      await refresh()
    }
  }

  function cancel(): void {
    if (job?.abort) job.abort.abort()
    if (job?.jobId) void api().cancelJob(job.jobId)
  }

  const addFiles = (): void => {
    if (api().transport.pickFiles) void acquireWithDialog()
    else fileInput.current?.click()
  }

  return (
    <div className="evidence">
      <section className="card toolbar" aria-label="Add evidence">
        <label className="grow">
          Examiner's note for the next files
          <input value={note} onChange={(e) => setNote(e.target.value)} placeholder="e.g. handed over by IT on USB stick #4, 09:12" />
        </label>
        <button type="button" onClick={addFiles} disabled={job !== null}>
          Add files…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          aria-label="Evidence files to upload"
          onChange={(e) => void acquireUploads(Array.from(e.target.files ?? []))}
        />
        <button type="button" onClick={() => void verify()} disabled={job !== null}>
          Verify case
        </button>
      </section>

      {job && <ProgressPanel title={job.title} progress={job.progress} onCancel={cancel} />}

      {outcomes.length > 0 && (
        <section className="card" aria-label="Intake result">
          <ul className="outcomes">
            {outcomes.map((o, i) => (
              <li key={i} className={`outcome-${o.outcome}`}>
                {o.outcome === 'acquired' && `Acquired ${o.evidence?.originalName ?? o.path} — SHA-256 ${o.evidence?.sha256 ?? ''}`}
                {o.outcome === 'duplicate' && `Not added: ${o.path} is ${o.reason ?? 'already in the case'}.`}
                {o.outcome === 'refused' && `Refused: ${o.path} — ${o.reason ?? ''}`}
              </li>
            ))}
          </ul>
        </section>
      )}

      {report && <VerifyResult report={report} />}

      {importing && (
        <ImportDialog item={importing} caseZone={props.current.timeZone} onClose={() => setImporting(null)} onError={props.onError} />
      )}

      <section className="card" aria-label="Evidence items">
        <h2>Evidence ({items.length})</h2>
        <div className="table-wrap">
          <table aria-label="Evidence">
            <thead>
              <tr>
                <th>#</th>
                <th>Name</th>
                <th>SHA-256</th>
                <th>Size</th>
                <th>Acquired (UTC)</th>
                <th>Examiner</th>
                <th>Note</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>{e.id}</td>
                  <td title={e.originalPath}>{e.originalName}</td>
                  <td className="mono">{e.sha256}</td>
                  <td>{formatBytes(e.size)}</td>
                  <td>{e.acquiredAt}</td>
                  <td>{e.examiner}</td>
                  <td>{e.note}</td>
                  <td className={`status-${e.status}`}>{e.status}</td>
                  <td>
                    <button type="button" onClick={() => setImporting(e)} aria-label={`Import ${e.originalName}`}>
                      Import…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="card" aria-label="Custody">
        <h2>Custody log ({custody.length})</h2>
        <div className="table-wrap">
          <table aria-label="Custody log">
            <thead>
              <tr>
                <th>Seq</th>
                <th>Time (UTC)</th>
                <th>Examiner</th>
                <th>Action</th>
                <th>Object</th>
                <th>Details</th>
                <th>Hash</th>
              </tr>
            </thead>
            <tbody>
              {custody.map((c) => (
                <tr key={c.seq}>
                  <td>{c.seq}</td>
                  <td>{c.ts}</td>
                  <td>{c.examiner}</td>
                  <td>{c.action}</td>
                  <td>{c.object}</td>
                  <td className="details">{JSON.stringify(c.details)}</td>
                  <td className="mono" title={c.hash}>
                    {c.hash.slice(0, 16)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </div>
  )
}

function VerifyResult({ report }: { report: VerifyReport }) {
  return (
    <section className={`card verify ${report.ok ? 'verify-ok' : 'verify-failed'}`} aria-label="Verification result" role="status">
      <h2>{report.ok ? 'Case verified: everything is intact' : `Verification failed: ${report.problems.length} problem(s)`}</h2>
      <p>
        {report.evidenceChecked} evidence file(s) re-hashed ({formatBytes(report.bytesHashed)}), {report.custodyLength} custody entries
        walked, at {report.checkedAt}.
      </p>
      {report.problems.length > 0 && (
        <ul>
          {report.problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
