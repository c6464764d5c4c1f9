// Events in time order with free-text search, field filters (category, outcome, actor,
// host, IP, location, tag), a column chooser and saved views; the table is windowed and
// pages through the result with keyset paging. The detail of one event shows every field,
// raw and corrected time, the original bytes, and the event's tags and notes.
import { useEffect, useMemo, useState } from 'react'
import type { EventColumn, EventNote, ViewFilters } from '@shared/contracts/annotations'
import type { EventRecord } from '@shared/ingestModel'
import type { CaseSummary } from '@shared/model'
import { formatInZone, isoToMicros } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { ALL_COLUMNS, EventTable } from '../components/EventTable'
import { ColumnChooser } from '../components/timeline/ColumnChooser'
import { SavedViewsMenu } from '../components/timeline/SavedViewsMenu'
import { usePagedEvents } from '../components/timeline/usePagedEvents'
import { loadCaseView, useViewState, viewStore } from '../components/timeline/viewStore'
import { focusEventCameras } from '../components/video/CameraGrid'
import { cursor } from '../state/cursorStore'

const PAGE = 1000
const CATEGORIES = ['auth', 'access', 'network', 'web', 'system', 'process', 'cloud', 'video', 'other']

export function EventsView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const view = useViewState()
  const f = view.filters
  const [selected, setSelected] = useState<number | null>(null)
  const [tagList, setTagList] = useState<{ tag: string; events: number }[]>([])
  const [tags, setTags] = useState<Map<number, string[]>>(new Map())
  const [tagsVersion, setTagsVersion] = useState(0)

  useEffect(() => loadCaseView(props.current.dir, props.onError), [props.current.dir])
  useEffect(() => {
    api().call('tags.list', {}).then(setTagList, (e: unknown) => props.onError(errorMessage(e)))
  }, [props.current.custodyLength])

  const paged = usePagedEvents(
    { q: f.q, category: f.category, outcome: f.outcome, actor: f.actor, host: f.host, ip: f.ip, location: f.location, tag: f.tag },
    PAGE,
    props.onError,
    200
  )
  const events = paged.events
  const columns = useMemo(() => ALL_COLUMNS.filter((c) => !view.hiddenColumns.includes(c)), [view.hiddenColumns])

  // Tags of the loaded rows, fetched for the rows not yet known (only while the column shows).
  const showTags = columns.includes('tags')
  useEffect(() => {
    if (!showTags) return
    const missing = events.filter((e) => !tags.has(e.id)).map((e) => e.id)
    if (missing.length === 0) return
    let cancelled = false
    void (async () => {
      const next = new Map(tags)
      for (let i = 0; i < missing.length; i += 5000) {
        const chunk = missing.slice(i, i + 5000)
        for (const id of chunk) next.set(id, [])
        try {
          for (const r of await api().call('events.tagsOf', { eventIds: chunk })) next.set(r.eventId, r.tags)
        } catch (e) {
          props.onError(errorMessage(e))
          return
        }
      }
      if (!cancelled) setTags(next)
    })()
    return () => {
      cancelled = true
    }
  }, [events, showTags, tagsVersion])

  const onTagsChanged = (eventId: number): void => {
    setTags((m) => {
      const next = new Map(m)
      next.delete(eventId)
      return next
    })
    setTagsVersion((v) => v + 1)
    if (f.tag) paged.reload()
  }

  const text = (key: keyof ViewFilters, label: string, placeholder: string) => (
    <label>
      {label}
      <input value={f[key] ?? ''} onChange={(e) => viewStore.setFilters({ [key]: e.target.value || null })} placeholder={placeholder} maxLength={500} />
    </label>
  )

  const zone = props.current.timeZone
  return (
    <div className="events-layout">
      <section className="card" aria-label="Event list">
        <div className="toolbar">
          <label className="grow">
            Search events
            <input type="search" value={f.q ?? ''} onChange={(e) => viewStore.setFilters({ q: e.target.value || null })} placeholder="words, names, hosts, doors…" />
          </label>
          <label>
            Category
            <select value={f.category ?? ''} onChange={(e) => viewStore.setFilters({ category: e.target.value || null })}>
              <option value="">all</option>
              {CATEGORIES.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            Outcome
            <select value={f.outcome ?? ''} onChange={(e) => viewStore.setFilters({ outcome: (e.target.value || null) as ViewFilters['outcome'] })}>
              <option value="">all</option>
              <option>success</option>
              <option>failure</option>
              <option>unknown</option>
            </select>
          </label>
          <label>
            Tag
            <select value={f.tag ?? ''} onChange={(e) => viewStore.setFilters({ tag: e.target.value || null })}>
              <option value="">any</option>
              {f.tag && !tagList.some((t) => t.tag === f.tag) && <option value={f.tag}>{f.tag}</option>}
              {tagList.map((t) => (
                <option key={t.tag} value={t.tag}>
                  {t.tag} ({t.events})
                </option>
              ))}
            </select>
          </label>
          <ColumnChooser hidden={view.hiddenColumns} onChange={(h: EventColumn[]) => viewStore.setHiddenColumns(h)} />
        </div>
        <div className="filters-row" role="group" aria-label="Field filters">
          {text('actor', 'Actor', 'user or account id')}
          {text('host', 'Host', 'host name')}
          {text('ip', 'IP address', 'source or destination')}
          {text('location', 'Location', 'door, room…')}
          {Object.values(f).some((v) => v) && (
            <button type="button" onClick={() => viewStore.setFilters({ q: null, category: null, outcome: null, actor: null, host: null, ip: null, location: null, tag: null })}>
              Clear filters
            </button>
          )}
        </div>
        <SavedViewsMenu onError={props.onError} caseKey={props.current.dir} />
        <EventTable
          events={events}
          zone={zone}
          selectedId={selected}
          onSelect={(e) => {
            setSelected(e.id)
            // One cursor: the timeline and its cameras open on the event picked here, with its door's cameras.
            const us = isoToMicros(e.ts)
            if (us !== null) cursor.setTime(us, 'list')
            focusEventCameras(e.location ?? null)
          }}
          columns={columns}
          tags={tags}
          onNearEnd={paged.loadMore}
          height={560}
        />
        <p className="muted" aria-label="Events loaded" role="status">
          {events.length.toLocaleString('en')} event{events.length === 1 ? '' : 's'} loaded
          {paged.more ? ' (more as you scroll)' : ''}
          {paged.loading ? ' · loading…' : ''}
        </p>
      </section>
      {selected !== null && <EventDetail id={selected} zone={zone} onError={props.onError} onTagsChanged={onTagsChanged} />}
    </div>
  )
}

