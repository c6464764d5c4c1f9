// case.jsonld: the export described in CASE/UCO 1.x terms (CASE 1.4 / UCO 1.4 forms), so
// a lab's own tooling can ingest it: every file an observable with size and hashes, the
// acquisitions, each clip cut (an ffmpeg transcode of a recording) and this export as
// investigative actions (performer, instrument, objects, results, times), and provenance
// records that tie the files to them.
import { createHash } from 'node:crypto'
import type { SourceSummary } from '@shared/ingestModel'
import type { EvidenceItem } from '@shared/model'
import type { CaseInfo } from '../case/caseFolder'
import { formatClockOffset } from '../ingest/timeResolve'
import type { ClipProvenance } from './clipCutter'
import type { Digests } from './manifests'

export const CASE_CONTEXT = {
  kb: 'urn:uuid:',
  'case-investigation': 'https://ontology.caseontology.org/case/investigation/',
  'uco-action': 'https://ontology.unifiedcyberontology.org/uco/action/',
  'uco-core': 'https://ontology.unifiedcyberontology.org/uco/core/',
  'uco-identity': 'https://ontology.unifiedcyberontology.org/uco/identity/',
  'uco-observable': 'https://ontology.unifiedcyberontology.org/uco/observable/',
  'uco-tool': 'https://ontology.unifiedcyberontology.org/uco/tool/',
  'uco-types': 'https://ontology.unifiedcyberontology.org/uco/types/',
  xsd: 'http://www.w3.org/2001/XMLSchema#'
} as const

export interface JsonLdOriginal {
  item: EvidenceItem
  bagPath: string
  digests: Digests
}

export interface JsonLdInput {
  exportId: string
  caseInfo: CaseInfo
  examiner: string
  organisation: string
  recipient: string
  purpose: string
  selection: string
  tool: { name: string; version: string }
  startedAt: string
  endedAt: string
  originals: JsonLdOriginal[]
  /** Payload files other than the originals (events, metadata, report). */
  payload: { path: string; digests: Digests }[]
  sources: SourceSummary[]
  /** Clips cut for this export (their .mp4 and .provenance.json are among `payload`). */
  clips: JsonLdClip[]
  signerFingerprint: string
}

export interface JsonLdClip {
  bagPath: string
  provenancePath: string
  provenance: ClipProvenance & { source: ClipProvenance['source'] & { withheld: string | null } }
}

type Node = Record<string, unknown>

