// C•CURE 9000 journal exported as XML. The document is not loaded whole: the file is
// scanned in bytes for the repeated message element (found from the head as the element
// that holds MessageLocalDateTime / MessageUTC and MessageText), and each message is
// validated and parsed on its own with fast-xml-parser, so one broken message is one bad
// record with its byte offset and the line it starts on, and the rest still import.
// UTF-8, UTF-16 (SQL Server's usual XML encoding) and single-byte Latin encodings are read.
// Lines are counted incrementally over the bytes between one message start and the next,
// so the count costs one pass over the file in all.
import { open } from 'node:fs/promises'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { recordExcerpt, type Importer, type ParserContext, type RecordOutput, type SniffInput } from '../../types'
import { accessEvent } from './accessEvent'
import { ccureRecord, ccureTimeColumn, CCURE_LOCAL_COLUMNS, CCURE_UTC_COLUMNS } from './ccure9000'
import { FieldBag } from './fieldBag'

type XmlEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'

const READ_BYTES = 1024 * 1024
const MAX_RECORD_BYTES = 1024 * 1024
const HEAD_BYTES = 1024 * 1024
const MAX_SKIP_BYTES = 16 * 1024 * 1024
const TIME_NAMES = [...CCURE_LOCAL_COLUMNS, ...CCURE_UTC_COLUMNS]

export function detectXmlEncoding(head: Buffer): { encoding: XmlEncoding; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 }
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 }
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 }
  if (head[0] === 0x3c && head[1] === 0x00) return { encoding: 'utf-16le', bom: 0 }
  if (head[0] === 0x00 && head[1] === 0x3c) return { encoding: 'utf-16be', bom: 0 }
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i.exec(head.subarray(0, 200).toString('latin1'))
  if (decl && /^(iso-?8859-1|latin-?1|windows-1252|cp1252|us-ascii)$/i.test(decl[1]!)) return { encoding: 'windows-1252', bom: 0 }
  return { encoding: 'utf-8', bom: 0 }
}

function encode(text: string, encoding: XmlEncoding): Buffer {
  if (encoding === 'utf-8') return Buffer.from(text, 'utf8')
  if (encoding === 'windows-1252') return Buffer.from(text, 'latin1')
  const le = Buffer.from(text, 'utf16le')
  return encoding === 'utf-16le' ? le : Buffer.from(le).swap16()
}

function decode(bytes: Buffer, encoding: XmlEncoding): string {
  return new TextDecoder(encoding).decode(bytes)
}

/** Blanks comments, CDATA and processing instructions, keeping every other index in place. */
function blankNonElements(text: string): string {
  return text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g, (m) => ' '.repeat(m.length))
}

interface OpenTag {
  name: string
  index: number
}

/**
 * Elements open at `pos`, the first character of a name: for an element name the element
 * itself is left out (its parent is on top); for an attribute name its tag is on top.
 */
function stackAt(text: string, pos: number): OpenTag[] {
  const stack: OpenTag[] = []
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g
  for (let m = tag.exec(text); m && m.index < pos; m = tag.exec(text)) {
    if (m.index + m[0].length > pos) {
      if (m.index !== pos - 1 && !m[1]) stack.push({ name: m[2]!, index: m.index })
      break
    }
    if (m[1]) {
      const i = stack.map((t) => t.name).lastIndexOf(m[2]!)
      if (i >= 0) stack.length = i
    } else if (!m[4]) stack.push({ name: m[2]!, index: m.index })
  }
  return stack
}

/** The name of the repeated message element, or null when the head holds no journal message. */
export function findRecordElement(headText: string): string | null {
  const text = blankNonElements(headText)
  const timeAt = new RegExp(`\\b(${TIME_NAMES.join('|')})\\b`).exec(text)?.index
  if (timeAt === undefined) return null
  const timeStack = stackAt(text, timeAt)
  const textAt = /\bMessageText\b/.exec(text)?.index
  if (textAt === undefined) return timeStack[timeStack.length - 1]?.name ?? null
  const other = stackAt(text, textAt)
  let record: OpenTag | undefined
  for (let i = 0; i < Math.min(timeStack.length, other.length) && timeStack[i]!.index === other[i]!.index; i++) record = timeStack[i]
  return record?.name ?? null
}

