// Verification of an exported bag, folder or ZIP, by the same rules a recipient can apply
// with standard tools: required files, no missing, extra or duplicate payload files,
// Payload-Oxum, every SHA-256 and SHA-512, the tag manifests, the Ed25519 signature,
// the custody chain in custody.jsonl, and every original's hash stated in case.jsonld.
// Every problem is named; the bag is good only when there are none.
import { createPublicKey } from 'node:crypto'
import { readdir, stat } from 'node:fs/promises'
import { microsToIso, nowMicros } from '@shared/time'
import { GENESIS_HASH, custodyRowHash } from '../case/custody'
import { COVERED_TAG_FILES, SIGNATURE_FILE } from './bagPaths'
import { openBagDirectory, openBagZip, type BagSource } from './bagSource'
import { sha256ValuesIn } from './caseJsonLd'
import { ALGORITHMS, BAGIT_TXT, manifestName, parseBagInfo, parseManifest, type Algorithm, type Digests, type ParsedManifest } from './manifests'
import { publicKeyFingerprint, verifyEd25519 } from './signing'

export type BagProblemKind =
  | 'structure'
  | 'missing'
  | 'extra'
  | 'duplicate'
  | 'manifest'
  | 'checksum'
  | 'oxum'
  | 'signature'
  | 'custody'
  | 'case-jsonld'
  | 'clip'

export interface BagProblem {
  kind: BagProblemKind
  /** The file the problem is about, relative to the bag. */
  file: string
  message: string
}

export interface BagVerifyReport {
  ok: boolean
  bag: string
  format: 'directory' | 'zip'
  checkedAt: string
  exportId: string | null
  payloadFiles: number
  payloadBytes: number
  bytesHashed: number
  custodyLength: number
  signer: { examiner: string | null; fingerprint: string; valid: boolean } | null
  problems: BagProblem[]
}

export interface BagVerifyOptions {
  signal?: AbortSignal
  onBytes?: (n: number) => void
  /** The signer's key fingerprint as given out of band; a different key is a problem. */
  expectedFingerprint?: string
}

export const REQUIRED_FILES = [...COVERED_TAG_FILES, 'tagmanifest-sha256.txt', 'tagmanifest-sha512.txt', SIGNATURE_FILE] as const

/** A .zip file, or a folder without case.db that holds bagit.txt or a manifest (a bag missing bagit.txt is still a bag to check). */
export async function isBagPath(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null)
  if (!st) return false
  if (st.isFile()) return /\.zip$/i.test(path)
  if (!st.isDirectory()) return false
  const names = await readdir(path).catch(() => [] as string[])
  if (names.includes('case.db')) return false
  return names.some((n) => n === 'bagit.txt' || n === 'bag-info.txt' || /^(tag)?manifest-[a-z0-9]+\.txt$/.test(n))
}

export async function verifyBag(path: string, options: BagVerifyOptions = {}): Promise<BagVerifyReport> {
  const st = await stat(path)
  const problems: BagProblem[] = []
  let source: BagSource
  try {
    source = st.isFile() ? await openBagZip(path) : await openBagDirectory(path)
  } catch (err) {
    return {
      ok: false,
      bag: path,
      format: st.isFile() ? 'zip' : 'directory',
      checkedAt: microsToIso(nowMicros()),
      exportId: null,
      payloadFiles: 0,
      payloadBytes: 0,
      bytesHashed: 0,
      custodyLength: 0,
      signer: null,
      problems: [{ kind: 'structure', file: '.', message: `The bag cannot be read: ${(err as Error).message}` }]
    }
  }
  try {
    return await check(path, source, problems, options)
  } finally {
    await source.close()
  }
}