/** Stable ids: the same export described twice gives the same graph. */
function idFor(exportId: string, ...parts: (string | number)[]): string {
  const h = createHash('sha256').update([exportId, ...parts].join('\u0000')).digest('hex')
  return `kb:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const ref = (id: string): { '@id': string } => ({ '@id': id })
const dateTime = (iso: string): Node => ({ '@type': 'xsd:dateTime', '@value': iso })
const integer = (n: number): Node => ({ '@type': 'xsd:integer', '@value': String(n) })

function hashes(exportId: string, owner: string, d: Digests): Node[] {
  return [
    { '@id': idFor(exportId, owner, 'sha256'), '@type': 'uco-types:Hash', 'uco-types:hashMethod': 'SHA256', 'uco-types:hashValue': { '@type': 'xsd:hexBinary', '@value': d.sha256 } },
    { '@id': idFor(exportId, owner, 'sha512'), '@type': 'uco-types:Hash', 'uco-types:hashMethod': 'SHA512', 'uco-types:hashValue': { '@type': 'xsd:hexBinary', '@value': d.sha512 } }
  ]
}

function fileNode(exportId: string, key: string, facet: Node, d: Digests): Node {
  const id = idFor(exportId, 'file', key)
  return {
    '@id': id,
    '@type': 'uco-observable:File',
    'uco-core:hasFacet': [
      { '@id': idFor(exportId, 'file-facet', key), '@type': 'uco-observable:FileFacet', ...facet, 'uco-observable:sizeInBytes': integer(d.size) },
      {
        '@id': idFor(exportId, 'content-facet', key),
        '@type': 'uco-observable:ContentDataFacet',
        'uco-observable:sizeInBytes': integer(d.size),
        'uco-observable:hash': hashes(exportId, key, d)
      }
    ]
  }
}

export function describeTimeDecisions(s: SourceSummary): string {
  const t = s.time
  const parts = [`zone-less stamps read as ${s.timeZone} (${t.stampsInSourceZone} stamps)`, `${t.stampsWithZone} stamps carried their own zone or offset`]
  for (const [abbr, a] of Object.entries(t.abbreviations)) parts.push(`${a.count} stamps in ${abbr} read as UTC${a.offsetMinutes >= 0 ? '+' : '-'}${Math.abs(a.offsetMinutes) / 60}`)
  if (t.yearInference) {
    const y = t.yearInference
    parts.push(`year ${y.firstYear} ${y.basis === 'explicit' ? 'given by the examiner' : y.basis === 'file-mtime' ? "inferred from the file's modification time" : 'assumed from the import date'}${y.rollovers.length ? `, rolled over at ${y.rollovers.map((r) => `record ${r.recordIndex} to ${r.toYear}`).join(', ')}` : ''}`)
  }
  if (t.dstAmbiguous) parts.push(`${t.dstAmbiguous} stamps in a DST fold (first occurrence taken)`)
  if (t.dstGap) parts.push(`${t.dstGap} stamps in a DST gap`)
  parts.push(`clock offset ${formatClockOffset(s.clockOffsetUs)}`)
  return parts.join('; ')
}

export function buildCaseJsonLd(input: JsonLdInput): Record<string, unknown> {
  const x = input.exportId
  const graph: Node[] = []
  const people = new Map<string, string>()
  const person = (name: string): string => {
    let id = people.get(name)
    if (!id) {
      id = idFor(x, 'person', name)
      people.set(name, id)
      graph.push({ '@id': id, '@type': 'uco-identity:Person', 'uco-core:name': name })
    }
    return id
  }
  const tools = new Map<string, string>()
  const tool = (name: string, version: string): string => {
    const key = `${name}\u0000${version}`
    let id = tools.get(key)
    if (!id) {
      id = idFor(x, 'tool', key)
      tools.set(key, id)
      graph.push({ '@id': id, '@type': 'uco-tool:Tool', 'uco-core:name': name, 'uco-tool:version': version })
    }
    return id
  }

  const fileIds = new Map<number, string>()
  const actions: string[] = []
  const records: string[] = []
  for (const o of input.originals) {
    const it = o.item
    const file = fileNode(x, `evidence-${it.id}`, {
      'uco-observable:fileName': it.originalName,
      'uco-observable:filePath': it.originalPath,
      ...(it.sourceMtime ? { 'uco-observable:modifiedTime': dateTime(it.sourceMtime) } : {})
    }, o.digests)
    graph.push(file)
    fileIds.set(it.id, file['@id'] as string)
  }
  for (const o of input.originals) {
    const it = o.item
    const fileId = fileIds.get(it.id)!
    const recordId = idFor(x, 'provenance', `evidence-${it.id}`)
    graph.push({
      '@id': recordId,
      '@type': 'case-investigation:ProvenanceRecord',
      'case-investigation:exhibitNumber': `${input.caseInfo.caseId}/evidence-${it.id}`,
      'uco-core:description': `Evidence #${it.id}, ${it.originalName}, acquired from ${it.originalPath} on ${it.workstation}; in this bag as ${o.bagPath}.${it.note ? ` Note: ${it.note}` : ''}`,
      'uco-core:object': [ref(fileId)]
    })
    records.push(recordId)
    const actionId = idFor(x, 'acquisition', it.id)
    const parent = it.parentId !== null ? fileIds.get(it.parentId) : undefined
    graph.push({
      '@id': actionId,
      '@type': 'case-investigation:InvestigativeAction',
      'uco-core:name': acquisitionName(it),
      'uco-core:description': `Read once, hashed (SHA-256) and copied read-only into the case as evidence #${it.id}.${it.acquiredVia === 'archive-member' ? ` Taken from ${it.originalPath}.` : ''}`,
      'uco-action:startTime': dateTime(it.acquiredAt),
      'uco-action:endTime': dateTime(it.acquiredAt),
      'uco-action:performer': ref(person(it.examiner)),
      'uco-action:instrument': ref(tool(it.tool, it.toolVersion)),
      ...(parent ? { 'uco-action:object': [ref(parent)] } : {}),
      'uco-action:result': [ref(fileId), ref(recordId)]
    })
    actions.push(actionId)
  }

  for (const s of input.sources) {
    const fileId = fileIds.get(s.evidenceId)
    if (!fileId) continue
    graph.push({
      '@id': idFor(x, 'time-decisions', s.id),
      '@type': 'uco-core:Annotation',
      'uco-core:description': `Source #${s.id} (${s.fileName}, format ${s.format}) time decisions: ${describeTimeDecisions(s)}.`,
      'uco-core:tag': ['time-decisions'],
      'uco-core:object': [ref(fileId)]
    })
  }

  const payloadIds = input.payload.map((p) => {
    const node = fileNode(x, `payload-${p.path}`, { 'uco-observable:fileName': p.path.split('/').pop()!, 'uco-observable:filePath': p.path }, p.digests)
    graph.push(node)
    return node['@id'] as string
  })
  const bagCopies = input.originals.map((o) => {
    const node = fileNode(x, `payload-${o.bagPath}`, { 'uco-observable:fileName': o.bagPath.split('/').pop()!, 'uco-observable:filePath': o.bagPath }, o.digests)
    graph.push(node)
    return node['@id'] as string
  })
  // Clips: the cut is an action on the source recording (an original of this bag, or an
  // observable known by its hash only when withheld) whose results are the clip and its record.
  const payloadId = (path: string): string => idFor(x, 'file', `payload-${path}`)
  const bySha = new Map(input.originals.map((o) => [o.digests.sha256, fileIds.get(o.item.id)!]))
  for (const c of input.clips) {
    const p = c.provenance
    let sourceId = bySha.get(p.source.sha256)
    if (!sourceId) {
      sourceId = idFor(x, 'file', `withheld-${p.source.sha256}`)
      if (!graph.some((n) => n['@id'] === sourceId))
        graph.push({
          '@id': sourceId,
          '@type': 'uco-observable:File',
          'uco-core:description': `Recording of ${p.camera}${p.source.evidenceId !== null ? ` (evidence #${p.source.evidenceId})` : ''}, not in this bag: ${p.source.withheld ?? 'withheld'}.`,
          'uco-core:hasFacet': [
            {
              '@id': idFor(x, 'content-facet', `withheld-${p.source.sha256}`),
              '@type': 'uco-observable:ContentDataFacet',
              'uco-observable:hash': [{ '@id': idFor(x, `withheld-${p.source.sha256}`, 'sha256'), '@type': 'uco-types:Hash', 'uco-types:hashMethod': 'SHA256', 'uco-types:hashValue': { '@type': 'xsd:hexBinary', '@value': p.source.sha256 } }]
            }
          ]
        })
    }
    const recordId = idFor(x, 'provenance', c.bagPath)
    graph.push({
      '@id': recordId,
      '@type': 'case-investigation:ProvenanceRecord',
      'case-investigation:exhibitNumber': `export-${x}/${c.bagPath}`,
      'uco-core:description': `Clip of ${p.camera}, first frame ${p.startWallClock} (clock offset applied ${p.clockOffsetAppliedUs} µs), ${p.cut.inSeconds}–${p.cut.outSeconds} s of the recording with SHA-256 ${p.source.sha256}; exact ffmpeg arguments in ${c.provenancePath}.`,
      'uco-core:object': [ref(payloadId(c.bagPath)), ref(payloadId(c.provenancePath))]
    })
    records.push(recordId)
    const actionId = idFor(x, 'clip', c.bagPath)
    graph.push({
      '@id': actionId,
      '@type': 'case-investigation:InvestigativeAction',
      'uco-core:name': 'clip cut',
      'uco-core:description': `Cut from ${p.cut.inSeconds} s to ${p.cut.outSeconds} s of the recording and transcoded to ${p.output.codec.toUpperCase()} in ${p.output.container.toUpperCase()} by ffmpeg, frame-exact.`,
      'uco-action:startTime': dateTime(p.startedAt),
      'uco-action:endTime': dateTime(p.createdAt),
      'uco-action:performer': ref(person(input.examiner)),
      'uco-action:instrument': ref(tool('ffmpeg', p.ffmpeg.version)),
      'uco-action:object': [ref(sourceId)],
      'uco-action:result': [ref(payloadId(c.bagPath)), ref(recordId)]
    })
    actions.push(actionId)
  }

  const exportRecord = idFor(x, 'provenance', 'export')
  graph.push({
    '@id': exportRecord,
    '@type': 'case-investigation:ProvenanceRecord',
    'case-investigation:exhibitNumber': `export-${x}`,
    'uco-core:description': `The payload of export ${x}: byte-for-byte copies of the originals, the selected events and the report.`,
    'uco-core:object': [...bagCopies, ...payloadIds].map(ref)
  })
  records.push(exportRecord)
  const exportAction = idFor(x, 'export')
  graph.push({
    '@id': exportAction,
    '@type': 'case-investigation:InvestigativeAction',
    'uco-core:name': 'exported',
    'uco-core:description': `Exported for ${input.recipient || '(recipient not stated)'}; purpose: ${input.purpose || '(not stated)'}; selection: ${input.selection}. Signed with Ed25519 key SHA-256:${input.signerFingerprint}.`,
    'uco-action:startTime': dateTime(input.startedAt),
    'uco-action:endTime': dateTime(input.endedAt),
    'uco-action:performer': ref(person(input.examiner)),
    'uco-action:instrument': ref(tool(input.tool.name, input.tool.version)),
    'uco-action:object': [...fileIds.values()].map(ref),
    'uco-action:result': [ref(exportRecord)]
  })
  actions.push(exportAction)

  graph.unshift({
    '@id': idFor(x, 'investigation'),
    '@type': 'case-investigation:Investigation',
    'uco-core:name': input.caseInfo.name,
    'uco-core:description': `Case ${input.caseInfo.caseId}, time zone ${input.caseInfo.timeZone}${input.organisation ? `, ${input.organisation}` : ''}.`,
    'uco-core:object': [...actions, ...records].map(ref)
  })
  return { '@context': CASE_CONTEXT, '@graph': graph }
}

/** Every SHA-256 value the graph states (for the verifier's cross-check). */
export function sha256ValuesIn(doc: unknown): Set<string> {
  const out = new Set<string>()
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk)
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      const method = o['uco-types:hashMethod']
      const m = typeof method === 'string' ? method : (method as { '@value'?: unknown } | undefined)?.['@value']
      const value = o['uco-types:hashValue']
      const hex = typeof value === 'string' ? value : (value as { '@value'?: unknown } | undefined)?.['@value']
      if (m === 'SHA256' && typeof hex === 'string') out.add(hex.toLowerCase())
      Object.values(o).forEach(walk)
    }
  }
  walk(doc)
  return out
}

/** How an item came into the case: a member of an archive, a byte range cut from its parent
 *  (a Hikvision recording cut by its card index: "…!/bytes [a, b) per index00.bin slot N"), or a file. */
function acquisitionName(it: { acquiredVia: string; originalPath: string }): string {
  if (it.acquiredVia !== 'archive-member') return 'acquired'
  return /!\/bytes \[\d+, \d+\)/.test(it.originalPath) ? 'cut from its parent file by byte range' : 'extracted from archive'
}
