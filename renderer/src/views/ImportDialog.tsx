// The import dialog: detected format (or the investigator's choice: a built-in format, a
// saved mapping profile, or a custom mapping made here with "Map columns…"), the time
// decisions (zone for zone-less stamps, year for year-less ones, clock offset), a preview
// of the first events with raw and resolved time side by side, then the import with
// progress, cancel and its report.
import { useEffect, useState } from 'react'
import type { ImportPreview, JobProgress, SavedMappingProfile } from '@shared/contract'
import type { FormatInfo, ImportReport } from '@shared/ingestModel'
import type { MappingProfile } from '@shared/mappingProfile'
import type { EvidenceItem } from '@shared/model'
import { api, JobCancelled } from '../api/client'
import { errorMessage } from '../components/ErrorBanner'
import { ProgressPanel } from '../components/ProgressPanel'
import { ImportReportView } from './ImportReportView'
import { MappingForm } from './MappingForm'

/** Format select values that are not built-in format ids. */
const CUSTOM = 'custom-mapping:'
const PROFILE = 'mapping-profile:'

export function ImportDialog(props: { item: EvidenceItem; caseZone: string; onClose: () => void; onError: (m: string) => void }) {
  const [formats, setFormats] = useState<FormatInfo[]>([])
  const [profiles, setProfiles] = useState<SavedMappingProfile[]>([])
  const [format, setFormat] = useState('')
  /** The profile the custom mapping form currently makes (null while incomplete). */
  const [custom, setCustom] = useState<MappingProfile | null>(null)
  const [timeZone, setTimeZone] = useState(props.caseZone)
  const [year, setYear] = useState('')
  const [offset, setOffset] = useState('0s')
  const [preview, setPreview] = useState<ImportPreview | null>(null)
  const [job, setJob] = useState<{ jobId: string; progress: JobProgress | null } | null>(null)
  const [reports, setReports] = useState<ImportReport[] | null>(null)
  const [camera, setCamera] = useState('')
  const [videoResult, setVideoResult] = useState<string | null>(null)

  const saved = format.startsWith(PROFILE) ? (profiles.find((p) => p.profile.id === format.slice(PROFILE.length))?.profile ?? null) : null
  const mapping = format === CUSTOM ? custom : saved
  const builtIn = format === CUSTOM || format.startsWith(PROFILE) ? null : format || null
  const request = () => ({
    evidenceId: props.item.id,
    format: builtIn,
    mapping,
    timeZone: timeZone || null,
    year: year ? Number(year) : null,
    offset: offset || '0s'
  })

  const loadProfiles = (): Promise<void> =>
    api()
      .call('mapping.list', {})
      .then((l) => setProfiles(l.profiles), (e: unknown) => props.onError(errorMessage(e)))

  useEffect(() => {
    api().call('formats.list', {}).then(setFormats, (e: unknown) => props.onError(errorMessage(e)))
    void loadProfiles()
  }, [])

  const mappingKey = mapping ? JSON.stringify(mapping) : ''
  useEffect(() => {
    if (format === CUSTOM && !mapping) {
      // The mapping is still incomplete: nothing to preview yet.
      setPreview(null)
      return
    }
    const timer = setTimeout(() => {
      api()
        .call('import.preview', { ...request(), limit: 20 })
        .then(setPreview, (e: unknown) => props.onError(errorMessage(e)))
    }, 250)
    return () => clearTimeout(timer)
  }, [format, mappingKey, timeZone, year, offset])

  async function start(): Promise<void> {
    try {
      const { jobId } = await api().call('import.start', request())
      setJob({ jobId, progress: null })
      setReports(await api().waitForJob(jobId, 'import', (p) => setJob({ jobId, progress: p })))
    } catch (e) {
      if (!(e instanceof JobCancelled)) props.onError(errorMessage(e))
      else setReports(null)
    } finally {
      setJob(null)
    }
  }

  // Footage goes to the video import (what the Cameras view uses): probe, camera, placement.
  async function importVideo(): Promise<void> {
    try {
      const { jobId } = await api().call('video.import', { evidenceIds: [props.item.id], camera: camera.trim() || null })
      setJob({ jobId, progress: null })
      const r = await api().waitForJob(jobId, 'video-import', (p) => setJob({ jobId, progress: p }))
      setVideoResult(r.items.map((i) => `${i.fileName}: ${i.outcome} — ${i.message}`).join(' · '))
    } catch (e) {
      if (!(e instanceof JobCancelled)) props.onError(errorMessage(e))
    } finally {
      setJob(null)
    }
  }

  const best = preview?.detection[0]
  const video = format === '' ? (preview?.video ?? null) : null
  const unrecognised = preview !== null && !preview.format && !preview.archive && !video && format === ''
  return (
    <section className="card dialog" role="dialog" aria-label="Import evidence">
      <div className="dialog-head">
        <h2>Import {props.item.originalName}</h2>
        <button type="button" onClick={props.onClose} aria-label="Close import dialog">
          Close
        </button>
      </div>
      <div className="form-grid">
        <label>
          Format
          <select aria-label="Format" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="">
              Detect automatically{best ? ` (best guess: ${best.name}, ${Math.round(best.confidence * 100)}%)` : ''}
            </option>
            <option value={CUSTOM}>Custom mapping (map the columns yourself)…</option>
            {profiles.length > 0 && (
              <optgroup label="Saved mapping profiles">
                {profiles.map((p) => (
                  <option key={p.profile.id} value={PROFILE + p.profile.id}>
                    {p.profile.name} (mapping {p.profile.id})
                  </option>
                ))}
              </optgroup>
            )}
            <optgroup label="Built-in formats">
              {formats.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name} ({f.id})
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label>
          Time zone for zone-less times
          <input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} list="iwb-zones" />
        </label>
        <label>
          Year for year-less times
          <input value={year} onChange={(e) => setYear(e.target.value.replace(/\D/g, '').slice(0, 4))} placeholder="infer from file time" inputMode="numeric" />
        </label>
        <label>
          Clock offset
          <input value={offset} onChange={(e) => setOffset(e.target.value)} placeholder="+43s, -1m30s" />
        </label>
      </div>

      {unrecognised && (
        <p className="issues">
          No built-in format reads this file.{' '}
          <button type="button" onClick={() => setFormat(CUSTOM)}>
            Map columns…
          </button>
        </p>
      )}
      {format === CUSTOM && (
        <MappingForm
          evidenceId={props.item.id}
          onChange={setCustom}
          onSaved={(s) => {
            void loadProfiles().then(() => setFormat(PROFILE + s.profile.id))
          }}
        />
      )}

      {preview && (
        <>
          <p className="muted" role="status" aria-label="Preview status">
            {preview.message}
            {preview.time?.yearInference && ` Year ${preview.time.yearInference.firstYear} (${preview.time.yearInference.basis}).`}
            {preview.notes.map((n) => ` ${n}.`)}
          </p>
          {!video && (
            <div className="table-wrap">
              <table aria-label="Preview">
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Raw time</th>
                    <th>Source clock (UTC)</th>
                    <th>Corrected (UTC)</th>
                    <th>Action</th>
                    <th>Outcome</th>
                    <th>Actor</th>
                    <th>Location</th>
                    <th>Message</th>
                    <th>Flags</th>
                  </tr>
                </thead>
                <tbody>
                  {preview.events.map((e, i) => (
                    <tr key={i}>
                      <td>{e.line ?? `#${e.record}`}</td>
                      <td className="mono">{e.rawTime}</td>
                      <td className="mono">{e.sourceTs}</td>
                      <td className="mono">{e.ts}</td>
                      <td>{e.action}</td>
                      <td>{e.outcome}</td>
                      <td>{e.actor}</td>
                      <td>{e.location}</td>
                      <td className="details">{e.message}</td>
                      <td>{e.flags.join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {preview.issues.length > 0 && (
            <ul className="issues" aria-label="Preview problems">
              {preview.issues.map((i, n) => (
                <li key={n}>
                  {i.line !== null ? `Line ${i.line}${i.record !== null ? ` (record ${i.record})` : ''}` : `Record ${i.record}`}: {i.reason}{' '}
                  <span className="mono">{i.excerpt}</span>
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      {video && (
        <div className="form-grid" aria-label="Video footage" role="group">
          <label>
            Camera (empty: identified from the file name and tags)
            <input value={camera} onChange={(e) => setCamera(e.target.value)} aria-label="Camera name" />
          </label>
          <p className="muted">Placed by the file's own time (metadata, file name, sidecar); the Cameras view sets zones, offsets and places unplaced files.</p>
        </div>
      )}
      {job ? (
        <ProgressPanel title="Import" progress={job.progress} onCancel={() => void api().cancelJob(job.jobId)} />
      ) : video ? (
        <button type="button" onClick={() => void importVideo()} disabled={videoResult !== null}>
          Import as video
        </button>
      ) : (
        <button type="button" onClick={() => void start()} disabled={!preview?.format && !preview?.archive}>
          Import
        </button>
      )}
      {videoResult && (
        <p role="status" aria-label="Video import result">
          {videoResult}
        </p>
      )}
      {reports && reports.map((r, i) => <ImportReportView key={i} report={r} />)}
    </section>
  )
}
