// Findings of the correlation rules: filter by rule, severity and status; select one to put
// the shared cursor on it and see its events and cameras; confirm or dismiss it (with a
// reason). The rules run after every import; "Run rules" runs them on demand.
import { useCallback, useEffect, useState } from 'react'
import { RULE_IDS, RULE_NAMES, type Finding, type FindingStatus, type RuleId, type Severity } from '@shared/contracts/correlation'
import type { EventRecord } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import { formatInZone, isoToMicros } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { EventTable } from '../components/EventTable'
import { RuleSettingsEditor } from '../components/correlation/RuleSettingsEditor'
import { cursor, useCursor } from '../state/cursorStore'

export function FindingsView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const zone = props.current.timeZone
  const { onError } = props
  const [rule, setRule] = useState<RuleId | ''>('')
  const [severity, setSeverity] = useState<Severity | ''>('')
  const [status, setStatus] = useState<FindingStatus | ''>('')
  const [findings, setFindings] = useState<Finding[]>([])
  const [stale, setStale] = useState(false)
  const [lastRunAt, setLastRunAt] = useState<string | null>(null)
  const [running, setRunning] = useState(false)
  const [selected, setSelected] = useState<{ finding: Finding; events: EventRecord[] } | null>(null)
  const [selectedEvent, setSelectedEvent] = useState<number | null>(null)
  const [reason, setReason] = useState('')
  const [showSettings, setShowSettings] = useState(false)
  const now = useCursor()

  const refresh = useCallback(() => {
    api()
      .call('findings.list', { rule: rule || null, severity: severity || null, status: status || null })
      .then((r) => {
        setFindings(r.findings)
        setStale(r.stale)
        setLastRunAt(r.lastRunAt)
      }, (e: unknown) => onError(errorMessage(e)))
  }, [rule, severity, status, onError])

  const run = useCallback(() => {
    setRunning(true)
    api()
      .call('findings.run', {})
      .then((r) => api().waitForJob(r.jobId, 'correlate'))
      .then(refresh, (e: unknown) => onError(errorMessage(e)))
      .finally(() => setRunning(false))
  }, [refresh, onError])

  useEffect(refresh, [refresh, props.current.custodyLength])
  // Findings made before the last import are out of date: run the rules once on opening.
  useEffect(() => {
    if (stale && !running) run()
  }, [stale])

  const select = (f: Finding): void => {
    const us = isoToMicros(f.ts)
    if (us !== null) cursor.setTime(us, 'finding')
    setReason(f.reason)
    api()
      .call('findings.get', { id: f.id })
      .then(setSelected, (e: unknown) => onError(errorMessage(e)))
  }

  const decide = (decision: 'confirm' | 'dismiss' | 'reopen'): void => {
    if (!selected) return
    api()
      .call('findings.decide', { id: selected.finding.id, decision, reason })
      .then((finding) => {
        setSelected({ ...selected, finding })
        refresh()
      }, (e: unknown) => onError(errorMessage(e)))
  }

  const f = selected?.finding
  return (
    <div className="events-layout">
      <section className="card" aria-label="Findings">
        <h2>Findings ({findings.length})</h2>
        <div className="toolbar">
          <label>
            Rule
            <select aria-label="Filter by rule" value={rule} onChange={(e) => setRule(e.target.value as RuleId | '')}>
              <option value="">All rules</option>
              {RULE_IDS.map((id) => (
                <option key={id} value={id}>
                  {RULE_NAMES[id]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Severity
            <select aria-label="Filter by severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
              <option value="">All</option>
              <option value="high">High</option>
              <option value="medium">Medium</option>
              <option value="low">Low</option>
            </select>
          </label>
          <label>
            Status
            <select aria-label="Filter by status" value={status} onChange={(e) => setStatus(e.target.value as FindingStatus | '')}>
              <option value="">All</option>
              <option value="open">Open</option>
              <option value="confirmed">Confirmed</option>
              <option value="dismissed">Dismissed</option>
            </select>
          </label>
          <button type="button" onClick={run} disabled={running}>
            {running ? 'Running rules…' : 'Run rules'}
          </button>
          <button type="button" aria-expanded={showSettings} onClick={() => setShowSettings(!showSettings)}>
            Rule settings
          </button>
        </div>
        <p className="muted" aria-label="Rules status">
          {running ? 'Running the rules…' : stale ? 'Events changed since the rules last ran.' : lastRunAt ? `Rules last ran ${formatInZone(isoToMicros(lastRunAt) ?? 0, zone)}.` : 'The rules have not run yet.'}
        </p>
        {showSettings && (
          <RuleSettingsEditor
            onError={onError}
            onSaved={() => {
              setShowSettings(false)
              run()
            }}
          />
        )}
        <div className="table-wrap tall">
          <table aria-label="Findings list">
            <thead>
              <tr>
                <th>Time ({zone})</th>
                <th>Severity</th>
                <th>Rule</th>
                <th>Finding</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((x) => (
                <tr
                  key={x.id}
                  className={f?.id === x.id ? 'selected' : undefined}
                  tabIndex={0}
                  aria-label={`Finding ${x.title}`}
                  onClick={() => select(x)}
                  onKeyDown={(k) => k.key === 'Enter' && select(x)}
                >
                  <td className="mono">{formatInZone(isoToMicros(x.ts) ?? 0, zone)}</td>
                  <td>{x.severity}</td>
                  <td>{x.ruleName}</td>
                  <td>
                    {x.title}
                    {x.unconfirmedLink && <span className="badge warn"> unconfirmed link</span>}
                  </td>
                  <td>{x.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {findings.length === 0 && <p className="muted">No findings{rule || severity || status ? ' match these filters' : ''}.</p>}
        </div>
      </section>
      <section className="card detail" aria-label="Finding detail">
        <p>
          Cursor:{' '}
          <output role="status" aria-label="Cursor time" className="mono">
            {now.timeUs === null ? '—' : formatInZone(now.timeUs, zone)}
          </output>
        </p>
        {!f && <p className="muted">Select a finding to see its events and cameras.</p>}
        {f && selected && (
          <>
            <h3>{f.title}</h3>
            <p>
              <span className={`badge ${f.severity}`}>{f.severity}</span> {f.ruleName} · {f.status}
              {f.unconfirmedLink && (
                <span className="badge warn" aria-label="Unconfirmed link">
                  {' '}
                  unconfirmed link — rests on a person ↔ account link nobody has confirmed (People view)
                </span>
              )}
            </p>
            <dl>
              <dt>Time</dt>
              <dd className="mono" aria-label="Finding time">
                {formatInZone(isoToMicros(f.ts) ?? 0, zone)}
                {f.endTs !== f.ts ? ` → ${formatInZone(isoToMicros(f.endTs) ?? 0, zone)}` : ''}
              </dd>
              <dt>Why</dt>
              <dd>{f.explanation}</dd>
              <dt>About</dt>
              <dd>{f.subjects.join(', ')}</dd>
              <dt>Cameras to look at</dt>
              <dd>
                {f.cameras.length ? (
                  <ul aria-label="Cameras">
                    {f.cameras.map((c) => (
                      <li key={c}>{c}</li>
                    ))}
                  </ul>
                ) : (
                  'none associated'
                )}
              </dd>
            </dl>
            <h4>Supporting events ({selected.events.length})</h4>
            <div className="table-wrap">
              <EventTable
                events={selected.events}
                zone={zone}
                selectedId={selectedEvent}
                columns={['time', 'category', 'action', 'outcome', 'actor', 'host', 'location', 'message']}
                onSelect={(e) => {
                  setSelectedEvent(e.id)
                  const us = isoToMicros(e.ts)
                  if (us !== null) cursor.setTime(us, 'finding')
                }}
              />
            </div>
            <label>
              Reason (required to dismiss)
              <input value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
            <div className="toolbar">
              <button type="button" onClick={() => decide('confirm')} disabled={f.status === 'confirmed'}>
                Confirm finding
              </button>
              <button type="button" onClick={() => decide('dismiss')} disabled={f.status === 'dismissed' || reason.trim() === ''}>
                Dismiss finding
              </button>
              {f.status !== 'open' && (
                <button type="button" onClick={() => decide('reopen')}>
                  Reopen finding
                </button>
              )}
            </div>
          </>
        )}
      </section>
    </div>
  )
}
