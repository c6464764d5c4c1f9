// The report's later sections, as trusted HTML for reportHtml's hooks: the timeline
// picture, the clips (native <video>, relative links inside the bag), bookmarks and
// narratives, tags and notes, and findings — each says "none recorded" when its table
// does not exist in this case.
import type { ReportHook } from './reportHtml'
import type { AnnotationsForExport, TableDump } from './annotationsForExport'
import type { ExportedClip } from './exportClips'

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

function dumpTable(d: TableDump | null, label: string): string {
  if (!d) return `<p class="note">${esc(label)}: none recorded (this case has no such records).</p>`
  if (d.rows.length === 0) return `<p class="note">${esc(label)}: none recorded in the selected range.</p>`
  const head = d.columns.map((c) => `<th>${esc(c)}</th>`).join('')
  const body = d.rows.map((r) => `<tr>${d.columns.map((c) => `<td>${esc(typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : r[c])}</td>`).join('')}</tr>`).join('\n')
  const more = d.truncated ? `<p class="note">${d.truncated} more rows are in data/metadata/export.json.</p>` : ''
  return `<h3>${esc(label)} <span class="note">(${d.rows.length}, table ${esc(d.table)})</span></h3><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`
}

export function reportSections(input: {
  zone: string
  timeline: string | null
  clips: ExportedClip[]
  annotations: AnnotationsForExport
  findingsWanted: boolean
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
  const clips = `<section id="clips" aria-labelledby="h-clips"><h2 id="h-clips">Clips</h2>
${clipItems.length ? `<ul>${clipItems.join('\n')}</ul>` : '<p class="note">No clips are part of this export.</p>'}
</section>`
  const a = input.annotations
  const bookmarks = `<section id="bookmarks" aria-labelledby="h-bookmarks"><h2 id="h-bookmarks">Bookmarks, narratives, tags and notes</h2>
${dumpTable(a.bookmarks, 'Bookmarks')}
${dumpTable(a.narratives, 'Narratives')}
${dumpTable(a.tags, 'Tags')}
${dumpTable(a.notes, 'Notes')}
</section>`
  const findings = `<section id="findings" aria-labelledby="h-findings"><h2 id="h-findings">Findings</h2>
${input.findingsWanted ? dumpTable(a.findings, 'Findings') : '<p class="note">Findings were left out of this export by the examiner.</p>'}
</section>`
  return { timeline, clips, bookmarks, findings }
}