function EventDetail(props: { id: number; zone: string; onError: (m: string) => void; onTagsChanged: (eventId: number) => void }) {
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
      <EventAnnotations eventId={e.id} onError={props.onError} onTagsChanged={() => props.onTagsChanged(e.id)} />
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

/** Tags and notes of one event; every change is a custody entry (made by the core). */
function EventAnnotations(props: { eventId: number; onError: (m: string) => void; onTagsChanged: () => void }) {
  const [tags, setTags] = useState<string[]>([])
  const [notes, setNotes] = useState<EventNote[]>([])
  const [newTag, setNewTag] = useState('')
  const [newNote, setNewNote] = useState('')
  const [editing, setEditing] = useState<{ id: number; text: string } | null>(null)
  const refresh = (): void => {
    api()
      .call('events.annotations', { eventId: props.eventId })
      .then(
        (a) => {
          setTags(a.tags)
          setNotes(a.notes)
        },
        (e: unknown) => props.onError(errorMessage(e))
      )
  }
  useEffect(refresh, [props.eventId])
  const run = async (work: () => Promise<unknown>, tagsChanged = false): Promise<void> => {
    try {
      await work()
      refresh()
      if (tagsChanged) props.onTagsChanged()
    } catch (e) {
      props.onError(errorMessage(e))
    }
  }
  return (
    <div role="group" aria-label="Tags and notes">
      <div aria-label="Tags" role="list">
        {tags.map((t) => (
          <span key={t} className="tag-chip" role="listitem">
            {t}
            <button type="button" aria-label={`Remove tag ${t}`} onClick={() => void run(() => api().call('events.untag', { eventIds: [props.eventId], tag: t }), true)}>
              ×
            </button>
          </span>
        ))}
      </div>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault()
          const tag = newTag.trim()
          if (tag) void run(() => api().call('events.tag', { eventIds: [props.eventId], tag }), true).then(() => setNewTag(''))
        }}
      >
        <label>
          New tag
          <input value={newTag} onChange={(e) => setNewTag(e.target.value)} maxLength={64} placeholder="e.g. suspect" />
        </label>
        <button type="submit" disabled={!newTag.trim()}>
          Add tag
        </button>
      </form>
      <ul aria-label="Notes">
        {notes.map((n) =>
          editing?.id === n.id ? (
            <li key={n.id}>
              <textarea aria-label="Edit note" value={editing.text} onChange={(e) => setEditing({ id: n.id, text: e.target.value })} rows={2} />
              <button type="button" onClick={() => void run(() => api().call('notes.update', { id: n.id, text: editing.text })).then(() => setEditing(null))}>
                Save note
              </button>
              <button type="button" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </li>
          ) : (
            <li key={n.id}>
              {n.text} <span className="muted">({n.examiner}, v{n.version})</span>
              <button type="button" aria-label={`Edit note ${n.id}`} onClick={() => setEditing({ id: n.id, text: n.text })}>
                Edit
              </button>
              <button type="button" aria-label={`Delete note ${n.id}`} onClick={() => void run(() => api().call('notes.delete', { id: n.id }))}>
                Delete
              </button>
            </li>
          )
        )}
      </ul>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          const text = newNote.trim()
          if (text) void run(() => api().call('events.note', { eventId: props.eventId, text })).then(() => setNewNote(''))
        }}
      >
        <label>
          New note
          <textarea value={newNote} onChange={(e) => setNewNote(e.target.value)} rows={2} maxLength={10_000} />
        </label>
        <button type="submit" disabled={!newNote.trim()}>
          Add note
        </button>
      </form>
    </div>
  )
}
