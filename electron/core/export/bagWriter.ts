// Export of a case, or a selection of it, as a signed BagIt bag (a folder or one ZIP).
// Every payload byte is hashed (SHA-256 and SHA-512) as it is written, originals are
// re-hashed against their intake hash on the way (a mismatch aborts the export), memory
// stays flat (fixed chunk ring, paged event queries), and the bag appears at its final
// path only when complete. The export is a custody entry at start and at its end.
import { randomUUID } from 'node:crypto'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import type { ExportKind, WorkingHours } from '@shared/contracts/exports'
import { canonicalJson } from '@shared/canonicalJson'
import type { EventRecord } from '@shared/ingestModel'
import type { CustodyEntry, EvidenceItem } from '@shared/model'
import { isoToMicros, microsToIso, nowMicros } from '@shared/time'
import { TOOL_NAME, TOOL_VERSION } from '../appIdentity'
import type { CaseFolder } from '../case/caseFolder'
import { appendCustody, listCustody } from '../case/custody'
import { openDatabase, type Db } from '../case/database'
import { CancelledError, throwIfCancelled } from '../util/fileHash'
import { buildReadme } from './bagReadme'
import { COVERED_TAG_FILES, EXPORT_METADATA, originalBagPath, SIGNATURE_FILE } from './bagPaths'
import { createDirectorySink, createZipSink, openPlainFile, type BagSink, type EntryWriter } from './bagSink'
import { buildCaseJsonLd } from './caseJsonLd'
import { EVENTS_CSV, EVENTS_JSONL, eventCsvHeader, eventCsvRow, eventJsonLine, zoneFormatter } from './eventFiles'
import { BAGIT_TXT, DualHash, digestsOf, formatBagInfo, formatManifest, manifestName, payloadOxum, type Digests } from './manifests'
import { HashRing } from './hashRing'
import { buildReportHtml, REPORT_PATH, type ReportCameraClock } from './reportHtml'
import { listCameras } from '../media/videoStore'
import { checkSelection, describeSelection, ExportInputError, listAllSources, originalsInPlay, selectedEvents, sourcesInPlay, type Selection } from './selection'
import { examinerKey, signEd25519 } from './signing'
import { ACCESS_AUDIT_CSV, ACCESS_AUDIT_HTML, ACCESS_AUDIT_JSONL, AccessAuditBuilder, DEFAULT_WORKING_HOURS } from './accessAudit'
import { annotationsForExport, doorCameras, taggedOrBookmarked } from './annotationsForExport'
import { confirmedFindingEventIds, findingsForExport } from './findingsForExport'
import { exportClips, type ExportedClip } from './exportClips'
import { exportStills, StillIntegrityError, type ExportedStill } from './exportStills'
import { cleanInterruptedExports } from './interruptedExports'
import { reportSections } from './reportSections'
import { TimelineAccumulator, timelineSvg } from './timelineSvg'

export { ExportInputError }


export interface ExportOptions {
  /** The bag folder, or the .zip with --zip (".zip" is added when missing). */
  out: string
  zip?: boolean
  from?: string | null
  to?: string | null
  sourceIds?: number[] | null
  recipient?: string
  purpose?: string
  examiner: string
  /** Default: the case's organisation. */
  organisation?: string
  /** Where the examiner's signing keys live (default <configDir>/keys). */
  keysDir?: string
  signal?: AbortSignal
  onProgress?: (p: ExportProgress) => void
  /** Tests: ZIP64 records even in a small archive. */
  forceZip64?: boolean
  /** 'access-audit': access events of the areas only, plus data/report/access-audit.html. */
  kind?: ExportKind
  /** Only events that carry a tag or a bookmark. */
  taggedOnly?: boolean
  /** Only the events of confirmed findings (with taggedOnly: either). */
  findingsOnly?: boolean
  /** Camera names whose footage in the range is cut into clips (needs the video tables and ffmpeg). */
  cameras?: string[]
  /** Include findings (default true). */
  findings?: boolean
  /** Access audit: locations matched exactly or as prefix; empty = all. */
  areas?: string[]
  workingHours?: WorkingHours
  /** ffmpeg for clips; without it, clips are listed as withheld. */
  ffmpegPath?: string | null
}

export interface ExportProgress {
  phase: 'originals' | 'events' | 'report' | 'tags'
  bytesDone: number
  bytesTotal: number
  itemsDone: number
  itemsTotal: number
  current: string | null
}

