// The export choices: report kind, scope (whole case or a time range), sources, cameras,
// tagged only, findings, access-audit areas and working hours, recipient and purpose,
// ZIP or folder, and (desktop only) the output folder. Every control has a label.
import { useState } from 'react'
import type { Request } from '@shared/contract'
import type { SourceSummary } from '@shared/ingestModel'

export type ExportStartRequest = Request<'export.start'>

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const

const splitList = (text: string): string[] =>
  text
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean)

export function ExportForm(props: {
  sources: SourceSummary[]
  canPickFolder: boolean
  pickFolder: () => Promise<string | null>
  busy: boolean
  onStart: (req: ExportStartRequest) => void
}) {
  const [kind, setKind] = useState<'evidence' | 'access-audit'>('evidence')
  const [scope, setScope] = useState<'case' | 'range'>('case')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [sourceIds, setSourceIds] = useState<number[]>([])
  const [cameras, setCameras] = useState('')
  const [taggedOnly, setTaggedOnly] = useState(false)
  const [findingsOnly, setFindingsOnly] = useState(false)
  const [findings, setFindings] = useState(true)
  const [areas, setAreas] = useState('')
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5])
  const [start, setStart] = useState('07:00')
  const [end, setEnd] = useState('19:00')
  const [recipient, setRecipient] = useState('')
  const [purpose, setPurpose] = useState('')
  const [format, setFormat] = useState<'zip' | 'folder'>('zip')
  const [outputDir, setOutputDir] = useState('')

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    props.onStart({
      kind,
      from: scope === 'range' && from.trim() ? from.trim() : null,
      to: scope === 'range' && to.trim() ? to.trim() : null,
      sourceIds: sourceIds.length ? sourceIds : null,
      cameras: splitList(cameras),
      taggedOnly,
      findingsOnly,
      findings,
      areas: kind === 'access-audit' ? splitList(areas) : [],
      workingHours: { days, start, end },
      recipient,
      purpose,
      format,
      // In the browser the host writes into the case's exports/ folder only.
      outputDir: props.canPickFolder && outputDir.trim() ? outputDir.trim() : null
    })
  }

  const toggle = (list: number[], id: number, on: boolean): number[] => (on ? [...list, id].sort((a, b) => a - b) : list.filter((x) => x !== id))

  return (
    <form className="card" aria-label="Export choices" onSubmit={submit}>
      <h2>New export</h2>
      <fieldset>
        <legend>Report</legend>
        <label className="row">
          <input type="radio" name="kind" checked={kind === 'evidence'} onChange={() => setKind('evidence')} /> Evidence package
        </label>
        <label className="row">
          <input type="radio" name="kind" checked={kind === 'access-audit'} onChange={() => setKind('access-audit')} /> Access audit (doors and badges)
        </label>
      </fieldset>
      <fieldset>
        <legend>Scope</legend>
        <label className="row">
          <input type="radio" name="scope" checked={scope === 'case'} onChange={() => setScope('case')} /> Whole case
        </label>
        <label className="row">
          <input type="radio" name="scope" checked={scope === 'range'} onChange={() => setScope('range')} /> Time range
        </label>
        {scope === 'range' && (
          <div className="form-grid">
            <label>
              From (ISO 8601, e.g. 2024-05-03T22:00:00Z)
              <input value={from} onChange={(e) => setFrom(e.target.value)} placeholder="2024-05-03T22:00:00Z" />
            </label>
            <label>
              To, not included (ISO 8601)
              <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="2024-05-04T02:00:00Z" />
            </label>
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>Sources (none ticked: every source)</legend>
        {props.sources.length === 0 && <p className="muted">No imported sources: the export holds the originals only.</p>}
        {props.sources.map((s) => (
          <label className="row" key={s.id}>
            <input type="checkbox" checked={sourceIds.includes(s.id)} onChange={(e) => setSourceIds((l) => toggle(l, s.id, e.target.checked))} />
            {`#${s.id} ${s.fileName} (${s.events} events)`}
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <label>
          Cameras for clips (names, comma-separated; empty: no clips)
          <input value={cameras} onChange={(e) => setCameras(e.target.value)} />
        </label>
        <label className="row">
          <input type="checkbox" checked={taggedOnly} onChange={(e) => setTaggedOnly(e.target.checked)} /> Tagged or bookmarked events only
        </label>
        <label className="row">
          <input type="checkbox" checked={findings} onChange={(e) => setFindings(e.target.checked)} /> Include findings
        </label>
        <label className="row">
          <input type="checkbox" checked={findingsOnly} onChange={(e) => setFindingsOnly(e.target.checked)} /> Events of confirmed findings only
        </label>
      </div>
      {kind === 'access-audit' && (
        <fieldset>
          <legend>Access audit</legend>
          <label>
            Areas (locations, comma-separated, matched exactly or as a prefix; empty: every door)
            <input value={areas} onChange={(e) => setAreas(e.target.value)} />
          </label>
          <div role="group" aria-label="Working days" className="row">
            {DAYS.map((d, i) => (
              <label className="row" key={d}>
                <input type="checkbox" checked={days.includes(i + 1)} onChange={(e) => setDays((l) => toggle(l, i + 1, e.target.checked))} /> {d}
              </label>
            ))}
          </div>
          <div className="form-grid">
            <label>
              Working hours start (case time zone)
              <input type="time" value={start} onChange={(e) => setStart(e.target.value)} />
            </label>
            <label>
              Working hours end
              <input type="time" value={end} onChange={(e) => setEnd(e.target.value)} />
            </label>
          </div>
        </fieldset>
      )}
      <div className="form-grid">
        <label>
          Recipient
          <input value={recipient} onChange={(e) => setRecipient(e.target.value)} />
        </label>
        <label>
          Purpose
          <input value={purpose} onChange={(e) => setPurpose(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Format</legend>
        <label className="row">
          <input type="radio" name="format" checked={format === 'zip'} onChange={() => setFormat('zip')} /> One ZIP file
        </label>
        <label className="row">
          <input type="radio" name="format" checked={format === 'folder'} onChange={() => setFormat('folder')} /> A folder
        </label>
      </fieldset>
      {props.canPickFolder ? (
        <div className="toolbar">
          <label className="grow">
            Output folder (empty: the case&apos;s exports folder)
            <input value={outputDir} onChange={(e) => setOutputDir(e.target.value)} />
          </label>
          <button type="button" onClick={() => void props.pickFolder().then((p) => p && setOutputDir(p))}>
            Choose output folder…
          </button>
        </div>
      ) : (
        <p className="muted">The export is written to the case&apos;s exports folder on the workstation.</p>
      )}
      <button type="submit" disabled={props.busy}>
        Start export
      </button>
    </form>
  )
}