async function check(path: string, source: BagSource, problems: BagProblem[], options: BagVerifyOptions): Promise<BagVerifyReport> {
  const add = (kind: BagProblemKind, file: string, message: string): void => {
    problems.push({ kind, file, message })
  }
  for (const p of source.listingProblems) add(p.message.includes('more than once') ? 'duplicate' : 'structure', p.path, p.message)
  const files = source.files
  for (const required of REQUIRED_FILES) {
    if (!files.has(required)) add('missing', required, `Required file ${required} is missing from the bag.`)
  }
  const readText = async (p: string): Promise<string | null> => {
    if (!files.has(p)) return null
    try {
      return (await source.read(p)).toString('utf8')
    } catch (err) {
      add('structure', p, `${p} cannot be read: ${(err as Error).message}`)
      return null
    }
  }

  // Hash every file once; manifests and tag manifests are then checked against these.
  const digests = new Map<string, Digests>()
  let bytesHashed = 0
  for (const file of [...files.keys()].sort()) {
    try {
      digests.set(
        file,
        await source.digest(file, {
          signal: options.signal,
          onBytes: (n) => {
            bytesHashed += n
            options.onBytes?.(n)
          }
        })
      )
    } catch (err) {
      if ((err as Error).name === 'CancelledError') throw err
      add('structure', file, `${file} cannot be read: ${(err as Error).message}`)
    }
  }

  const bagitText = await readText('bagit.txt')
  if (bagitText !== null && bagitText !== BAGIT_TXT) {
    const bom = bagitText.startsWith('\ufeff')
    add('structure', 'bagit.txt', `bagit.txt is not exactly "BagIt-Version: 1.0" and "Tag-File-Character-Encoding: UTF-8" on two lines${bom ? ' (it starts with a byte-order mark)' : ''}.`)
  }

  const infoText = await readText('bag-info.txt')
  const info = infoText === null ? null : parseBagInfo(infoText)
  for (const p of info?.problems ?? []) add('structure', 'bag-info.txt', p)
  const exportId = info?.get('External-Identifier') ?? null
  if (info && !exportId) add('structure', 'bag-info.txt', 'bag-info.txt has no External-Identifier (the export id).')

  // Payload manifests.
  const payload = [...files.keys()].filter((f) => f.startsWith('data/'))
  const manifests = new Map<Algorithm, ParsedManifest>()
  for (const alg of ALGORITHMS) {
    const name = manifestName(alg)
    const text = await readText(name)
    if (text === null) continue
    const parsed = parseManifest(text, alg, name, false)
    for (const p of parsed.problems) add(p.includes('twice') ? 'duplicate' : 'manifest', name, p)
    manifests.set(alg, parsed)
  }
  checkListed(manifests, payload, digests, files, add, 'data/')

  const payloadBytes = payload.reduce((n, f) => n + (files.get(f) ?? 0), 0)
  const oxum = info?.get('Payload-Oxum')
  if (info && !oxum) add('oxum', 'bag-info.txt', 'bag-info.txt has no Payload-Oxum.')
  else if (oxum && oxum !== `${payloadBytes}.${payload.length}`) {
    add('oxum', 'bag-info.txt', `Payload-Oxum in bag-info.txt is ${oxum} (bytes.files), but data/ holds ${payloadBytes} bytes in ${payload.length} files.`)
  }

  // Tag manifests cover every other file except themselves and the signature over them.
  const tagManifests = new Map<Algorithm, ParsedManifest>()
  for (const alg of ALGORITHMS) {
    const name = manifestName(alg, true)
    const text = await readText(name)
    if (text === null) continue
    const parsed = parseManifest(text, alg, name, true)
    for (const p of parsed.problems) add(p.includes('twice') ? 'duplicate' : 'manifest', name, p)
    tagManifests.set(alg, parsed)
  }
  const uncoverable = new Set<string>([manifestName('sha256', true), manifestName('sha512', true), SIGNATURE_FILE])
  const tagFiles = [...files.keys()].filter((f) => !f.startsWith('data/') && !uncoverable.has(f))
  checkListed(tagManifests, tagFiles, digests, files, add, '')

  const signer = await checkSignature(source, files, add, options.expectedFingerprint, {
    exportId,
    examiner: info?.get('Contact-Name') ?? null
  })
  const custodyLength = await checkCustody(await readText('custody.jsonl'), exportId, add)

  const jsonldText = await readText('case.jsonld')
  if (jsonldText !== null) {
    let stated: Set<string> | null = null
    try {
      stated = sha256ValuesIn(JSON.parse(jsonldText))
    } catch (err) {
      add('case-jsonld', 'case.jsonld', `case.jsonld is not valid JSON: ${(err as Error).message}`)
    }
    if (stated) {
      for (const f of payload.filter((p) => p.startsWith('data/originals/'))) {
        const d = digests.get(f)
        if (d && !stated.has(d.sha256)) add('case-jsonld', f, `${f} (SHA-256 ${d.sha256}) is an original whose hash is not stated in case.jsonld.`)
      }
    }
  }

  // Clips and stills: each provenance names its source recording, which must be an original
  // in this bag or be named as withheld; the clip or still must be the one it hashed.
  const originalHashes = new Set(payload.filter((p) => p.startsWith('data/originals/')).map((p) => digests.get(p)?.sha256))
  for (const f of payload.filter((p) => /^data\/(clips|stills)\/[^/]+\.provenance\.json$/.test(p))) {
    const dir = f.slice(0, f.lastIndexOf('/'))
    const what = dir === 'data/stills' ? 'still' : 'clip'
    const text = await readText(f)
    if (text === null) continue
    let prov: { source?: { sha256?: unknown; withheld?: unknown }; output?: { file?: unknown; sha256?: unknown } }
    try {
      prov = JSON.parse(text) as typeof prov
    } catch (err) {
      add('clip', f, `${f} is not valid JSON: ${(err as Error).message}`)
      continue
    }
    const src = typeof prov.source?.sha256 === 'string' ? prov.source.sha256 : null
    const withheld = typeof prov.source?.withheld === 'string' && prov.source.withheld.trim() !== ''
    if (!withheld && (!src || !originalHashes.has(src))) {
      add('clip', f, `${f}: the ${what}'s source recording (SHA-256 ${src ?? 'not stated'}) is neither among this bag's originals nor named as withheld.`)
    }
    if (typeof prov.output?.file === 'string') {
      const clip = `${dir}/${prov.output.file}`
      const d = digests.get(clip)
      if (!d) add('clip', clip, `${clip}, named by ${f}, is missing from the bag.`)
      else if (d.sha256 !== prov.output.sha256) add('clip', clip, `${clip} is not the ${what} ${f} describes (SHA-256 ${d.sha256}, provenance says ${String(prov.output.sha256)}).`)
    }
  }

  return {
    ok: problems.length === 0,
    bag: path,
    format: source.kind,
    checkedAt: microsToIso(nowMicros()),
    exportId,
    payloadFiles: payload.length,
    payloadBytes,
    bytesHashed,
    custodyLength,
    signer,
    problems
  }
}