export interface ExportResult {
  exportId: string
  kind: ExportKind
  path: string
  format: 'directory' | 'zip'
  originals: number
  events: number
  sources: number
  payloadFiles: number
  payloadBytes: number
  tagManifestSha256: string
  signer: { examiner: string; fingerprint: string; keyCreated: boolean }
  custodySeq: { started: number; ended: number }
  clips: number
  /** Leftovers of interrupted exports removed before this one started. */
  interruptedRemoved: number
  /** What was left out and why (no video tables, no ffmpeg, …). */
  notes: string[]
}

/** An original no longer matches the hash it had at intake: nothing is exported. */
export class ExportIntegrityError extends Error {
  constructor(
    message: string,
    readonly evidenceId: number,
    readonly originalName: string,
    readonly details: Record<string, unknown>
  ) {
    super(message)
    this.name = 'ExportIntegrityError'
  }
}

// Same geometry as intake (measured there): 8 MiB chunks, four in flight.
const RING = 4
const CHUNK = 8 * 1024 * 1024
const TEXT_BUFFER = 1024 * 1024

interface PayloadFile {
  path: string
  digests: Digests
}

export function bagOutputPath(out: string, zip: boolean): string {
  const p = resolve(out)
  return zip && !/\.zip$/i.test(p) ? `${p}.zip` : p
}

export async function exportBag(folder: CaseFolder, options: ExportOptions): Promise<ExportResult> {
  const zip = options.zip ?? false
  const finalPath = bagOutputPath(options.out, zip)
  const rel = relative(folder.layout.evidence, finalPath)
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new ExportInputError('An export cannot be written inside the case evidence folder; choose another --out.')
  }
  const selection: Selection = {
    from: options.from || null,
    to: options.to || null,
    sourceIds: options.sourceIds && options.sourceIds.length > 0 ? [...new Set(options.sourceIds)].sort((a, b) => a - b) : null,
    taggedOnly: options.taggedOnly ?? false,
    findingsOnly: options.findingsOnly ?? false,
    accessOnly: options.kind === 'access-audit'
  }
  checkSelection(selection, listAllSources(folder.db))
  // The next export is also the moment to clear what an interrupted one left behind.
  const interrupted = cleanInterruptedExports(folder, options.examiner)
  const key = examinerKey(options.examiner, options.keysDir)
  const info = folder.info()
  const organisation = options.organisation ?? info.organisation
  const recipient = options.recipient?.trim() ?? ''
  const purpose = options.purpose?.trim() ?? ''
  const exportId = randomUUID()
  const startedUs = nowMicros()
  const object = `export ${exportId}`

  const sink: BagSink = zip ? await createZipSink(finalPath, { forceZip64: options.forceZip64 }) : await createDirectorySink(finalPath)
  let started: CustodyEntry
  try {
    started = folder.db.transaction(() =>
      appendCustody(folder.db, {
        examiner: options.examiner,
        action: 'export.started',
        object,
        tsUs: startedUs,
        details: {
          exportId,
          path: finalPath,
          format: sink.kind,
          recipient,
          purpose,
          kind: options.kind ?? 'evidence',
          selection: selectionRecord(selection, options),
          signerFingerprint: key.fingerprint,
          tool: TOOL_NAME,
          toolVersion: TOOL_VERSION
        }
      })
    )()
  } catch (err) {
    await sink.abort().catch(() => undefined)
    throw err
  }

  // A read snapshot on its own connection: an import committing meanwhile cannot make the
  // bag's events, originals and custody disagree, and the app's connection stays free.
  const snap = openDatabase(folder.layout.db, { readonly: true })
  snap.exec('BEGIN')
  try {
    snap.prepare('SELECT COUNT(*) FROM custody').get()
    const written = await writeBag(folder, snap, sink, {
      options,
      selection,
      exportId,
      startedUs,
      startedSeq: started.seq,
      organisation,
      recipient,
      purpose,
      key
    })
    throwIfCancelled(options.signal)
    await sink.commit()
    const ended = folder.db.transaction(() =>
      appendCustody(folder.db, {
        examiner: options.examiner,
        action: 'export.completed',
        object,
        details: {
          exportId,
          path: finalPath,
          format: sink.kind,
          recipient,
          purpose,
          kind: options.kind ?? 'evidence',
          selection: selectionRecord(selection, options),
          tagManifestSha256: written.tagManifestSha256,
          signerFingerprint: key.fingerprint,
          originals: written.originals.map((o) => ({ evidenceId: o.id, sha256: o.sha256 })),
          events: written.events,
          clips: written.clips.map((c) => ({ path: c.bagPath, sourceSha256: c.provenance?.source.sha256 ?? null, sha256: c.provenance?.output.sha256 ?? null })),
          payloadFiles: written.payloadFiles,
          payloadBytes: written.payloadBytes
        }
      })
    )()
    return {
      exportId,
      kind: options.kind ?? 'evidence',
      path: finalPath,
      format: sink.kind,
      originals: written.originals.length,
      events: written.events,
      sources: written.sources,
      payloadFiles: written.payloadFiles,
      payloadBytes: written.payloadBytes,
      tagManifestSha256: written.tagManifestSha256,
      signer: { examiner: options.examiner, fingerprint: key.fingerprint, keyCreated: key.created },
      custodySeq: { started: started.seq, ended: ended.seq },
      clips: written.clips.filter((c) => c.provenance).length,
      interruptedRemoved: interrupted.length,
      notes: written.notes
    }
  } catch (err) {
    await sink.abort().catch(() => undefined)
    const cancelled = err instanceof CancelledError
    folder.db.transaction(() =>
      appendCustody(folder.db, {
        examiner: options.examiner,
        action: cancelled ? 'export.cancelled' : 'export.failed',
        object,
        details: {
          exportId,
          path: finalPath,
          reason: cancelled ? 'cancelled by the examiner; the partial bag was removed' : (err as Error).message,
          ...(err instanceof ExportIntegrityError ? err.details : {})
        }
      })
    )()
    throw err
  } finally {
    if (snap.inTransaction) snap.exec('COMMIT')
    snap.close()
  }
}

