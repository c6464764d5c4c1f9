// "Map columns…": reading a CSV / TSV / JSON-lines export no built-in format knows. The
// columns of the file's header (or the keys of its first JSON lines) are listed with a
// select per normalised field, prefilled from mapping.suggest; the investigator confirms
// every choice. Whenever the choices make a valid profile it is handed to the import
// dialog, which previews the file with it; "Save as profile" keeps it for next time.
import { useEffect, useMemo, useState } from 'react'
import { AccessAction, EventCategory } from '@shared/event'
import { MappingProfile, type MappingColumnName, type MappingDraft, type MappingSuggestionResult } from '@shared/mappingProfile'
import type { SavedMappingProfile } from '@shared/contract'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'

/** The normalised fields a column can fill, in the order the form shows them. */
const FIELDS: { key: MappingColumnName; label: string; access?: boolean }[] = [
  { key: 'actor', label: 'Actor (person or user name)' },
  { key: 'cardNumber', label: 'Card number', access: true },
  { key: 'employeeId', label: 'Employee ID', access: true },
  { key: 'actorId', label: 'Actor ID (account, badge id…)' },
  { key: 'door', label: 'Door', access: true },
  { key: 'reader', label: 'Reader', access: true },
  { key: 'site', label: 'Site / building', access: true },
  { key: 'panel', label: 'Panel / controller', access: true },
  { key: 'location', label: 'Location' },
  { key: 'action', label: 'Action / event type' },
  { key: 'outcome', label: 'Outcome' },
  { key: 'reason', label: 'Reason (why denied)', access: true },
  { key: 'message', label: 'Message' },
  { key: 'host', label: 'Host' },
  { key: 'srcIp', label: 'Source IP' },
  { key: 'dstIp', label: 'Destination IP' },
  { key: 'category', label: 'Category column' }
]

const TIME_FORMATS = ['iso', 'epoch-s', 'epoch-ms', 'dd/MM/yyyy HH:mm:ss', 'MM/dd/yyyy HH:mm:ss', 'M/d/yyyy h:mm:ss a', 'dd.MM.yyyy HH:mm:ss', 'yyyy-MM-dd HH:mm:ss', 'd-M-yyyy H:mm:ss']

const ACTION_LABELS: Record<AccessAction, string> = {
  granted: 'granted',
  denied: 'denied',
  'forced-open': 'forced open',
  'held-open': 'held open',
  'request-to-exit': 'request to exit',
  tailgating: 'tailgating',
  tamper: 'tamper',
  offline: 'offline',
  'door-opened': 'door opened',
  'door-closed': 'door closed',
  other: 'other'
}

const CUSTOM_ID = 'custom-mapping'
const CUSTOM_NAME = 'Custom mapping'

/** A profile id from a name: lowercase letters, digits and hyphens. */
export function profileIdFromName(name: string): string {
  const id = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '')
  return id || 'mapping'
}

function issuesOf(draft: MappingDraft): { profile: MappingProfile | null; problems: string[] } {
  const columns = Object.fromEntries(Object.entries(draft.columns).filter(([, v]) => v !== ''))
  const actionMap = draft.actionMap && Object.keys(draft.actionMap).length > 0 ? draft.actionMap : undefined
  const r = MappingProfile.safeParse({ ...draft, columns, actionMap })
  if (r.success) return { profile: r.data, problems: [] }
  return { profile: null, problems: r.error.issues.map((i) => `${i.path.join('.') || 'profile'}: ${i.message}`) }
}