/** Files listed but absent, present but unlisted, and changed; one problem per file. */
function checkListed(
  manifests: Map<Algorithm, ParsedManifest>,
  present: string[],
  digests: Map<string, Digests>,
  files: ReadonlyMap<string, number>,
  add: (kind: BagProblemKind, file: string, message: string) => void,
  scope: string
): void {
  const missing = new Map<string, string[]>()
  const changed = new Map<string, string[]>()
  for (const [alg, parsed] of manifests) {
    const isTag = scope === ''
    const name = manifestName(alg, isTag)
    for (const entry of parsed.entries.values()) {
      if (!files.has(entry.path)) {
        missing.set(entry.path, [...(missing.get(entry.path) ?? []), name])
        continue
      }
      const actual = digests.get(entry.path)?.[alg]
      if (actual !== undefined && actual !== entry.digest) {
        changed.set(entry.path, [...(changed.get(entry.path) ?? []), `its ${alg.toUpperCase()} is ${actual}, ${name} says ${entry.digest}`])
      }
    }
  }
  for (const [path, names] of missing) add('missing', path, `${path} is listed in ${names.join(' and ')} but is missing from the bag.`)
  for (const [path, diffs] of changed) add('checksum', path, `${path} has changed: ${diffs.join('; ')}.`)
  for (const path of present) {
    const unlisted = [...manifests].filter(([, m]) => !m.entries.has(path)).map(([alg]) => manifestName(alg, scope === ''))
    if (unlisted.length === 0) continue
    add(
      'extra',
      path,
      scope === 'data/'
        ? `${path} is in data/ but not listed in ${unlisted.join(' or ')} (an extra file).`
        : `${path} is not covered by ${unlisted.join(' or ')} (an extra or unprotected file outside data/).`
    )
  }
}