interface WriteContext {
  options: ExportOptions
  selection: Selection
  exportId: string
  startedUs: number
  startedSeq: number
  organisation: string
  recipient: string
  purpose: string
  key: ReturnType<typeof examinerKey>
}

async function writeBag(
  folder: CaseFolder,
  db: Db,
  sink: BagSink,
  ctx: WriteContext
): Promise<{
  originals: EvidenceItem[]
  events: number
  sources: number
  payloadFiles: number
  payloadBytes: number
  tagManifestSha256: string
  clips: ExportedClip[]
  notes: string[]
}> {
  const { options, selection } = ctx
  const notes: string[] = []
  const info = folder.info()
  const allSources = listAllSources(db)
  const sources = sourcesInPlay(db, selection, allSources)
  const originals = originalsInPlay(db, selection, sources)
  const selectionText = describeSelection(selection)
  const generatedAt = microsToIso(ctx.startedUs)
  const payload: PayloadFile[] = []
  const bytesTotal = originals.reduce((n, o) => n + o.size, 0)
  let bytesDone = 0
  const progress = (p: Omit<ExportProgress, 'bytesDone' | 'bytesTotal'>): void => options.onProgress?.({ ...p, bytesDone, bytesTotal })

  // 1. Originals, byte for byte, each checked against its intake hash as it is copied.
  const copied = await copyOriginals(folder, sink, originals, options.signal, (i, bagPath, n) => {
    bytesDone += n
    progress({ phase: 'originals', itemsDone: i, itemsTotal: originals.length, current: bagPath })
  })
  for (const c of copied) payload.push({ path: c.bagPath, digests: c.digests })
  progress({ phase: 'originals', itemsDone: originals.length, itemsTotal: originals.length, current: null })

  // 2. Events in one pass: JSON lines and CSV side by side. A ZIP takes one entry at a
  // time, so there the CSV is spooled next to the partial archive and added after.
  const sourceNames = new Map(allSources.map((s) => [s.id, s.fileName]))
  const inZone = zoneFormatter(info.timeZone)
  const spool = sink.kind === 'zip' ? `${sink.partialPath}.events-csv` : null
  let events = 0
  const tagged = selection.taggedOnly ? taggedOrBookmarked(db) : null
  const ofFindings = selection.findingsOnly ? confirmedFindingEventIds(db) : null
  if (ofFindings && ofFindings.size === 0) notes.push('Findings only: no finding of this case is confirmed, so no event was selected.')
  const audit =
    options.kind === 'access-audit'
      ? new AccessAuditBuilder({
          zone: info.timeZone,
          areas: options.areas ?? [],
          workingHours: options.workingHours ?? DEFAULT_WORKING_HOURS,
          from: selection.from,
          to: selection.to,
          sources,
          doorCameras: doorCameras(db)
        })
      : null
  const picked = (e: EventRecord): boolean => (!tagged && !ofFindings) || (tagged?.(e) ?? false) || (ofFindings?.has(e.id) ?? false)
  const keep = (e: EventRecord): boolean => picked(e) && (!audit || audit.accepts(e))
  const range = timeRange(selection, sources)
  const histogram = range ? new TimelineAccumulator(range.fromUs, range.toUs) : null
  try {
    const json = new TextOut(await sink.openFile(EVENTS_JSONL))
    const csv = new TextOut(spool ? await openPlainFile(spool, 0o600) : await sink.openFile(EVENTS_CSV))
    await csv.write('\ufeff' + eventCsvHeader())
    for (const page of selectedEvents(db, selection, sources)) {
      throwIfCancelled(options.signal)
      for (const e of page) {
        if (!keep(e)) continue
        await json.write(eventJsonLine(e))
        await csv.write(eventCsvRow(e, sourceNames.get(e.sourceId) ?? '', inZone))
        histogram?.add(e.sourceId, isoToMicros(e.ts) ?? 0)
        audit?.add(e)
        events++
      }
      progress({ phase: 'events', itemsDone: events, itemsTotal: 0, current: EVENTS_JSONL })
    }
    payload.push({ path: EVENTS_JSONL, digests: await json.close() })
    const csvDigests = await csv.close()
    if (spool) await copyFileInto(spool, await sink.openFile(EVENTS_CSV, { size: csvDigests.size }), options.signal)
    payload.push({ path: EVENTS_CSV, digests: csvDigests })
  } finally {
    if (spool) await rm(spool, { force: true })
  }

  // 2b. The access audit's own event files.
  if (audit) {
    for (const [path, text] of [
      [ACCESS_AUDIT_JSONL, audit.jsonl()],
      [ACCESS_AUDIT_CSV, audit.csv()]
    ] as const) {
      const data = Buffer.from(text, 'utf8')
      await sink.writeFile(path, data)
      payload.push({ path, digests: digestsOf(data) })
    }
  }

  // 2c. Clips of the chosen cameras over the range (when the video tables exist).
  throwIfCancelled(options.signal)
  const clipWork = `${sink.partialPath}.clips`
  let clips: ExportedClip[] = []
  try {
    const cut = await exportClips(folder, db, {
      cameras: options.cameras ?? [],
      range,
      ffmpegPath: options.ffmpegPath ?? null,
      workDir: clipWork,
      originalsInBag: new Set(copied.map((c) => c.item.sha256)),
      signal: options.signal
    })
    notes.push(...cut.notes)
    clips = cut.clips
    for (const c of clips) {
      if (c.file) {
        const w = await sink.openFile(c.bagPath, { mode: 0o444, size: c.provenance!.output.size })
        payload.push({ path: c.bagPath, digests: await copyFileInto(c.file, w, options.signal) })
      }
      const prov = Buffer.from(`${JSON.stringify(c.provenance ?? c.withheld, null, 2)}\n`, 'utf8')
      await sink.writeFile(c.provenancePath, prov)
      payload.push({ path: c.provenancePath, digests: digestsOf(prov) })
    }
  } finally {
    await rm(clipWork, { recursive: true, force: true })
  }

  // 2d. Stills the examiner saved of the range's footage (checked against their recorded hash).
  throwIfCancelled(options.signal)
  let stills: ExportedStill[]
  try {
    const stillRange = selection.from || selection.to ? { fromUs: (selection.from ? isoToMicros(selection.from) : null) ?? Number.MIN_SAFE_INTEGER, toUs: (selection.to ? isoToMicros(selection.to) : null) ?? Number.MAX_SAFE_INTEGER } : null
    stills = await exportStills(folder, db, { range: stillRange, cameras: options.cameras ?? [], originalsInBag: new Set(copied.map((c) => c.item.sha256)) })
  } catch (err) {
    if (!(err instanceof StillIntegrityError)) throw err
    throw new ExportIntegrityError(err.message, 0, 'still', { problem: 'still-changed' })
  }
  for (const s of stills) {
    await sink.writeFile(s.bagPath, s.data, { mode: 0o444 })
    payload.push({ path: s.bagPath, digests: digestsOf(s.data) })
    const prov = Buffer.from(`${JSON.stringify(s.provenance, null, 2)}\n`, 'utf8')
    await sink.writeFile(s.provenancePath, prov)
    payload.push({ path: s.provenancePath, digests: digestsOf(prov) })
  }

  // 3. Machine-readable metadata: the original names and every time decision.
  // Annotations follow the examiner's range only: a whole-case export carries all of them.
  const annotationRange = { fromUs: selection.from ? isoToMicros(selection.from) : null, toUs: selection.to ? isoToMicros(selection.to) : null }
  const annotations = annotationsForExport(db, annotationRange)
  const findings = (options.findings ?? true) ? findingsForExport(db, annotationRange) : null
  const custody = listCustody(db, 0, Number.MAX_SAFE_INTEGER).filter((c) => c.seq <= ctx.startedSeq)
  const metadata = {
    export: {
      id: ctx.exportId,
      startedAt: generatedAt,
      examiner: options.examiner,
      organisation: ctx.organisation,
      recipient: ctx.recipient,
      purpose: ctx.purpose,
      kind: options.kind ?? 'evidence',
      selection: { ...selectionRecord(selection, options), description: selectionText },
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      signerFingerprint: ctx.key.fingerprint,
      events
    },
    case: { caseId: info.caseId, name: info.name, examiner: info.examiner, organisation: info.organisation, timeZone: info.timeZone, createdAt: microsToIso(info.createdUs) },
    sources,
    originals: copied.map((o) => ({ bagPath: o.bagPath, sha512: o.digests.sha512, ...o.item })),
    clips: clips.map((c) => ({ bagPath: c.bagPath, provenancePath: c.provenancePath, withheld: c.withheld ?? null })),
    stills: stills.map((x) => ({ bagPath: x.bagPath, provenancePath: x.provenancePath })),
    annotations,
    findings,
    notes
  }
  const metaBytes = Buffer.from(`${JSON.stringify(JSON.parse(canonicalJson(metadata)), null, 2)}\n`, 'utf8')
  await sink.writeFile(EXPORT_METADATA, metaBytes)
  payload.push({ path: EXPORT_METADATA, digests: digestsOf(metaBytes) })

  // 4. The report, with the hash of every payload file written before it.
  throwIfCancelled(options.signal)
  progress({ phase: 'report', itemsDone: 0, itemsTotal: 1, current: REPORT_PATH })
  const report = Buffer.from(
    buildReportHtml({
      exportId: ctx.exportId,
      generatedAt,
      caseInfo: info,
      examiner: options.examiner,
      organisation: ctx.organisation,
      recipient: ctx.recipient,
      purpose: ctx.purpose,
      selection: selectionText,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      events,
      sources,
      originals: copied,
      payload: [...payload],
      custody,
      signer: { examiner: options.examiner, fingerprint: ctx.key.fingerprint },
      cameras: cameraClocks(db),
      hooks: reportSections({
        zone: info.timeZone,
        timeline: histogram ? timelineSvg(histogram, sources.map((s) => ({ id: s.id, name: s.fileName })), info.timeZone) : null,
        clips,
        stills,
        annotations,
        findings,
        accessAudit: audit !== null
      })
    }),
    'utf8'
  )
  await sink.writeFile(REPORT_PATH, report)
  payload.push({ path: REPORT_PATH, digests: digestsOf(report) })
  if (audit) {
    const html = Buffer.from(
      audit.html({
        caseName: info.name,
        exportId: ctx.exportId,
        generatedAt,
        examiner: options.examiner,
        recipient: ctx.recipient,
        purpose: ctx.purpose,
        tool: `${TOOL_NAME} ${TOOL_VERSION}`
      }),
      'utf8'
    )
    await sink.writeFile(ACCESS_AUDIT_HTML, html)
    payload.push({ path: ACCESS_AUDIT_HTML, digests: digestsOf(html) })
  }

  // 5. Tag files. bagit.txt is written last of all, so a folder without it was never finished.
  throwIfCancelled(options.signal)
  progress({ phase: 'tags', itemsDone: 0, itemsTotal: COVERED_TAG_FILES.length + 3, current: null })
  const tags = new Map<string, Digests>()
  const putTag = async (path: string, text: string): Promise<Buffer> => {
    const data = Buffer.from(text, 'utf8')
    await sink.writeFile(path, data)
    tags.set(path, digestsOf(data))
    return data
  }
  const payloadBytes = payload.reduce((n, p) => n + p.digests.size, 0)
  await putTag(manifestName('sha256'), formatManifest(payload.map((p) => ({ path: p.path, digest: p.digests.sha256 }))))
  await putTag(manifestName('sha512'), formatManifest(payload.map((p) => ({ path: p.path, digest: p.digests.sha512 }))))
  await putTag(
    'bag-info.txt',
    formatBagInfo([
      ['Source-Organization', ctx.organisation || '(not recorded)'],
      ['Contact-Name', options.examiner],
      ['External-Description', `Evidence export of case "${info.name}": ${selectionText}. Recipient: ${ctx.recipient || '(not stated)'}. Purpose: ${ctx.purpose || '(not stated)'}.`],
      ['External-Identifier', ctx.exportId],
      ['Bagging-Date', generatedAt.slice(0, 10)],
      ['Payload-Oxum', payloadOxum(payloadBytes, payload.length)],
      ['Bag-Software-Agent', `${TOOL_NAME} ${TOOL_VERSION}`],
      ['Case-Name', info.name],
      ['Case-Identifier', info.caseId],
      ['Examiner', options.examiner],
      ['Recipient', ctx.recipient || '(not stated)'],
      ['Purpose', ctx.purpose || '(not stated)'],
      ['Time-Zone', info.timeZone],
      ['Selection', selectionText],
      ['Exported-At', generatedAt],
      ['Signing-Key-SHA256', ctx.key.fingerprint]
    ])
  )
  const jsonld = buildCaseJsonLd({
    exportId: ctx.exportId,
    caseInfo: info,
    examiner: options.examiner,
    organisation: ctx.organisation,
    recipient: ctx.recipient,
    purpose: ctx.purpose,
    selection: selectionText,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    startedAt: generatedAt,
    endedAt: microsToIso(nowMicros()),
    originals: copied,
    payload: payload.filter((p) => !p.path.startsWith('data/originals/')),
    sources,
    clips: clips.flatMap((c) => (c.provenance ? [{ bagPath: c.bagPath, provenancePath: c.provenancePath, provenance: c.provenance }] : [])),
    signerFingerprint: ctx.key.fingerprint
  })
  await putTag('case.jsonld', `${JSON.stringify(jsonld, null, 2)}\n`)
  {
    const out = new TextOut(await sink.openFile('custody.jsonl'))
    for (const entry of custody) await out.write(`${canonicalJson(entry)}\n`)
    tags.set('custody.jsonl', await out.close())
  }
  await putTag(
    'README.txt',
    buildReadme({
      exportId: ctx.exportId,
      caseName: info.name,
      examiner: options.examiner,
      recipient: ctx.recipient,
      purpose: ctx.purpose,
      fingerprint: ctx.key.fingerprint,
      tool: `${TOOL_NAME} ${TOOL_VERSION}`,
      clips: clips.length > 0,
      stills: stills.length > 0
    })
  )
  const bagit = Buffer.from(BAGIT_TXT, 'utf8')
  tags.set('bagit.txt', digestsOf(bagit))
  const covered = COVERED_TAG_FILES.map((path) => ({ path, digests: tags.get(path)! }))
  const tagManifest256 = await putTag(manifestName('sha256', true), formatManifest(covered.map((t) => ({ path: t.path, digest: t.digests.sha256 }))))
  await putTag(manifestName('sha512', true), formatManifest(covered.map((t) => ({ path: t.path, digest: t.digests.sha512 }))))
  // Every field here is checked by the verifier against the signed files (no free text).
  const signature = {
    algorithm: 'Ed25519',
    signedFile: manifestName('sha256', true),
    signature: signEd25519(tagManifest256, ctx.key.privateKey),
    publicKeyPem: ctx.key.publicKeyPem,
    publicKeyFingerprintSha256: ctx.key.fingerprint,
    examiner: options.examiner,
    exportId: ctx.exportId
  }
  await sink.writeFile(SIGNATURE_FILE, Buffer.from(`${JSON.stringify(signature, null, 2)}\n`, 'utf8'))
  throwIfCancelled(options.signal)
  await sink.writeFile('bagit.txt', bagit)
  return {
    originals,
    events,
    sources: sources.length,
    payloadFiles: payload.length,
    payloadBytes,
    tagManifestSha256: digestsOf(tagManifest256).sha256,
    clips,
    notes
  }
}

