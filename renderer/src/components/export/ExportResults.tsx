// What an export produced, and the verifier's answer on a bag.
import type { JobResult } from '@shared/contract'
import { formatBytes } from '@shared/format'

export type ExportResultData = JobResult<'export'>
export type VerifyResultData = JobResult<'exportVerify'>

export function ExportResultPanel(props: { result: ExportResultData; verifying: boolean; onVerify: () => void }) {
  const r = props.result
  return (
    <section className="card report-complete" aria-label="Export result">
      <h2>{r.kind === 'access-audit' ? 'Access audit exported' : 'Export complete'}</h2>
      <dl className="detail">
        <dt>Path</dt>
        <dd className="mono" aria-label="Export path">
          {r.path}
        </dd>
        <dt>Contents</dt>
        <dd>
          {`${r.originals} original${r.originals === 1 ? '' : 's'}, ${r.events} events from ${r.sources} source${r.sources === 1 ? '' : 's'}, ${r.clips} clip${r.clips === 1 ? '' : 's'}; ${r.payloadFiles} files, ${formatBytes(r.payloadBytes)}`}
        </dd>
        <dt>Tag-manifest SHA-256</dt>
        <dd className="mono" aria-label="Tag-manifest SHA-256">
          {r.tagManifestSha256}
        </dd>
        <dt>Signing key fingerprint</dt>
        <dd className="mono" aria-label="Signing key fingerprint">
          {r.signer.fingerprint}
        </dd>
        <dt>Signed by</dt>
        <dd>{`${r.signer.examiner}${r.signer.keyCreated ? ' (a new key was created for this examiner)' : ''}`}</dd>
      </dl>
      <p className="muted">Give the recipient the fingerprint separately (phone, letter): it proves the bag was signed with your key.</p>
      {r.interruptedRemoved > 0 && <p className="issues">{`Removed ${r.interruptedRemoved} unfinished export(s) left by an interrupted run (recorded in custody).`}</p>}
      {r.notes.length > 0 && (
        <ul className="issues" aria-label="Export notes">
          {r.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <button type="button" onClick={props.onVerify} disabled={props.verifying}>
        Verify
      </button>
    </section>
  )
}

export function VerifyResultPanel(props: { report: VerifyResultData }) {
  const r = props.report
  return (
    <section className={`card ${r.ok ? 'verify-ok' : 'verify-failed'}`} aria-label="Verification result">
      <h2>{r.ok ? 'Bag verified' : 'Verification FAILED'}</h2>
      <p role="status">
        {r.ok
          ? `verified: ${r.payloadFiles} payload files match both manifests; tag manifests, signature${r.signer ? ` (key ${r.signer.fingerprint.slice(0, 16)}…)` : ''} and custody chain hold.`
          : `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found in ${r.bag}. Do not hand this bag over; export again.`}
      </p>
      {r.problems.length > 0 && (
        <ul className="issues" aria-label="Problems">
          {r.problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </section>
  )
}