function leafEntries(node: unknown, out: [string, string][], name = '', depth = 0): [string, string][] {
  if (node === null || node === undefined || depth > 12) return out
  if (Array.isArray(node)) for (const n of node) leafEntries(n, out, name, depth + 1)
  else if (typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) leafEntries(v, out, k === '#text' ? name : k, depth + 1)
  } else if (name) out.push([name, String(node)])
  return out
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true
})

export function sniffCcureXml(input: SniffInput): number {
  const { encoding, bom } = detectXmlEncoding(input.head)
  const text = encoding === 'utf-8' ? input.text : decode(input.head.subarray(bom), encoding)
  if (!/^\s*</.test(text)) return 0
  if (!text.includes('MessageText') || !TIME_NAMES.some((n) => text.includes(n))) return 0
  return findRecordElement(text) ? 0.95 : 0.6
}

async function* readCcureXml(path: string, ctx: ParserContext): AsyncGenerator<RecordOutput> {
  const fh = await open(path, 'r')
  try {
    const headBuf = Buffer.alloc(HEAD_BYTES)
    const { bytesRead: headBytes } = await fh.read(headBuf, 0, HEAD_BYTES, 0)
    const { encoding, bom } = detectXmlEncoding(headBuf.subarray(0, headBytes))
    const unit = encoding.startsWith('utf-16') ? 2 : 1
    const element = findRecordElement(decode(headBuf.subarray(bom, headBytes), encoding))
    if (!element) {
      yield { bad: 'no C•CURE journal message (an element holding MessageLocalDateTime or MessageUTC and MessageText) in the first 1 MiB', offset: 0, recordNo: 1 }
      return
    }
    ctx.note(`C•CURE 9000 XML: journal messages read from <${element}> elements (${encoding})`)
    const openPat = encode(`<${element}`, encoding)
    const closePat = encode(`</${element}>`, encoding)
    const gtPat = encode('>', encoding)
    const slash = encode('/', encoding)
    const follow = [' ', '\t', '\r', '\n', '>', '/'].map((c) => encode(c, encoding))

    let buf: Buffer = Buffer.alloc(0)
    let bufStart = bom // file offset of buf[0]
    let position = bom
    let eof = false
    let recordNo = 0

    const aligned = (i: number): boolean => (bufStart + i - bom) % unit === 0
    const find = (pat: Buffer, from: number): number => {
      for (let i = buf.indexOf(pat, from); i !== -1; i = buf.indexOf(pat, i + 1)) if (aligned(i)) return i
      return -1
    }
    const skips: [Buffer, Buffer][] = [
      [encode('<!--', encoding), encode('-->', encoding)],
      [encode('<![CDATA[', encoding), encode(']]>', encoding)]
    ]
    // Where each skip pattern next occurs, so a file without comments is not searched to
    // its end for one on every message.
    let skipCache: { from: number; at: number }[] = skips.map(() => ({ from: Infinity, at: -1 }))
    const nextSkip = (k: number, from: number): number => {
      const c = skipCache[k]!
      if (from >= c.from && (c.at === -1 || c.at >= from)) return c.at
      const at = find(skips[k]![0], from)
      skipCache[k] = { from, at }
      return at
    }
    /**
     * The next message start at or after `from`, skipping comments and CDATA (an export's
     * comment may well mention the element). -1: none in the buffer; -2 - n: undecidable
     * until more is read, keep the buffer from n.
     */
    const findOpen = (from: number): number => {
      for (let at = from; ; ) {
        const i = find(openPat, at)
        let skip: { start: number; end: Buffer; open: Buffer } | null = null
        for (const [k, [open, end]] of skips.entries()) {
          const s = nextSkip(k, at)
          if (s !== -1 && (i === -1 || s < i) && (!skip || s < skip.start)) skip = { start: s, end, open }
        }
        if (skip) {
          const e = find(skip.end, skip.start + skip.open.length)
          if (e !== -1) {
            at = e + skip.end.length
            continue
          }
          // An unclosed comment longer than any message is not waited for: scan past its start.
          if (!eof && buf.length - skip.start <= MAX_SKIP_BYTES) return -2 - skip.start
          at = skip.start + skip.open.length
          continue
        }
        if (i === -1) return -1
        const next = buf.subarray(i + openPat.length, i + openPat.length + unit)
        if (next.length < unit) return eof ? -1 : -2 - i
        if (follow.some((f) => f.equals(next))) return i
        at = i + unit
      }
    }
    const more = async (): Promise<void> => {
      const chunk = Buffer.alloc(READ_BYTES)
      const { bytesRead } = await fh.read(chunk, 0, READ_BYTES, position)
      if (bytesRead === 0) eof = true
      position += bytesRead
      buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)])
      skipCache = skips.map(() => ({ from: Infinity, at: -1 }))
    }
    // Line number at buffer index lineIdx; advanced only forward, over bytes not yet counted.
    const lfPat = encode('\n', encoding)
    let lineAt = 1
    let lineIdx = 0
    const lineOf = (i: number): number => {
      if (i > lineIdx) {
        const seg = buf.subarray(lineIdx, i)
        for (let j = seg.indexOf(lfPat); j !== -1; j = seg.indexOf(lfPat, j + 1)) if (aligned(lineIdx + j)) lineAt++
        lineIdx = i
      }
      return lineAt
    }
    const drop = (upTo: number): void => {
      lineOf(upTo)
      lineIdx = Math.max(0, lineIdx - upTo)
      buf = buf.subarray(upTo)
      bufStart += upTo
      skipCache = skips.map(() => ({ from: Infinity, at: -1 }))
    }

    let pos = 0
    for (;;) {
      if (ctx.signal?.aborted) return
      const start = findOpen(pos)
      if (start < 0) {
        if (eof && start === -1) break
        // Keep what is undecided, or a tail long enough to hold a tag cut by the read boundary.
        drop(start <= -2 ? -2 - start : Math.max(pos, buf.length - openPat.length - 16 * unit))
        pos = 0
        await more()
        continue
      }
      const gt = find(gtPat, start + openPat.length)
      const selfClosing = gt !== -1 && buf.subarray(gt - unit, gt).equals(slash)
      const close = gt === -1 ? -1 : selfClosing ? gt + unit : find(closePat, gt)
      const next = gt === -1 ? -1 : findOpen(gt)
      let end = -1
      if (close !== -1 && (next < 0 || close < next)) end = selfClosing ? close : close + closePat.length
      else if (next < 0 && !eof && buf.length - start <= MAX_RECORD_BYTES) {
        // The message continues past what has been read.
        drop(start)
        pos = 0
        await more()
        continue
      }
      recordNo++
      const offset = bufStart + start
      const lineNo = lineOf(start)
      if (end === -1) {
        const why = next >= 0 ? `the next message starts before </${element}>` : eof ? 'the file ends inside it' : `it is longer than ${MAX_RECORD_BYTES} bytes`
        const excerpt = recordExcerpt(decode(buf.subarray(start, Math.min(next >= 0 ? next : buf.length, start + 200 * 2 * unit)), encoding))
        yield { bad: `unterminated <${element}> journal message: ${why}`, offset, recordNo, lineNo, excerpt }
        pos = next >= 0 ? next : start + openPat.length
        continue
      }
      yield parseRecord(decode(buf.subarray(start, end), encoding), ctx, offset, end - start, recordNo, lineNo)
      pos = end
    }
  } finally {
    await fh.close()
  }
}

