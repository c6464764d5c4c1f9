// People from badge data, the accounts that are (or may be) theirs with the reason each link
// was suggested, and what each person did across sources: their path through the building
// (doors in time order) and their logons. Confirm / Reject decide a link (a custody entry).
import { useCallback, useEffect, useState } from 'react'
import type { Device, Identity, Person, PersonLink, Place, TimelineStep } from '@shared/contracts/correlation'
import type { CaseSummary } from '@shared/model'
import { formatInZone, isoToMicros } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { cursor } from '../state/cursorStore'

const when = (iso: string, zone: string): string => formatInZone(isoToMicros(iso) ?? 0, zone)

function LinkRow(props: { person: Person; link: PersonLink; zone: string; onDecide: (identity: string, decision: 'confirm' | 'reject') => void }) {
  const { person, link } = props
  const id = link.identity
  return (
    <li className={`link ${link.status}`}>
      <strong>{id.value}</strong> <span className="muted">({id.kind}; {id.sources.join(', ')}; {id.events} events)</span> — <em aria-label={`Link status of ${id.value}`}>{link.status}</em>
      <div className="muted">{link.reason}</div>
      {id.hosts.length > 0 && (
        <div className="muted">
          Hosts: {id.hosts.map((h) => `${h.host ?? '—'}${h.ip ? ` (${h.ip})` : ''} via ${h.via}`).join('; ')}
        </div>
      )}
      <button type="button" aria-label={`Confirm link ${person.name} ↔ ${id.value}`} disabled={link.status === 'confirmed'} onClick={() => props.onDecide(id.value, 'confirm')}>
        Confirm
      </button>{' '}
      <button type="button" aria-label={`Reject link ${person.name} ↔ ${id.value}`} disabled={link.status === 'rejected'} onClick={() => props.onDecide(id.value, 'reject')}>
        Reject
      </button>
    </li>
  )
}