export function MappingForm(props: {
  evidenceId: number
  /** Called with a valid profile whenever the choices make one, or null while they do not. */
  onChange: (profile: MappingProfile | null) => void
  onSaved: (saved: SavedMappingProfile) => void
}) {
  const [suggestion, setSuggestion] = useState<MappingSuggestionResult | null>(null)
  const [draft, setDraft] = useState<MappingDraft | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [profileName, setProfileName] = useState('')
  const [saveMessage, setSaveMessage] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    api()
      .call('mapping.suggest', { evidenceId: props.evidenceId })
      .then(
        (s) => {
          if (!live) return
          setSuggestion(s)
          setDraft({ ...s.draft, id: CUSTOM_ID, name: CUSTOM_NAME })
        },
        (e: unknown) => live && setFailure(errorMessage(e))
      )
    return () => {
      live = false
    }
  }, [props.evidenceId])

  const checked = useMemo(() => (draft ? issuesOf(draft) : null), [draft])
  const profileKey = checked?.profile ? JSON.stringify(checked.profile) : null
  useEffect(() => {
    props.onChange(checked?.profile ?? null)
    // The profile's JSON is its identity: only a real change re-runs the preview.
  }, [profileKey])

  if (failure) {
    return (
      <p role="alert" className="issues">
        The columns could not be read: {failure}
      </p>
    )
  }
  if (!suggestion || !draft || !checked) return <p className="muted">Reading the columns…</p>

  const headerRow = draft.headerRow
  /** Column references offered: header names, or column numbers when there is no header row. */
  const options = suggestion.columns.map((name, i) => {
    const sample = (headerRow ? suggestion.sampleRows[0]?.[i] : name) ?? ''
    const value = headerRow ? name : String(i + 1)
    const text = headerRow ? name : `Column ${i + 1}`
    return { value, label: sample ? `${text} (e.g. ${sample.slice(0, 40)})` : text }
  })
  const samplesOf = (ref: string | undefined): string[] => {
    if (!ref) return []
    const i = headerRow ? suggestion.columns.indexOf(ref) : Number(ref) - 1
    if (i < 0) return []
    const rows = headerRow ? suggestion.sampleRows : [suggestion.columns, ...suggestion.sampleRows]
    return rows.map((r) => r[i] ?? '').filter((v) => v !== '')
  }
  const access = draft.category === 'access'
  const actionValues = [...new Set(samplesOf(draft.columns.action))].slice(0, 12)

  const update = (patch: Partial<MappingDraft>): void => setDraft({ ...draft, ...patch })
  const setColumn = (key: MappingColumnName, value: string): void => {
    const columns = { ...draft.columns }
    if (value) columns[key] = value
    else delete columns[key]
    update({ columns, ...(key === 'action' ? { actionMap: undefined } : {}) })
  }
  const setAction = (raw: string, meaning: string): void => {
    const actionMap = { ...(draft.actionMap ?? {}) }
    if (meaning) actionMap[raw] = meaning as AccessAction
    else delete actionMap[raw]
    update({ actionMap })
  }

  async function save(): Promise<void> {
    if (!checked?.profile) return
    const name = profileName.trim()
    try {
      const saved = await api().call('mapping.save', { profile: { ...checked.profile, id: profileIdFromName(name), name } })
      setSaveMessage(`Saved as "${saved.profile.name}" (${saved.path}).`)
      props.onSaved(saved)
    } catch (e) {
      setSaveMessage(errorMessage(e))
    }
  }

  const kindText = suggestion.kind === 'jsonl' ? 'JSON lines' : suggestion.kind === 'tsv' ? 'TSV (tab-separated)' : `CSV (delimiter "${suggestion.delimiter ?? ','}")`
  return (
    <form className="card mapping" aria-label="Column mapping" onSubmit={(e) => e.preventDefault()}>
      <h3>Map columns</h3>
      <p className="muted">
        Read as {kindText}, {suggestion.columns.length} columns. Choose the column for each field; fields left unmapped stay empty, and every other
        column is kept with the event.
      </p>
      {suggestion.notes.length > 0 && (
        <ul className="muted" aria-label="Mapping notes">
          {suggestion.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        {suggestion.kind !== 'jsonl' && (
          <label className="checkbox">
            <span>
              <input
                type="checkbox"
                style={{ width: 'auto' }}
                checked={headerRow}
                onChange={(e) => update({ headerRow: e.target.checked, columns: {}, actionMap: undefined, time: { ...draft.time, column: '' } })}
              />{' '}
              First row holds column names
            </span>
          </label>
        )}
        <label>
          Event category
          <select aria-label="Event category" value={draft.category} onChange={(e) => update({ category: e.target.value as MappingDraft['category'] })}>
            {EventCategory.options.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time column
          <select aria-label="Time column" value={draft.time.column} onChange={(e) => update({ time: { ...draft.time, column: e.target.value } })}>
            <option value="">— choose —</option>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time format
          <input
            value={draft.time.format}
            onChange={(e) => update({ time: { ...draft.time, format: e.target.value } })}
            list="iwb-time-formats"
            placeholder="iso, epoch-s, dd/MM/yyyy HH:mm:ss…"
          />
        </label>
        <datalist id="iwb-time-formats">
          {TIME_FORMATS.map((f) => (
            <option key={f} value={f} />
          ))}
        </datalist>
        <label>
          Time zone of the times
          <select aria-label="Time zone of the times" value={draft.time.zone} onChange={(e) => update({ time: { ...draft.time, zone: e.target.value as 'utc' | 'local' } })}>
            <option value="local">Local: the zone for zone-less times</option>
            <option value="utc">UTC</option>
          </select>
        </label>
      </div>
      {draft.time.column && (
        <p className="muted mono" aria-label="Time samples">
          {samplesOf(draft.time.column).slice(0, 3).join(' · ')}
        </p>
      )}
      <div className="form-grid">
        {FIELDS.filter((f) => access || !f.access).map((f) => (
          <label key={f.key}>
            {f.label}
            <select aria-label={f.label} value={draft.columns[f.key] ?? ''} onChange={(e) => setColumn(f.key, e.target.value)}>
              <option value="">— not mapped —</option>
              {options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {access && actionValues.length > 0 && (
        <fieldset className="action-map">
          <legend>What the action values mean</legend>
          <div className="form-grid">
            {actionValues.map((v) => (
              <label key={v}>
                Meaning of “{v}”
                <select aria-label={`Meaning of “${v}”`} value={draft.actionMap?.[v] ?? ''} onChange={(e) => setAction(v, e.target.value)}>
                  <option value="">classify from the text</option>
                  {AccessAction.options.map((a) => (
                    <option key={a} value={a}>
                      {ACTION_LABELS[a]}
                    </option>
                  ))}
                </select>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {checked.problems.length > 0 ? (
        <ul className="issues" aria-label="Mapping problems">
          {checked.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">The mapping is complete: the preview below reads the file with it.</p>
      )}
      <div className="toolbar">
        <label className="grow">
          Profile name
          <input value={profileName} onChange={(e) => setProfileName(e.target.value)} placeholder="e.g. ACME door controller export" maxLength={200} />
        </label>
        <button type="button" onClick={() => void save()} disabled={!checked.profile || profileName.trim() === ''}>
          Save as profile
        </button>
      </div>
      {saveMessage && (
        <p className="muted" role="status" aria-label="Save result">
          {saveMessage}
        </p>
      )}
    </form>
  )
}
