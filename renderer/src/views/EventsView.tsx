// Events in time order with free-text search and filters, and the detail of one event:
// every field, raw and corrected time, and the original bytes with their reference.
import { useEffect, useState } from 'react'
import type { EventRecord } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import { formatInZone, isoToMicros } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { EventTable } from '../components/EventTable'

const PAGE = 500

export function EventsView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const [q, setQ] = useState('')
  const [category, setCategory] = useState('')
  const [outcome, setOutcome] = useState<'' | 'success' | 'failure' | 'unknown'>('')
  const [events, setEvents] = useState<EventRecord[]>([])
  const [more, setMore] = useState(false)
  const [selected, setSelected] = useState<number | null>(null)

  const filter = { q: q || null, category: category || null, outcome: outcome || null, limit: PAGE }
  const load = async (append: boolean): Promise<void> => {
    try {
      const last = append ? events.at(-1) : undefined
      const page = await api().call('events.query', { ...filter, after: last ? { ts: last.ts, id: last.id } : null })
      setEvents(append ? [...events, ...page] : page)
      setMore(page.length === PAGE)
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  useEffect(() => {
    const t = setTimeout(() => void load(false), 200)
    return () => clearTimeout(t)
  }, [q, category, outcome, props.current.custodyLength])

  const zone = props.current.timeZone
  return (
    <div className="events-layout">
      <section className="card" aria-label="Event list">
        <div className="toolbar">
          <label className="grow">
            Search events
            <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="words, names, hosts, doors…" />
          </label>
          <label>
            Category
            <select value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">all</option>
              {['auth', 'access', 'network', 'web', 'system', 'process', 'cloud', 'video', 'other'].map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Outcome
            <select value={outcome} onChange={(e) => setOutcome(e.target.value as typeof outcome)}>
              <option value="">all</option>
              <option>success</option>
              <option>failure</option>
              <option>unknown</option>
            </select>
          </label>
        </div>
        <div className="table-wrap tall">
          <EventTable events={events} zone={zone} selectedId={selected} onSelect={(e) => setSelected(e.id)} showUtc showHost />
        </div>
        <p className="muted">
          {events.length} event{events.length === 1 ? '' : 's'} shown
          {more && (
            <button type="button" onClick={() => void load(true)}>
              Load more
            </button>
          )}
        </p>
      </section>
      {selected !== null && <EventDetail id={selected} zone={zone} onError={props.onError} />}
    </div>
  )
}

function EventDetail(props: { id: number; zone: string; onError: (m: string) => void }) {
  const [detail, setDetail] = useState<{ event: EventRecord; original: string; originalTruncated: boolean } | null>(null)
  useEffect(() => {
    api().call('events.get', { id: props.id }).then(setDetail, (e: unknown) => props.onError(errorMessage(e)))
  }, [props.id])
  if (!detail) return null
  const e = detail.event
  const flags = Object.entries(e.flags)
    .filter(([, v]) => v)
    .map(([k]) => k)
  return (
    <section className="card detail" aria-label="Event detail">
      <h2>Event #{e.id}</h2>
      <dl>
        <dt>Raw time (as written)</dt>
        <dd className="mono">{e.rawTime}</dd>
        <dt>Source clock (UTC)</dt>
        <dd className="mono">{e.sourceTs}</dd>
        <dt>Corrected (UTC)</dt>
        <dd className="mono">{e.ts}</dd>
        <dt>Corrected ({props.zone})</dt>
        <dd className="mono">{formatInZone(isoToMicros(e.ts) ?? 0, props.zone)}</dd>
        {flags.length > 0 && (
          <>
            <dt>Time flags</dt>
            <dd>{flags.join(', ')}</dd>
          </>
        )}
        {(['category', 'action', 'outcome', 'actor', 'actorId', 'host', 'srcIp', 'dstIp', 'location', 'message'] as const).map((k) =>
          e[k] ? (
            <span key={k} className="pair">
              <dt>{k}</dt>
              <dd>{e[k]}</dd>
            </span>
          ) : null
        )}
        {Object.entries(e.fields).map(([k, v]) => (
          <span key={`f-${k}`} className="pair">
            <dt>{k}</dt>
            <dd className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
          </span>
        ))}
        <dt>Reference</dt>
        <dd className="mono" aria-label="Evidence reference">
          sha256 {e.ref.sha256} · byte {e.ref.offset} · {e.ref.line !== null ? `line ${e.ref.line}` : `record ${e.ref.record}`} · {e.ref.length} bytes
        </dd>
      </dl>
      <h3>Original bytes</h3>
      <pre className="original" aria-label="Original record">
        {detail.original}
        {detail.originalTruncated && '\n… (truncated)'}
      </pre>
    </section>
  )
}
