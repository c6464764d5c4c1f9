// The report's later sections, as trusted HTML for reportHtml's hooks: the timeline
// picture, the clips (native <video>) and stills (<img>), relative links inside the bag, bookmarks with their
// narratives, tags and notes, and findings — each says "none recorded" when the case has
// no such records (in the selected range, for a range export).
import type { ReportHook } from './reportHtml'
import type { AnnotationsForExport } from './annotationsForExport'
import type { ExportFinding } from './findingsForExport'
import type { ExportedClip } from './exportClips'
import type { ExportedStill } from './exportStills'

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const MAX_ROWS = 2000

function none(label: string, ranged: boolean): string {
  return `<p class="note">${esc(label)}: none recorded${ranged ? ' in the selected range' : ''}.</p>`
}

function table<T>(label: string, rows: T[], ranged: boolean, head: string[], cells: (r: T) => string[]): string {
  if (rows.length === 0) return none(label, ranged)
  const shown = rows.slice(0, MAX_ROWS)
  const more = rows.length > shown.length ? `<p class="note">${rows.length - shown.length} more are in data/metadata/export.json.</p>` : ''
  return `<h3>${esc(label)} <span class="note">(${rows.length})</span></h3><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${shown.map((r) => `<tr>${cells(r).map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>${more}`
}

const edited = (versions: { version: number }[]): string => (versions.length > 1 ? ` <span class="note">(version ${versions[versions.length - 1]!.version}; earlier versions in data/metadata/export.json)</span>` : '')

function findingsHtml(findings: ExportFinding[], ranged: boolean): string {
  if (findings.length === 0) return none('Confirmed findings', ranged)
  return findings
    .map((f) => {
      const events = f.events.length
        ? `<table><thead><tr><th>Event</th><th>Time (UTC)</th><th>Source</th><th>What</th></tr></thead><tbody>${f.events
            .slice(0, MAX_ROWS)
            .map((e) => `<tr><td>#${e.id}</td><td class="mono">${esc(e.ts ?? '—')}</td><td>${esc(e.source ?? '—')}</td><td>${esc(e.summary)}</td></tr>`)
            .join('')}</tbody></table>`
        : '<p class="note">No supporting event is still in the case.</p>'
      const cams = f.cameras.length ? esc(f.cameras.join(', ')) : '<span class="note">none associated</span>'
      return `<article class="finding" id="finding-${f.id}"><h3>Finding #${f.id}: ${esc(f.title)}</h3>
<dl><dt>Severity</dt><dd>${esc(f.severity)}</dd><dt>Status</dt><dd>${esc(f.status)}${f.examiner ? ` by ${esc(f.examiner)}` : ''}${f.decidedAt ? `, ${esc(f.decidedAt)}` : ''}${f.reason ? ` — ${esc(f.reason)}` : ''}</dd>${f.subjects.length ? `<dt>About</dt><dd>${esc(f.subjects.join(', '))}</dd>` : ''}<dt>Rule</dt><dd>${esc(f.rule)}</dd><dt>Period</dt><dd>${esc(f.from ?? '—')} – ${esc(f.to ?? '—')}</dd><dt>Cameras</dt><dd>${cams}</dd></dl>
<p>${esc(f.explanation)}</p>${f.unconfirmedLink ? '<p class="note">This finding rests on a person ↔ account link that has not been confirmed.</p>' : ''}
<h4>Supporting events (${f.events.length})</h4>${events}</article>`
    })
    .join('\n')
}

export function reportSections(input: {
  zone: string
  timeline: string | null
  clips: ExportedClip[]
  stills: ExportedStill[]
  annotations: AnnotationsForExport
  /** Confirmed findings; null when the examiner left findings out. */
  findings: ExportFinding[] | null
  accessAudit: boolean
}): Partial<Record<ReportHook, string>> {
  const timeline = `<section id="timeline" aria-labelledby="h-timeline"><h2 id="h-timeline">Timeline</h2>
<p>Exported events per source over the selected range, in the case time zone (${esc(input.zone)}). Each bar is one of equal intervals; its height is relative to the busiest interval of its lane.</p>
${input.timeline ?? '<p class="note">No events with times are part of this export.</p>'}
${input.accessAudit ? '<p>This is an access audit: see <a href="access-audit.html">access-audit.html</a> beside this report for entries, denied attempts, forced and held doors, after-hours access and camera coverage.</p>' : ''}
</section>`
  const clipItems = input.clips.map((c) => {
    if (c.withheld || !c.provenance) {
      const w = c.withheld!
      return `<li><strong>${esc(w.camera)}</strong>: not cut — ${esc(w.reason)}. Source ${w.source.sha256 ? `<span class="hash">${esc(w.source.sha256)}</span>` : '(unknown)'} withheld: ${esc(w.source.withheld)}. <span class="mono">${esc(c.provenancePath)}</span></li>`
    }
    const p = c.provenance
    const rel = `../clips/${c.bagPath.split('/').pop()}`
    return `<li><figure><video controls preload="metadata" src="${esc(rel)}" aria-label="Clip of ${esc(p.camera)} from ${esc(p.startWallClock)}"></video>
<figcaption><strong>${esc(p.camera)}</strong>, first frame ${esc(p.startWallClock)} (clock offset applied ${p.clockOffsetAppliedUs} µs), ${p.cut.durationSeconds.toFixed(3)} s cut from ${p.cut.inSeconds.toFixed(3)} s of the source
<span class="hash">${esc(p.source.sha256)}</span>${p.source.withheld ? ` (source withheld: ${esc(p.source.withheld)})` : ''}. Clip SHA-256 <span class="hash">${esc(p.output.sha256)}</span>; ${esc(p.ffmpeg.version)}; exact arguments in <span class="mono">${esc(c.provenancePath)}</span>.</figcaption></figure></li>`
  })
  const stillItems = input.stills.map((s) => {
    const p = s.provenance
    const rel = `../stills/${s.bagPath.split('/').pop()}`
    const when = p.wallClock ? `frame of ${esc(p.wallClock)}` : `frame ${p.positionSeconds === null ? '(position unknown)' : `${p.positionSeconds.toFixed(3)} s`} into an unplaced recording`
    return `<li><figure><img src="${esc(rel)}" alt="Still of ${esc(p.camera)}${p.wallClock ? ` at ${esc(p.wallClock)}` : ''}">
<figcaption><strong>${esc(p.camera)}</strong>, ${when}, saved ${esc(p.savedAt)}${p.savedBy ? ` by ${esc(p.savedBy)}` : ''}. Recording <span class="hash">${esc(p.source.sha256)}</span>${p.source.withheld ? ` (withheld: ${esc(p.source.withheld)})` : ''}. Still SHA-256 <span class="hash">${esc(p.output.sha256)}</span>; ${esc(p.ffmpeg.version)}; exact arguments in <span class="mono">${esc(s.provenancePath)}</span>.</figcaption></figure></li>`
  })
  const clips = `<section id="clips" aria-labelledby="h-clips"><h2 id="h-clips">Clips</h2>
${clipItems.length ? `<ul>${clipItems.join('\n')}</ul>` : '<p class="note">No clips are part of this export.</p>'}
</section>
<section id="stills" aria-labelledby="h-stills"><h2 id="h-stills">Stills</h2>
${stillItems.length ? `<ul>${stillItems.join('\n')}</ul>` : '<p class="note">No stills were saved of the exported footage.</p>'}
</section>`
  const a = input.annotations
  const bookmarks = `<section id="bookmarks" aria-labelledby="h-bookmarks"><h2 id="h-bookmarks">Bookmarks, narratives, tags and notes</h2>
${table('Bookmarks and narratives', a.bookmarks, a.ranged, ['Period (UTC)', 'Title', 'Narrative', 'Examiner'], (b) => [
  `<span class="mono">${esc(b.from)}${b.to ? ` – ${esc(b.to)}` : ''}</span>`,
  `${esc(b.title)}${edited(b.versions)}`,
  esc(b.narrative).replace(/\n/g, '<br>'),
  `${esc(b.examiner)}<br><span class="note">${esc(b.updatedAt)}</span>`
])}
${table('Tags', a.tags, a.ranged, ['Tag', 'Event', 'Event time (UTC)', 'Tagged by'], (t) => [
  esc(t.tag),
  `#${t.eventId}${t.eventRef ? `<br><span class="hash">${esc(t.eventRef)}</span>` : ''}`,
  `<span class="mono">${esc(t.eventTs ?? '—')}</span>`,
  `${esc(t.taggedBy ?? '—')}<br><span class="note">${esc(t.taggedAt ?? '')}</span>`
])}
${table('Notes', a.notes, a.ranged, ['Event', 'Event time (UTC)', 'Note', 'Examiner'], (n) => [
  `#${n.eventId ?? '—'}${n.eventRef ? `<br><span class="hash">${esc(n.eventRef)}</span>` : ''}`,
  `<span class="mono">${esc(n.eventTs ?? '—')}</span>`,
  `${esc(n.text).replace(/\n/g, '<br>')}${edited(n.versions)}`,
  `${esc(n.examiner)}<br><span class="note">${esc(n.updatedAt)}</span>`
])}
</section>`
  const findings = `<section id="findings" aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>
${input.findings ? findingsHtml(input.findings, a.ranged) : '<p class="note">Findings were left out of this export by the examiner.</p>'}
</section>`
  return { timeline, clips, bookmarks, findings }
}