async function checkSignature(
  source: BagSource,
  files: ReadonlyMap<string, number>,
  add: (kind: BagProblemKind, file: string, message: string) => void,
  expected: string | undefined,
  signed: { exportId: string | null; examiner: string | null }
): Promise<BagVerifyReport['signer']> {
  if (!files.has(SIGNATURE_FILE)) return null
  const signedName = manifestName('sha256', true)
  let sig: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse((await source.read(SIGNATURE_FILE)).toString('utf8'))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    sig = parsed as Record<string, unknown>
  } catch (err) {
    add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} cannot be read: ${(err as Error).message}.`)
    return null
  }
  const pem = typeof sig.publicKeyPem === 'string' ? sig.publicKeyPem : ''
  const signature = typeof sig.signature === 'string' ? sig.signature : ''
  if (sig.algorithm !== 'Ed25519') add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} names algorithm ${JSON.stringify(sig.algorithm)}; expected "Ed25519".`)
  if (sig.signedFile !== signedName) add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} says it signs ${JSON.stringify(sig.signedFile)}; expected "${signedName}".`)
  // The signature covers bag-info.txt (through the tag manifest); these fields must agree with it.
  if (sig.exportId !== signed.exportId) add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} names export ${JSON.stringify(sig.exportId)}; bag-info.txt names ${JSON.stringify(signed.exportId)}.`)
  if (sig.examiner !== signed.examiner) add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} names examiner ${JSON.stringify(sig.examiner)}; bag-info.txt names ${JSON.stringify(signed.examiner)}.`)
  const known = new Set(['algorithm', 'signedFile', 'signature', 'publicKeyPem', 'publicKeyFingerprintSha256', 'examiner', 'exportId'])
  for (const k of Object.keys(sig)) if (!known.has(k)) add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} holds an unexpected field ${JSON.stringify(k)}.`)
  let fingerprint = ''
  try {
    fingerprint = publicKeyFingerprint(pem)
  } catch (err) {
    add('signature', SIGNATURE_FILE, `The public key in ${SIGNATURE_FILE} cannot be read: ${(err as Error).message}.`)
    return null
  }
  // Strict forms: base64 and PEM readers skip stray characters, so compare with the canonical text.
  if (canonicalPem(pem) !== pem) {
    add('signature', SIGNATURE_FILE, `The public key in ${SIGNATURE_FILE} is not in canonical PEM form (it was altered).`)
  }
  if (!/^[A-Za-z0-9+/]{86}==$/.test(signature)) add('signature', SIGNATURE_FILE, `The signature in ${SIGNATURE_FILE} is not a 64-byte Ed25519 signature in base64.`)
  if (sig.publicKeyFingerprintSha256 !== fingerprint) {
    add('signature', SIGNATURE_FILE, `${SIGNATURE_FILE} states key fingerprint ${String(sig.publicKeyFingerprintSha256)}, but its public key's fingerprint is ${fingerprint}.`)
  }
  if (expected && expected.toLowerCase().replace(/[^0-9a-f]/g, '') !== fingerprint) {
    add('signature', SIGNATURE_FILE, `The bag was signed with key ${fingerprint}, not with the expected key ${expected}.`)
  }
  let valid = false
  if (files.has(signedName)) {
    try {
      valid = verifyEd25519(await source.read(signedName), signature, pem)
    } catch {
      valid = false
    }
    if (!valid) {
      add('signature', signedName, `The Ed25519 signature in ${SIGNATURE_FILE} does not match ${signedName}: one of them was changed after signing.`)
    }
  }
  return { examiner: typeof sig.examiner === 'string' ? sig.examiner : null, fingerprint, valid }
}

function canonicalPem(pem: string): string {
  return createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString()
}

/** Recomputes the chain exactly as README.md documents it; returns the number of entries read. */
async function checkCustody(text: string | null, exportId: string | null, add: (kind: BagProblemKind, file: string, message: string) => void): Promise<number> {
  if (text === null) return 0
  const file = 'custody.jsonl'
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let last: Record<string, unknown> | null = null
  lines.forEach((line, i) => {
    const n = i + 1
    let row: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(line)
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
      row = parsed as Record<string, unknown>
    } catch (err) {
      add('custody', file, `Custody chain broken at ${file} line ${n}: the line is not a JSON object (${(err as Error).message}).`)
      prevHash = ''
      expectedSeq++
      return
    }
    last = row
    const seq = row.seq
    const where = `${file} line ${n} (seq ${String(seq)})`
    if (seq !== expectedSeq) add('custody', file, `Custody chain broken at ${where}: expected seq ${expectedSeq}; entries are missing or out of order.`)
    if (row.prevHash !== prevHash) add('custody', file, `Custody chain broken at ${where}: it does not point at the hash of the line before it.`)
    const { hash, ...content } = row
    let recomputed = ''
    try {
      recomputed = custodyRowHash(content as Parameters<typeof custodyRowHash>[0])
    } catch {
      recomputed = ''
    }
    if (typeof hash !== 'string' || recomputed !== hash) {
      add('custody', file, `Custody chain broken at ${where}: its content (${String(row.action)} on ${String(row.object)}) was changed after it was written.`)
    }
    prevHash = typeof hash === 'string' ? hash : ''
    expectedSeq = (typeof seq === 'number' ? seq : expectedSeq) + 1
  })
  const end = last as Record<string, unknown> | null
  const endDetails = end?.details as Record<string, unknown> | undefined
  if (lines.length === 0) add('custody', file, `${file} is empty; it must hold the case's custody log up to this export.`)
  else if (exportId && (end?.action !== 'export.started' || endDetails?.exportId !== exportId)) {
    add('custody', file, `The last line of ${file} is not this export's own entry (export.started for ${exportId}); the log was cut or extended.`)
  }
  return lines.length
}