/** What the custody log and export.json say was selected. */
function selectionRecord(selection: Selection, options: ExportOptions): Record<string, unknown> {
  return {
    from: selection.from,
    to: selection.to,
    sourceIds: selection.sourceIds,
    taggedOnly: selection.taggedOnly,
    findingsOnly: selection.findingsOnly,
    cameras: options.cameras ?? [],
    findings: options.findings ?? true,
    ...(options.kind === 'access-audit' ? { areas: options.areas ?? [], workingHours: options.workingHours ?? DEFAULT_WORKING_HOURS } : {})
  }
}

/** Every camera's clock offset and how it was found, for the report's time section (none without video tables). */
function cameraClocks(db: Db): ReportCameraClock[] {
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'camera'").get()) return []
  return listCameras(db).map((c) => ({ name: c.name, timeZone: c.timeZone, clockOffsetUs: c.clockOffsetUs, offsetMethod: c.offsetMethod, offsetNotes: c.offsetNotes }))
}

/** The span the timeline picture and clips cover: the selection's bounds, else the sources' first and last events. */
function timeRange(selection: Selection, sources: { firstTs: string | null; lastTs: string | null }[]): { fromUs: number; toUs: number } | null {
  const firsts = sources.map((s) => (s.firstTs ? isoToMicros(s.firstTs) : null)).filter((x): x is number => x !== null)
  const lasts = sources.map((s) => (s.lastTs ? isoToMicros(s.lastTs) : null)).filter((x): x is number => x !== null)
  const fromUs = selection.from ? isoToMicros(selection.from) : firsts.length ? Math.min(...firsts) : null
  const toUs = selection.to ? isoToMicros(selection.to) : lasts.length ? Math.max(...lasts) : null
  if (fromUs === null || toUs === null || toUs <= fromUs) return fromUs !== null && toUs !== null && toUs === fromUs ? { fromUs, toUs: fromUs + 1_000_000 } : null
  return { fromUs, toUs }
}

