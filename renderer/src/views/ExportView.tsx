// Export view: choose what to export (evidence package or access audit), watch the job
// (bytes, files, rate, ETA, Cancel), see the result with its tag-manifest hash and the
// signing key's fingerprint, verify it, and list and re-verify earlier exports.
import { useCallback, useEffect, useState } from 'react'
import type { JobProgress } from '@shared/contract'
import type { SourceSummary } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import type { ExportListItem } from '@shared/contracts/exports'
import { formatBytes } from '@shared/format'
import { api, JobCancelled } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { ProgressPanel } from '../components/ProgressPanel'
import { ExportForm, type ExportStartRequest } from '../components/export/ExportForm'
import { ExportResultPanel, VerifyResultPanel, type ExportResultData, type VerifyResultData } from '../components/export/ExportResults'

interface Running {
  title: string
  jobId: string
  progress: JobProgress | null
}

export function ExportView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const { onError } = props
  const [sources, setSources] = useState<SourceSummary[]>([])
  const [exports, setExports] = useState<ExportListItem[]>([])
  const [job, setJob] = useState<Running | null>(null)
  const [result, setResult] = useState<ExportResultData | null>(null)
  const [verify, setVerify] = useState<VerifyResultData | null>(null)
  const [cancelled, setCancelled] = useState(false)
  const transport = api().transport

  const refresh = useCallback(async () => {
    try {
      const [s, e] = await Promise.all([api().call('sources.list', {}), api().call('export.list', {})])
      setSources(s)
      setExports(e)
    } catch (err) {
      onError(errorMessage(err))
    }
  }, [onError])

  useEffect(() => {
    void refresh()
  }, [refresh, props.current.caseId])

  async function start(req: ExportStartRequest): Promise<void> {
    setResult(null)
    setVerify(null)
    setCancelled(false)
    try {
      const { jobId } = await api().call('export.start', req)
      const title = req.kind === 'access-audit' ? 'Access audit' : 'Export'
      setJob({ title, jobId, progress: null })
      const r = await api().waitForJob(jobId, 'export', (p) => setJob((j) => (j ? { ...j, progress: p } : j)))
      setResult(r)
    } catch (err) {
      if (err instanceof JobCancelled) setCancelled(true)
      else onError(errorMessage(err))
    } finally {
      setJob(null)
      void refresh()
    }
  }

  async function runVerify(exportId: string): Promise<void> {
    setVerify(null)
    try {
      const { jobId } = await api().call('export.verify', { exportId })
      setJob({ title: 'Verification', jobId, progress: null })
      setVerify(await api().waitForJob(jobId, 'exportVerify', (p) => setJob((j) => (j ? { ...j, progress: p } : j))))
    } catch (err) {
      if (!(err instanceof JobCancelled)) onError(errorMessage(err))
    } finally {
      setJob(null)
      void refresh()
    }
  }

  return (
    <div className="export-view" role="region" aria-label="Export">
      <ExportForm
        sources={sources}
        canPickFolder={transport.pickFolder !== undefined}
        pickFolder={() => transport.pickFolder?.('open') ?? Promise.resolve(null)}
        busy={job !== null}
        onStart={(req) => void start(req)}
      />
      {job && <ProgressPanel title={job.title} progress={job.progress} onCancel={() => void api().cancelJob(job.jobId)} />}
      {cancelled && (
        <p className="card" role="status">
          Export cancelled: the unfinished bag was removed and the case&apos;s custody log records the cancel.
        </p>
      )}
      {result && <ExportResultPanel result={result} verifying={job !== null} onVerify={() => void runVerify(result.exportId)} />}
      {verify && <VerifyResultPanel report={verify} />}
      <section className="card" aria-label="Finished exports">
        <h2>Finished exports</h2>
        {exports.length === 0 ? (
          <p className="muted">No export of this case yet.</p>
        ) : (
          <div className="table-wrap">
            <table aria-label="Exports">
              <thead>
                <tr>
                  <th>Completed</th>
                  <th>Kind</th>
                  <th>Path</th>
                  <th>Size</th>
                  <th>Recipient</th>
                  <th>Tag-manifest SHA-256</th>
                  <th>Check</th>
                </tr>
              </thead>
              <tbody>
                {exports.map((e) => (
                  <tr key={e.exportId}>
                    <td className="mono">{e.completedAt}</td>
                    <td>{e.kind === 'access-audit' ? 'Access audit' : 'Evidence'}</td>
                    <td className="mono details">{e.path}</td>
                    <td>{e.size === null ? 'missing' : formatBytes(e.size)}</td>
                    <td>{e.recipient || '—'}</td>
                    <td className="mono details">{e.tagManifestSha256}</td>
                    <td>
                      <button type="button" disabled={!e.exists || job !== null} aria-label={`Verify export ${e.path}`} onClick={() => void runVerify(e.exportId)}>
                        Verify
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}
