// Cameras: footage import from acquired evidence, cameras with zone/offset/coverage, files
// that still need a start ("Place…"), clock calibration from a reference event, and which
// camera sees which door (suggestions to confirm or change).
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { CameraInfo, DoorCamera, VideoFileInfo } from '@shared/contracts/video'
import type { CaseSummary, EvidenceItem } from '@shared/model'
import { microsToIso } from '@shared/time'
import { api } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { cursor } from '../state/cursorStore'

const iso = (us: number | null): string => (us === null ? '—' : microsToIso(us))
const seconds = (us: number): string => `${(us / 1e6).toFixed(us % 1e6 === 0 ? 0 : 3)} s`
const offsetText = (us: number): string => (us === 0 ? '0 s' : `${us > 0 ? '+' : '−'}${seconds(Math.abs(us))}`)

export function CamerasView(props: { current: CaseSummary; onError: (m: string) => void }) {
  const [cameras, setCameras] = useState<CameraInfo[]>([])
  const [doors, setDoors] = useState<DoorCamera[]>([])
  const [evidence, setEvidence] = useState<EvidenceItem[]>([])
  const [placing, setPlacing] = useState<VideoFileInfo | null>(null)
  const [editing, setEditing] = useState<CameraInfo | null>(null)
  const [busy, setBusy] = useState<string | null>(null)
  const fail = (e: unknown): void => props.onError(errorMessage(e))

  const refresh = useCallback(() => {
    api().call('cameras.list', {}).then(setCameras, fail)
    // One clear name match per door is applied at once, marked "suggested" until confirmed or changed.
    api().call('doorCameras.suggest', {}).then(setDoors, fail)
    api().call('evidence.list', {}).then(setEvidence, fail)
  }, [])
  useEffect(refresh, [refresh, props.current.custodyLength])

  const files = cameras.flatMap((c) => c.files)
  const imported = new Set(files.map((f) => f.evidenceId))
  const notImported = evidence.filter((e) => !imported.has(e.id))
  // A Hikvision file shown as its recordings (pieces) needs no start of its own.
  const shownAsPieces = (f: VideoFileInfo): boolean => (f.split?.pieces.some((p) => p.videoFileId !== f.id) ?? false)
  const unplaced = files.filter((f) => f.startUs === null && !shownAsPieces(f))

  const importVideo = async (ids: number[]): Promise<void> => {
    setBusy('Importing video…')
    try {
      const { jobId } = await api().call('video.import', { evidenceIds: ids })
      const r = await api().waitForJob(jobId, 'video-import')
      const refused = r.items.filter((i) => i.outcome === 'refused')
      if (refused.length) props.onError(refused.map((i) => `${i.fileName}: ${i.message}`).join(' · '))
    } catch (e) {
      fail(e)
    } finally {
      setBusy(null)
      refresh()
    }
  }

  return (
    <div className="cameras-page">
      <section className="card" aria-label="Cameras">
        <h2>Cameras ({cameras.length})</h2>
        {busy && <p role="status">{busy}</p>}
        <div className="table-wrap">
          <table aria-label="Cameras">
            <thead>
              <tr>
                <th>Name</th>
                <th>Time zone</th>
                <th>Clock offset</th>
                <th>Files</th>
                <th>Track (UTC)</th>
                <th>Coverage</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {cameras.map((c) => (
                <tr key={c.id}>
                  <td title={c.identifiedBy}>{c.name}</td>
                  <td>{c.timeZone ?? 'unknown'}</td>
                  <td title={c.offsetNotes}>
                    {offsetText(c.clockOffsetUs)} <span className="muted">({c.offsetMethod})</span>
                  </td>
                  <td>
                    {c.files.length}
                    {c.files.some((f) => f.startUs === null) ? ` (${c.files.filter((f) => f.startUs === null).length} unplaced)` : ''}
                  </td>
                  <td>
                    {iso(c.track.startUs)} → {iso(c.track.endUs)}
                    {c.track.gaps.length ? ` · ${c.track.gaps.length} gaps` : ''}
                    {c.track.overlaps.length ? ` · ${c.track.overlaps.length} overlaps` : ''}
                  </td>
                  <td>{seconds(c.track.coveredUs)}</td>
                  <td>
                    <button type="button" onClick={() => setEditing(c)} aria-label={`Edit camera ${c.name}`}>
                      Edit…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {editing && <CameraForm camera={editing} onDone={() => (setEditing(null), refresh())} onError={props.onError} />}
      </section>

      <section className="card" aria-label="Video files">
        <h2>Video files ({files.length})</h2>
        <div className="table-wrap">
          <table aria-label="Video files">
            <thead>
              <tr>
                <th>#</th>
                <th>File</th>
                <th>Camera</th>
                <th>Codec</th>
                <th>Start (UTC)</th>
                <th>How the start was found</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.id}>
                  <td>{f.id}</td>
                  <td title={f.sha256}>{f.fileName}</td>
                  <td>{cameras.find((c) => c.id === f.cameraId)?.name}</td>
                  <td>
                    {f.codec} {f.width}×{f.height} {f.playback === 'transcode' ? '(transcoded to play)' : ''}
                  </td>
                  <td>{f.startUs === null ? <strong>unplaced</strong> : iso(f.startUs)}</td>
                  <td>
                    {f.startUs === null ? f.unplacedReason : `${f.startMethod}: ${f.startDetail}`}
                    {f.piece && <div className="muted">{`bytes [${f.piece.byteStart}, ${f.piece.byteEnd}) of evidence #${f.piece.of.evidenceId} ${f.piece.of.fileName}`}</div>}
                    {f.split && f.split.refused.length > 0 && (
                      <details>
                        <summary>{f.split.refused.length} index segment(s) not used</summary>
                        <ul aria-label={`Segments of ${f.fileName} not used`}>
                          {f.warnings.map((w) => (
                            <li key={w}>{w}</li>
                          ))}
                        </ul>
                      </details>
                    )}
                  </td>
                  <td>
                    {!shownAsPieces(f) && (
                      <button type="button" onClick={() => setPlacing(f)} aria-label={`Place ${f.fileName}`}>
                        Place…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {unplaced.length > 0 && <p className="issues">{unplaced.length} file(s) need a start before they appear on the timeline: use “Place…”.</p>}
        {placing && <PlaceForm file={placing} onDone={() => (setPlacing(null), refresh())} onError={props.onError} />}
        {notImported.length > 0 && (
          <>
            <h3>Evidence not imported as video</h3>
            <ul aria-label="Evidence not imported as video">
              {notImported.map((e) => (
                <li key={e.id}>
                  #{e.id} {e.originalName}{' '}
                  <button type="button" onClick={() => void importVideo([e.id])} disabled={busy !== null} aria-label={`Import ${e.originalName} as video`}>
                    {/* A Hikvision card index is no footage: importing it places the card's hiv files as their recordings. */}
                    {/^index0[01]\.bin$/i.test(e.originalName) ? 'Apply as card index' : 'Import as video'}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <CalibrationForm files={files.filter((f) => f.startUs !== null && f.offsetApplied)} cameras={cameras} onDone={refresh} onError={props.onError} />
      <DoorTable doors={doors} cameras={cameras} onChange={setDoors} onError={props.onError} />
    </div>
  )
}

function CameraForm(props: { camera: CameraInfo; onDone: () => void; onError: (m: string) => void }) {
  const c = props.camera
  const [name, setName] = useState(c.name)
  const [zone, setZone] = useState(c.timeZone ?? '')
  const [offset, setOffset] = useState(`${c.clockOffsetUs / 1e6}s`.replace(/^(\d)/, '+$1'))
  const [reason, setReason] = useState('')
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    api()
      .call('cameras.update', { cameraId: c.id, name, timeZone: zone === '' ? null : zone, offset, reason })
      .then(props.onDone, (err: unknown) => props.onError(errorMessage(err)))
  }
  return (
    <form className="card dialog" onSubmit={submit} aria-label={`Edit camera ${c.name}`}>
      <div className="form-grid">
        <label>
          Camera name
          <input value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Camera time zone
          <input value={zone} onChange={(e) => setZone(e.target.value)} list="iwb-zones" placeholder="unknown" />
        </label>
        <label>
          Clock offset (added to camera time)
          <input value={offset} onChange={(e) => setOffset(e.target.value)} placeholder="-43s" />
        </label>
        <label>
          Reason
          <input value={reason} onChange={(e) => setReason(e.target.value)} required placeholder="why this changes (custody)" />
        </label>
      </div>
      <button type="submit">Save camera</button>{' '}
      <button type="button" onClick={props.onDone}>
        Cancel
      </button>
    </form>
  )
}

function PlaceForm(props: { file: VideoFileInfo; onDone: () => void; onError: (m: string) => void }) {
  const f = props.file
  const [start, setStart] = useState(f.startUs !== null ? microsToIso(f.startUs) : '')
  const [zone, setZone] = useState('')
  const [basis, setBasis] = useState<'reference-clock' | 'camera-clock'>('reference-clock')
  const [reason, setReason] = useState('')
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    api()
      .call('video.place', { fileId: f.id, start, timeZone: zone === '' ? null : zone, basis, reason })
      .then(props.onDone, (err: unknown) => props.onError(errorMessage(err)))
  }
  return (
    <form className="card dialog" onSubmit={submit} aria-label={`Place ${f.fileName}`}>
      <p>
        Where does <strong>{f.fileName}</strong> start? {f.unplacedReason ?? ''}
      </p>
      <div className="form-grid">
        <label>
          Start (ISO 8601)
          <input value={start} onChange={(e) => setStart(e.target.value)} required placeholder="2024-03-05T14:30:00Z" />
        </label>
        <label>
          Time zone (when the start has no offset)
          <input value={zone} onChange={(e) => setZone(e.target.value)} list="iwb-zones" />
        </label>
        <label>
          The start is
          <select value={basis} onChange={(e) => setBasis(e.target.value as typeof basis)}>
            <option value="reference-clock">true time (no camera offset)</option>
            <option value="camera-clock">the camera’s clock (offset applies)</option>
          </select>
        </label>
        <label>
          Reason
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. read off the on-screen clock" />
        </label>
      </div>
      <button type="submit">Place file</button>{' '}
      <button type="button" onClick={props.onDone}>
        Cancel
      </button>
    </form>
  )
}

function CalibrationForm(props: { files: VideoFileInfo[]; cameras: CameraInfo[]; onDone: () => void; onError: (m: string) => void }) {
  const [fileId, setFileId] = useState<number | null>(null)
  const [position, setPosition] = useState('')
  const [eventId, setEventId] = useState('')
  const [eventTime, setEventTime] = useState('')
  const [result, setResult] = useState<string | null>(null)
  const chosen = fileId ?? props.files[0]?.id ?? null
  /** The frame on screen: the file under the shared cursor and the position in it. */
  const takeCursorFrame = (): void => {
    const t = cursor.get().timeUs
    const f = t === null ? undefined : props.files.find((x) => x.id === chosen && x.startUs! <= t && t < x.endUs!) ?? props.files.find((x) => x.startUs! <= t && t < x.endUs!)
    if (t === null || !f) return props.onError('Move the cursor (Timeline, camera grid) to the frame where the event is seen, on a placed file, then use it here.')
    setFileId(f.id)
    setPosition(((t - f.startUs!) / 1e6).toFixed(6))
  }
  const submit = (e: FormEvent): void => {
    e.preventDefault()
    if (chosen === null) return
    const positionUs = Math.round(Number(position) * 1e6)
    if (!Number.isFinite(positionUs) || positionUs < 0) return props.onError('The position is the number of seconds into the file where the event is seen, e.g. 12.48.')
    api()
      .call('video.calibrate', { fileId: chosen, positionUs, eventId: eventId ? Number(eventId) : null, eventTime: eventTime || null })
      .then(
        (r) => {
          setResult(`${r.camera.name}: offset ${offsetText(r.previousOffsetUs)} → ${offsetText(r.newOffsetUs)} (${r.description})${r.warnings.length ? ` · ${r.warnings.join(' · ')}` : ''}`)
          props.onDone()
        },
        (err: unknown) => props.onError(errorMessage(err))
      )
  }
  return (
    <section className="card" aria-label="Calibration">
      <h2>Calibrate a camera clock</h2>
      <p className="muted">Pick a reference event (e.g. a badge swipe) and the point in a file where it is seen: the camera’s offset is computed, stored and logged. Originals are not changed.</p>
      <form onSubmit={submit} className="form-grid">
        <label>
          Video file
          <select value={chosen ?? ''} onChange={(e) => setFileId(Number(e.target.value))}>
            {props.files.map((f) => (
              <option key={f.id} value={f.id}>
                #{f.id} {f.fileName} ({props.cameras.find((c) => c.id === f.cameraId)?.name})
              </option>
            ))}
          </select>
        </label>
        <label>
          Seen at (seconds into the file)
          <input value={position} onChange={(e) => setPosition(e.target.value)} required inputMode="decimal" />
        </label>
        <div>
          <button type="button" onClick={takeCursorFrame}>
            Use the frame at the cursor
          </button>
        </div>
        <label>
          Reference event #
          <input value={eventId} onChange={(e) => setEventId(e.target.value)} inputMode="numeric" />
        </label>
        <label>
          or reference time (UTC)
          <input value={eventTime} onChange={(e) => setEventTime(e.target.value)} placeholder="2024-03-05T14:30:02Z" />
        </label>
        <div>
          <button type="submit" disabled={chosen === null}>
            Calibrate
          </button>
        </div>
      </form>
      {result && <p role="status">{result}</p>}
    </section>
  )
}

function DoorTable(props: { doors: DoorCamera[]; cameras: CameraInfo[]; onChange: (d: DoorCamera[]) => void; onError: (m: string) => void }) {
  const [changing, setChanging] = useState<string | null>(null)
  const set = (door: string, cameraId: number | null): void => {
    api()
      .call('doorCameras.set', { door, cameraId })
      .then((d) => (props.onChange(d), setChanging(null)), (e: unknown) => props.onError(errorMessage(e)))
  }
  return (
    <section className="card" aria-label="Doors and cameras">
      <h2>Doors and cameras</h2>
      <button type="button" onClick={() => api().call('doorCameras.suggest', {}).then(props.onChange, (e: unknown) => props.onError(errorMessage(e)))}>
        Suggest from names
      </button>
      <table aria-label="Door cameras">
        <thead>
          <tr>
            <th>Door</th>
            <th>Camera</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.doors.map((d) => (
            <tr key={d.door}>
              <td>{d.door}</td>
              <td>
                {changing === d.door ? (
                  <select aria-label={`Camera for ${d.door}`} value={d.cameraId ?? ''} onChange={(e) => set(d.door, e.target.value === '' ? null : Number(e.target.value))}>
                    <option value="">(none)</option>
                    {props.cameras.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                ) : (
                  (d.cameraName ?? '—')
                )}
              </td>
              <td title={d.reason}>{d.status === 'none' ? '' : d.status}</td>
              <td>
                {d.status === 'suggested' && (
                  <button type="button" onClick={() => set(d.door, d.cameraId)} aria-label={`Confirm camera for ${d.door}`}>
                    Confirm
                  </button>
                )}{' '}
                <button type="button" onClick={() => setChanging(d.door)} aria-label={`Change camera for ${d.door}`}>
                  Change
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