async function copyOriginals(
  folder: CaseFolder,
  sink: BagSink,
  originals: EvidenceItem[],
  signal: AbortSignal | undefined,
  onBytes: (index: number, bagPath: string, n: number) => void
): Promise<{ item: EvidenceItem; bagPath: string; digests: Digests }[]> {
  const ring = HashRing.create(RING, CHUNK)
  const copied: { item: EvidenceItem; bagPath: string; digests: Digests }[] = []
  // Folder bags: the kernel copies each original (as cp does) while the previous copy is
  // read back and hashed, so the digests are of the bag's own bytes and no byte passes
  // through JavaScript on its way in. ZIPs stream through the ring instead.
  const kernelCopy = sink.copyFile ? (i: number): Promise<string> | null => {
    const item = originals[i]
    if (!item) return null
    const p = sink.copyFile!(originalBagPath(item.id, item.originalName), folder.evidencePath(item.sha256), { mode: 0o444 })
    p.catch(() => undefined) // awaited in order below
    return p
  } : null
  let nextCopy = kernelCopy?.(0) ?? null
  try {
    for (const [i, item] of originals.entries()) {
      throwIfCancelled(signal)
      const bagPath = originalBagPath(item.id, item.originalName)
      onBytes(i, bagPath, 0)
      let digests: Digests
      if (kernelCopy) {
        const thisCopy = nextCopy!
        let landed: string
        try {
          landed = await thisCopy
        } catch (err) {
          throw missingOriginal(item, folder.evidencePath(item.sha256), err)
        }
        nextCopy = kernelCopy(i + 1)
        digests = await hashFile(landed, ring, signal, (n) => onBytes(i, bagPath, n))
      } else {
        const writer = await sink.openFile(bagPath, { mode: 0o444, size: item.size })
        digests = await copyOriginal(folder.evidencePath(item.sha256), writer, ring, item, signal, (n) => onBytes(i, bagPath, n))
        await writer.close()
      }
      if (digests.sha256 !== item.sha256 || digests.size !== item.size) {
        throw new ExportIntegrityError(
          `Evidence #${item.id} (${item.originalName}) no longer matches its intake hash: it is now ${digests.sha256} (${digests.size} bytes); at intake it was ${item.sha256} (${item.size} bytes). Nothing was exported; run \`iwb verify\` on the case.`,
          item.id,
          item.originalName,
          { evidenceId: item.id, originalName: item.originalName, expectedSha256: item.sha256, actualSha256: digests.sha256, expectedSize: item.size, actualSize: digests.size }
        )
      }
      copied.push({ item, bagPath, digests })
    }
  } finally {
    await nextCopy?.catch(() => undefined)
    await ring.close()
  }
  return copied
}