function parseRecord(text: string, ctx: ParserContext, offset: number, length: number, recordNo: number, lineNo: number): RecordOutput {
  const bad = (reason: string): RecordOutput => ({ bad: reason, offset, recordNo, lineNo, excerpt: recordExcerpt(text) })
  const valid = XMLValidator.validate(text)
  if (valid !== true) return bad(`malformed journal message: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col} of the message)`)
  let parsed: unknown
  try {
    parsed = xml.parse(text)
  } catch (err) {
    return bad(`malformed journal message: ${(err as Error).message}`)
  }
  const entries = leafEntries(parsed, [])
  const tc = ccureTimeColumn(entries.map(([n]) => n))
  if (!tc) return bad('journal message has no MessageLocalDateTime or MessageUTC')
  ctx.note(`C•CURE 9000: time taken from ${tc.column} as ${tc.convention}`)
  const row = new FieldBag(entries)
  const r = ccureRecord(row, tc)
  if ('bad' in r) return bad(r.bad)
  const rest = row.unused()
  if (Object.keys(rest).length > 0) r.extra = { ...r.extra, sourceColumns: rest }
  return { events: [accessEvent(r)], offset, length, recordNo, lineNo }
}

export const ccure9000XmlImporter: Importer = {
  id: 'badge-ccure-9000-xml',
  name: 'C•CURE 9000 journal (XML)',
  description: 'Software House C•CURE 9000 journal messages exported as XML (MessageLocalDateTime, MessageText "(Card: n)", PrimaryObjectName, SecondaryObjectName)',
  sniff: sniffCcureXml,
  readRecords: readCcureXml
}