export function PeopleView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const zone = props.current.timeZone
  const { onError } = props
  const [people, setPeople] = useState<Person[]>([])
  const [unlinked, setUnlinked] = useState<Identity[]>([])
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [steps, setSteps] = useState<TimelineStep[]>([])
  const [truncated, setTruncated] = useState(false)
  const [places, setPlaces] = useState<Place[]>([])
  const [devices, setDevices] = useState<Device[]>([])
  const [manual, setManual] = useState('')

  const refresh = useCallback(() => {
    api()
      .call('people.list', {})
      .then((r) => {
        setPeople(r.people)
        setUnlinked(r.unlinked)
      }, (e: unknown) => onError(errorMessage(e)))
    api().call('places.list', {}).then(setPlaces, (e: unknown) => onError(errorMessage(e)))
    api().call('devices.list', {}).then(setDevices, (e: unknown) => onError(errorMessage(e)))
  }, [onError])
  useEffect(refresh, [refresh, props.current.custodyLength])
  // The rules job rebuilds people after an import: list them again when it finishes.
  useEffect(() => api().onEvent((e) => e.type === 'job.done' && e.kind === 'correlate' && refresh()), [refresh])

  useEffect(() => {
    if (selectedId === null) return
    api()
      .call('people.timeline', { personId: selectedId })
      .then((r) => {
        setSteps(r.steps)
        setTruncated(r.truncated)
      }, (e: unknown) => onError(errorMessage(e)))
  }, [selectedId, onError, props.current.custodyLength])

  const person = people.find((p) => p.id === selectedId) ?? null
  const decide = (identity: string, decision: 'confirm' | 'reject'): void => {
    if (!person) return
    api()
      .call('people.link', { personId: person.id, identity, decision })
      .then(refresh, (e: unknown) => onError(errorMessage(e)))
  }
  const badgePath = steps.filter((s) => s.kind === 'badge')
  const logons = steps.filter((s) => s.kind !== 'badge')

  return (
    <div className="events-layout">
      <section className="card" aria-label="People">
        <h2>People ({people.length})</h2>
        <div className="table-wrap tall">
          <table aria-label="People list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Employee id</th>
                <th>Cards</th>
                <th>Accounts</th>
                <th>Badge events</th>
              </tr>
            </thead>
            <tbody>
              {people.map((p) => {
                const live = p.links.filter((l) => l.status !== 'rejected')
                return (
                  <tr key={p.id} tabIndex={0} className={p.id === selectedId ? 'selected' : undefined} aria-label={`Person ${p.name}`} onClick={() => setSelectedId(p.id)} onKeyDown={(k) => k.key === 'Enter' && setSelectedId(p.id)}>
                    <td>{p.name}</td>
                    <td>{p.employeeId ?? '—'}</td>
                    <td>{p.cards.join(', ')}</td>
                    <td>
                      {live.length === 0 ? '—' : `${live.filter((l) => l.status === 'confirmed').length} linked, ${live.filter((l) => l.status === 'suggested').length} suggested`}
                    </td>
                    <td>{p.events}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
        {unlinked.length > 0 && (
          <p className="muted" aria-label="Accounts with no person">
            Accounts with no person: {unlinked.map((i) => i.value).join(', ')}
          </p>
        )}
        <details>
          <summary>Places ({places.length}) and devices ({devices.length})</summary>
          <table aria-label="Places">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Site</th>
                <th>Name</th>
                <th>Readers</th>
                <th>Cameras</th>
                <th>Events</th>
              </tr>
            </thead>
            <tbody>
              {places.map((p) => (
                <tr key={`${p.kind}|${p.site ?? ''}|${p.name}`}>
                  <td>{p.kind}</td>
                  <td>{p.site ?? ''}</td>
                  <td>{p.name}</td>
                  <td>{p.readers.join(', ')}</td>
                  <td>{p.cameras.join(', ')}</td>
                  <td>{p.events}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table aria-label="Devices">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>First seen</th>
                <th>Last seen</th>
                <th>Problems</th>
                <th>Versions</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={`${d.kind}|${d.name}`}>
                  <td>{d.kind}</td>
                  <td>{d.name}</td>
                  <td className="mono">{d.firstTs ? when(d.firstTs, zone) : '—'}</td>
                  <td className="mono">{d.lastTs ? when(d.lastTs, zone) : '—'}</td>
                  <td>{d.problems.map((p) => `${p.kind} ${when(p.fromTs, zone)} → ${when(p.toTs, zone)}`).join('; ')}</td>
                  <td>{d.versions.map((v) => v.version).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>
      <section className="card detail" aria-label="Person">
        {!person && <p className="muted">Select a person to see their accounts and what they did.</p>}
        {person && (
          <>
            <h3>{person.name}</h3>
            <p className="muted">
              {person.employeeId ? `Employee ${person.employeeId} · ` : ''}cards {person.cards.join(', ') || '—'} · seen {when(person.firstTs, zone)} → {when(person.lastTs, zone)}
            </p>
            <h4>Accounts</h4>
            {person.links.length === 0 && <p className="muted">No account is linked or suggested.</p>}
            <ul aria-label="Accounts" className="plain">
              {person.links.map((l) => (
                <LinkRow key={l.identity.value} person={person} link={l} zone={zone} onDecide={decide} />
              ))}
            </ul>
            <form
              className="toolbar"
              onSubmit={(e) => {
                e.preventDefault()
                if (manual.trim()) decide(manual.trim(), 'confirm')
                setManual('')
              }}
            >
              <label>
                Link an account by hand
                <input list="iwb-identities" value={manual} onChange={(e) => setManual(e.target.value)} />
              </label>
              <datalist id="iwb-identities">
                {unlinked.map((i) => (
                  <option key={i.value} value={i.value} />
                ))}
              </datalist>
              <button type="submit">Link</button>
            </form>
            <h4>Badge path ({badgePath.length})</h4>
            <ol aria-label="Badge path">
              {badgePath.map((s) => (
                <li key={s.eventId}>
                  <button type="button" className="link-button" onClick={() => cursor.setTime(isoToMicros(s.ts) ?? 0, 'list')}>
                    <span className="mono">{when(s.ts, zone)}</span>
                  </button>{' '}
                  {s.place ?? 'unnamed door'} — {s.action}
                </li>
              ))}
            </ol>
            <h4>Logons and sign-ins ({logons.length})</h4>
            <table aria-label="Logons">
              <thead>
                <tr>
                  <th>Time ({zone})</th>
                  <th>Action</th>
                  <th>Outcome</th>
                  <th>Host / place</th>
                  <th>From</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {logons.map((s) => (
                  <tr key={s.eventId} tabIndex={0} onClick={() => cursor.setTime(isoToMicros(s.ts) ?? 0, 'list')}>
                    <td className="mono">{when(s.ts, zone)}</td>
                    <td>{s.action}</td>
                    <td>{s.outcome}</td>
                    <td>{s.place ?? ''}</td>
                    <td>{s.via ?? ''}</td>
                    <td>{s.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {truncated && <p className="muted">Only the first events are shown.</p>}
          </>
        )}
      </section>
    </div>
  )
}