function missingOriginal(item: EvidenceItem, path: string, err: unknown): ExportIntegrityError {
  return new ExportIntegrityError(
    `Evidence #${item.id} (${item.originalName}) is missing from the case (${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Nothing was exported; run \`iwb verify\` on the case.`,
    item.id,
    item.originalName,
    { evidenceId: item.id, originalName: item.originalName, expectedSha256: item.sha256, actualSha256: null, problem: 'missing' }
  )
}

/** Both digests of a file, read through the ring (see streamThroughRing). */
async function hashFile(path: string, ring: HashRing, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<Digests> {
  return streamThroughRing(await open(path, 'r'), ring, null, signal, onBytes)
}

/** Copies one evidence file into the bag, hashing every chunk on the way (see streamThroughRing). */
async function copyOriginal(
  path: string,
  writer: EntryWriter,
  ring: HashRing,
  item: EvidenceItem,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void
): Promise<Digests> {
  let fh
  try {
    fh = await open(path, 'r')
  } catch (err) {
    throw missingOriginal(item, path, err)
  }
  return streamThroughRing(fh, ring, writer, signal, onBytes)
}

/**
 * Reads a file to its end through the ring and closes it. One read is in flight while the
 * chunk before it is hashed (SHA-256 here, SHA-512 on the ring's thread) and, given a
 * writer, written out; writes drain behind, so up to ring size - 1 chunks are on their
 * way out at once. A slot is reused only once its chunk is both hashed and written.
 */
async function streamThroughRing(
  fh: FileHandle,
  ring: HashRing,
  writer: EntryWriter | null,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void
): Promise<Digests> {
  const buffers = ring.buffers
  const busy: (Promise<unknown> | null)[] = buffers.map(() => null)
  let slot = 0
  let position = 0
  ring.begin()
  let pendingRead = fh.read(buffers[0]!, 0, ring.chunk, 0)
  try {
    for (;;) {
      const { bytesRead } = await pendingRead
      if (bytesRead === 0) break
      throwIfCancelled(signal)
      position += bytesRead
      const next = (slot + 1) % buffers.length
      if (busy[next]) await busy[next]
      pendingRead = fh.read(buffers[next]!, 0, ring.chunk, position)
      const hashed = ring.update(slot, bytesRead)
      const done = writer ? Promise.all([hashed, writer.write(buffers[slot]!, bytesRead)]) : hashed
      done.catch(() => undefined) // handled where the slot is awaited; not an unhandled rejection meanwhile
      busy[slot] = done
      onBytes(bytesRead)
      slot = next
    }
    await Promise.all(busy)
  } finally {
    await Promise.allSettled([...busy, pendingRead])
    await fh.close()
  }
  return ring.end()
}

/** Copies a file we wrote ourselves into a bag entry, hashing it on the way (one read). */
async function copyFileInto(path: string, writer: EntryWriter, signal: AbortSignal | undefined): Promise<Digests> {
  const fh = await open(path, 'r')
  const hash = new DualHash()
  const buf = Buffer.allocUnsafe(TEXT_BUFFER * 4)
  try {
    let position = 0
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, position)
      if (bytesRead === 0) break
      throwIfCancelled(signal)
      hash.update(buf.subarray(0, bytesRead))
      await writer.write(buf, bytesRead)
      position += bytesRead
    }
  } finally {
    await fh.close()
  }
  await writer.close()
  return hash.digest()
}

/** Text written through a fixed buffer and hashed as it goes out. */
class TextOut {
  private readonly buf = Buffer.allocUnsafe(TEXT_BUFFER)
  private used = 0
  private readonly hash = new DualHash()

  constructor(private readonly writer: EntryWriter) {}

  async write(text: string): Promise<void> {
    const len = Buffer.byteLength(text, 'utf8')
    if (this.used + len > this.buf.length) await this.flush()
    if (len > this.buf.length) {
      const big = Buffer.from(text, 'utf8')
      this.hash.update(big)
      await this.writer.write(big, big.length)
      return
    }
    this.used += this.buf.write(text, this.used, 'utf8')
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return
    this.hash.update(this.buf.subarray(0, this.used))
    await this.writer.write(this.buf, this.used)
    this.used = 0
  }

  async close(): Promise<Digests> {
    await this.flush()
    await this.writer.close()
    return this.hash.digest()
  }
}
