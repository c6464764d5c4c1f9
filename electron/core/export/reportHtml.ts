// data/report/index.html: one self-contained page a court clerk can open from the bag in
// any browser and print. No network (CSP default-src 'none'), inline CSS and one inline
// script allowed only by their SHA-256 in the CSP. Later parts (timeline picture, clips,
// bookmarks, findings) plug in at the marked hooks.
import { createHash } from 'node:crypto'
import type { SourceSummary } from '@shared/ingestModel'
import type { CustodyEntry, EvidenceItem } from '@shared/model'
import { formatInZone, isoToMicros, microsToIso } from '@shared/time'
import type { CaseInfo } from '../case/caseFolder'
import { formatClockOffset } from '../ingest/timeResolve'
import type { Digests } from './manifests'
import { REPORT_SCRIPT } from './reportScript'

export const REPORT_PATH = 'data/report/index.html'

/** Parts that later versions fill in; each is trusted HTML placed at its marked spot. */
export type ReportHook = 'timeline' | 'clips' | 'bookmarks' | 'findings'

/** A camera's clock as the case records it: the offset applied to its footage and how it was found. */
export interface ReportCameraClock {
  name: string
  timeZone: string | null
  clockOffsetUs: number
  offsetMethod: 'none' | 'manual' | 'calibration' | 'import'
  offsetNotes: string
}

const OFFSET_METHOD: Record<ReportCameraClock['offsetMethod'], string> = {
  none: 'no offset applied',
  manual: 'set by the examiner',
  calibration: 'measured by calibration against a reference event',
  import: 'given when the footage was imported'
}

export interface ReportInput {
  exportId: string
  generatedAt: string
  caseInfo: CaseInfo
  examiner: string
  organisation: string
  recipient: string
  purpose: string
  selection: string
  tool: { name: string; version: string }
  events: number
  sources: SourceSummary[]
  originals: { item: EvidenceItem; bagPath: string; digests: Digests }[]
  /** Every payload file except this report (its own hash cannot be inside it; manifest-sha256.txt has it). */
  payload: { path: string; digests: Digests }[]
  custody: CustodyEntry[]
  signer: { examiner: string; fingerprint: string }
  hooks?: Partial<Record<ReportHook, string>>
  /** The case's cameras and their clock offsets (when it has footage). */
  cameras?: ReportCameraClock[]
}

const CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --bad: #a40e26; --good: #116329; --warn: #7d4e00; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
.sub { color: var(--muted); margin: 0 0 1rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: .4rem 0 1rem; font-size: .85rem; table-layout: fixed; }
th, td { text-align: left; vertical-align: top; padding: .25rem .4rem; border-bottom: 1px solid var(--rule); overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid var(--ink); overflow-wrap: normal; }
.hash, .mono, code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: .78rem; }
.hash { word-break: break-all; }
#time th:nth-child(1) { width: 7%; } #time th:nth-child(2) { width: 17%; } #time th:nth-child(3) { width: 11%; } #time th:nth-child(4) { width: 10%; }
#time th:nth-child(5) { width: 10%; } #time th:nth-child(6) { width: 14%; } #time th:nth-child(7) { width: 8%; } #time th:nth-child(8) { width: 7%; }
#originals th:nth-child(1) { width: 5%; } #originals th:nth-child(2) { width: 20%; } #originals th:nth-child(3) { width: 15%; } #originals th:nth-child(4) { width: 7%; }
#originals th:nth-child(5) { width: 14%; } #originals th:nth-child(6) { width: 12%; } #originals th:nth-child(7) { width: 9%; }
#hashes th:nth-child(1) { width: 27%; } #hashes th:nth-child(2) { width: 9%; } #hashes th:nth-child(3) { width: 27%; }
#custody th:nth-child(1) { width: 5%; } #custody th:nth-child(2) { width: 14%; } #custody th:nth-child(3) { width: 9%; } #custody th:nth-child(4) { width: 12%; }
#custody th:nth-child(5) { width: 12%; } #custody th:nth-child(7) { width: 16%; }
.num { text-align: right; white-space: nowrap; }
.note { color: var(--muted); }
#check-status.good { color: var(--good); font-weight: 600; }
#check-status.bad, #check-problems { color: var(--bad); }
#check-status.warn { color: var(--warn); font-weight: 600; }
.checkbox { border: 1px solid var(--rule); padding: .8rem 1rem; border-radius: 6px; margin: .6rem 0; }
button { font: inherit; padding: .3rem .9rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
#clips video, #stills img { max-width: 100%; height: auto; }
@media print {
  @page { margin: 14mm 12mm; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  .screen-only { display: none !important; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, dl.facts, figure { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 7.5pt; }
  .hash, .mono { font-size: 6.5pt; }
  a { color: inherit; text-decoration: none; }
}
`

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

function when(iso: string | null, zone: string): string {
  if (!iso) return '—'
  const us = isoToMicros(iso)
  return us === null ? esc(iso) : `${esc(iso)}<br><span class="note">${esc(formatInZone(us, zone))} ${esc(zone)}</span>`
}

function facts(rows: [string, string][]): string {
  return `<dl class="facts">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`
}

function cameraClocks(cameras: ReportCameraClock[]): string {
  if (cameras.length === 0) return ''
  const rows = cameras.map(
    (c) => `<tr><td>${esc(c.name)}</td><td>${esc(c.timeZone ?? 'not recorded')}</td><td>${esc(formatClockOffset(c.clockOffsetUs))}</td><td>${esc(OFFSET_METHOD[c.offsetMethod])}</td><td>${esc(c.offsetNotes) || '—'}</td></tr>`
  )
  return `<h3>Camera clocks</h3>
<p>The offset added to each camera's own clock to place its footage on the case timeline, and how it was found.</p>
<table><thead><tr><th>Camera</th><th>Zone</th><th>Clock offset</th><th>How it was found</th><th>Notes</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`
}

function timeSection(input: ReportInput): string {
  const zone = input.caseInfo.timeZone
  const rows = input.sources.map((s) => {
    const t = s.time
    const y = t.yearInference
    const year = y
      ? `${y.firstYear} — ${y.basis === 'explicit' ? 'given by the examiner' : y.basis === 'file-mtime' ? "inferred from the file's modification time" : 'assumed from the import date'}${
          y.rollovers.length ? `; rolled over ${y.rollovers.map((r) => `to ${r.toYear} at record ${r.recordIndex}`).join(', ')}` : ''
        }`
      : 'years were written in the stamps'
    const abbreviations = Object.entries(t.abbreviations)
      .map(([a, v]) => `${esc(a)} → UTC${v.offsetMinutes >= 0 ? '+' : '-'}${Math.abs(v.offsetMinutes) / 60} (${v.count})`)
      .join('<br>')
    const dst = [t.dstAmbiguous ? `${t.dstAmbiguous} in a fold (first occurrence taken)` : '', t.dstGap ? `${t.dstGap} in a gap` : ''].filter(Boolean).join('<br>') || 'none'
    return `<tr><td>#${s.id}</td><td>${esc(s.fileName)}<br><span class="note">${esc(s.format)}, ${s.formatChosenBy === 'user' ? 'chosen by the examiner' : 'detected'}</span></td>
<td>${esc(s.timeZone)}</td><td>${t.stampsInSourceZone} without zone<br>${t.stampsWithZone} with zone</td><td>${abbreviations || '—'}</td>
<td>${esc(year)}</td><td>${dst}</td><td>${esc(formatClockOffset(s.clockOffsetUs))}</td>
<td>${s.events} events<br>${when(s.firstTs, zone)}<br>to ${when(s.lastTs, zone)}</td></tr>`
  })
  return `<section id="time" aria-labelledby="h-time"><h2 id="h-time">3. Time</h2>
<p>All times in this export are stored in UTC (ISO 8601 ending in Z) and shown here also in the case time zone, <strong>${esc(zone)}</strong>.
Times were never guessed silently: for every source the table lists how its stamps were read — the zone given to stamps that carry none, zone abbreviations,
how a missing year was decided, daylight-saving folds and gaps, and any clock offset the examiner applied on top. Each event keeps its raw time text and its
source-clock time beside the corrected time (data/events/).</p>
${rows.length ? `<table><thead><tr><th>Source</th><th>File and format</th><th>Zone for zone-less stamps</th><th>Stamps</th><th>Zone abbreviations</th><th>Year</th><th>DST</th><th>Clock offset</th><th>Events, first to last</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>` : '<p class="note">No imported sources are part of this export (originals only).</p>'}
${cameraClocks(input.cameras ?? [])}
</section>`
}

export function buildReportHtml(input: ReportInput): string {
  const zone = input.caseInfo.timeZone
  const hook = (name: ReportHook): string => input.hooks?.[name] ?? `<!-- HOOK:${name} — filled in by a later version; nothing is left out of this export here. -->`
  const summary = facts([
    ['Case', `${esc(input.caseInfo.name)} <span class="note mono">${esc(input.caseInfo.caseId)}</span>`],
    ['Case created', when(microsToIso(input.caseInfo.createdUs), zone)],
    ['Case time zone', esc(zone)],
    ['Organisation', esc(input.organisation || '(not recorded)')],
    ['Examiner', esc(input.examiner)],
    ['Recipient', esc(input.recipient || '(not stated)')],
    ['Purpose', esc(input.purpose || '(not stated)')],
    ['Selection', esc(input.selection)],
    ['Contents', `${input.originals.length} original file(s), ${input.events} event(s) from ${input.sources.length} source(s)`],
    ['Export identifier', `<span class="mono">${esc(input.exportId)}</span>`],
    ['Exported', when(input.generatedAt, zone)],
    ['Tool', `${esc(input.tool.name)} ${esc(input.tool.version)}`],
    ['Signing key (Ed25519)', `${esc(input.signer.examiner)} — SHA-256 fingerprint <span class="hash">${esc(input.signer.fingerprint)}</span>`]
  ])
  const originals = input.originals
    .map(
      (o) => `<tr><td>#${o.item.id}</td><td>${esc(o.item.originalName)}<br><span class="note">${esc(o.item.originalPath)}</span></td><td class="mono">${esc(o.bagPath)}</td>
<td class="num">${o.item.size}</td><td>${when(o.item.acquiredAt, zone)}</td><td>${esc(o.item.examiner)}<br><span class="note">${esc(o.item.workstation)}, ${esc(o.item.tool)} ${esc(o.item.toolVersion)}</span></td>
<td>${esc(o.item.note || '—')}</td><td class="hash">${esc(o.item.sha256)}</td></tr>`
    )
    .join('\n')
  const hashRows = input.payload
    .map((p) => `<tr><td class="mono">${esc(p.path)}</td><td class="num">${p.digests.size}</td><td class="hash">${p.digests.sha256}</td><td class="hash">${p.digests.sha512}</td></tr>`)
    .join('\n')
  const custody = input.custody
    .map(
      (c) => `<tr><td class="num">${c.seq}</td><td>${when(c.ts, zone)}</td><td>${esc(c.examiner)}</td><td class="mono">${esc(c.action)}</td><td>${esc(c.object)}</td>
<td class="mono">${esc(JSON.stringify(c.details))}</td><td class="hash">${c.hash}</td></tr>`
    )
    .join('\n')
  const data = JSON.stringify({
    exportId: input.exportId,
    signer: input.signer,
    payload: input.payload.map((p) => ({ path: p.path, size: p.digests.size, sha256: p.digests.sha256 }))
  }).replace(/</g, '\\u003c')
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(CSS)}`,
    `script-src ${cspHash(REPORT_SCRIPT)}`,
    // Clips play, and stills show, from the bag's own data/clips/ and data/stills/ folders
    // (relative links); nothing else loads.
    input.hooks?.clips?.includes('<img') ? "img-src 'self' file:" : "img-src 'none'",
    ...(input.hooks?.clips?.includes('<video') ? ["media-src 'self' file:"] : []),
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'"
  ].join('; ')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Evidence export — ${esc(input.caseInfo.name)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Evidence export</h1>
<p class="sub">${esc(input.caseInfo.name)} · exported ${esc(input.generatedAt)} by ${esc(input.examiner)}</p>
</header>
<main>
<section id="summary" aria-labelledby="h-summary"><h2 id="h-summary">1. Summary</h2>
${summary}
</section>

<section id="verify" aria-labelledby="h-verify"><h2 id="h-verify">2. How to check this export</h2>
<p>This report is part of a BagIt bag (RFC 8493). The folder that holds <code>bagit.txt</code> lists the SHA-256 and SHA-512 of every file under <code>data/</code>
in <code>manifest-sha256.txt</code> and <code>manifest-sha512.txt</code>; <code>tagmanifest-*.txt</code> cover those lists, and <code>signature.json</code> holds the examiner's
Ed25519 signature over <code>tagmanifest-sha256.txt</code>. <code>README.txt</code> gives the exact commands (<code>sha256sum -c</code>, <code>sha512sum -c</code>, <code>openssl</code>).
Compare the key fingerprint above with the one the examiner gave you separately.</p>
<div class="checkbox screen-only">
<div id="check-nojs"><p>Your browser did not run this page's check script; use the commands in README.txt instead.</p></div>
<div id="check-js" hidden>
<p><label for="bag-folder">Re-check in this browser: choose the bag folder (the folder that holds <code>bagit.txt</code>). Nothing leaves this computer.</label></p>
<p><input type="file" id="bag-folder" webkitdirectory multiple> <button type="button" id="check-button" disabled>Check hashes</button></p>
<p id="check-status" role="status" aria-live="polite"></p>
<ul id="check-problems"></ul>
</div>
</div>
</section>

${timeSection(input)}

${hook('timeline')}

<section id="originals" aria-labelledby="h-originals"><h2 id="h-originals">4. Original evidence</h2>
<p>Each original is copied byte for byte into <code>data/originals/</code> under a safe name; its original name and path are given here. Every copy was
re-hashed while it was written and matched the SHA-256 recorded when it was taken into the case.</p>
${originals ? `<table><thead><tr><th>Item</th><th>Original name and path</th><th>In this bag</th><th>Bytes</th><th>Acquired</th><th>By, on, with</th><th>Note</th><th>SHA-256 at intake</th></tr></thead>
<tbody>${originals}</tbody></table>` : '<p class="note">No originals are part of this export.</p>'}
</section>

${hook('clips')}
${hook('bookmarks')}
${hook('findings')}

<section id="hashes" aria-labelledby="h-hashes"><h2 id="h-hashes">5. Hashes of the files in data/</h2>
<p>Every payload file except this report itself (a file cannot contain its own hash; <code>manifest-sha256.txt</code> lists it).
Events are in <code>data/events/events.jsonl</code> (one canonical JSON object per line) and <code>data/events/events.csv</code>
(cells starting with = + - @, tab or carriage return are prefixed with ' so spreadsheets do not run them as formulas).</p>
<table><thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th><th>SHA-512</th></tr></thead>
<tbody>${hashRows}</tbody></table>
</section>

<section id="custody" aria-labelledby="h-custody"><h2 id="h-custody">6. Custody log</h2>
<p>Every action on the case, up to and including the start of this export, as recorded in the case (${input.custody.length} entries; also in <code>custody.jsonl</code>).
Each entry's hash is the SHA-256 of its canonical JSON (keys sorted, no spaces) without the hash, and each entry carries the hash of the one before, so a
changed or removed entry breaks the chain.</p>
<table><thead><tr><th>#</th><th>Time</th><th>Examiner</th><th>Action</th><th>Object</th><th>Details</th><th>Hash</th></tr></thead>
<tbody>${custody}</tbody></table>
</section>
</main>
<footer>Written by ${esc(input.tool.name)} ${esc(input.tool.version)}. Export ${esc(input.exportId)}.</footer>
<script type="application/json" id="bag-data">${data}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`
}
