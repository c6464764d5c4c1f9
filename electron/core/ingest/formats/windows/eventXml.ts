// Windows events as XML text: Event Viewer "Save as XML" (<Events><Event …>…</Events>,
// often UTF-16), `wevtutil qe /f:xml` (bare <Event> elements one after another), and the
// "XML View" tab copied out of Event Viewer or Internet Explorer, where every collapsible
// element is prefixed with "- " and the whole event may sit on one line.
// Time: System/TimeCreated/@SystemTime, ISO-8601 UTC with up to 7 fractional digits
// (kept to the µs, truncated).
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { recordExcerpt, type Importer, type ParserContext, type RecordOutput, type SniffInput } from '../../types'
import { winEventFromElement, winEventToParsed } from './eventRecord'
import { detectEncoding, headText, streamText } from './textStream'
import type { XmlElement, XmlNode } from './xmlTree'

export const EVENT_NS = 'http://schemas.microsoft.com/win/2004/08/events/event'
/** One <Event> larger than this is not a Windows event. */
const MAX_EVENT_CHARS = 4 * 1024 * 1024
const EVENT_START = /<Event[\s>]/g
const EVENT_END = '</Event>'

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  removeNSPrefix: true,
  // Entities are decoded by decodeEntities below: the library's own pass costs more than
  // the rest of the parse, and Windows events only use the XML five and character references.
  processEntities: false,
  htmlEntities: false
})

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** XML's five named entities and numeric character references (&#13; in RenderingInfo). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/gi, (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name.toLowerCase()] ?? whole
    const code = hex ? parseInt(hex, 16) : Number(dec)
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole
  })
}

type OrderedNode = Record<string, unknown>

/** fast-xml-parser's ordered output → our element tree. */
function toTree(nodes: unknown): XmlNode[] {
  const out: XmlNode[] = []
  if (!Array.isArray(nodes)) return out
  for (const n of nodes as OrderedNode[]) {
    for (const [key, value] of Object.entries(n)) {
      if (key === ':@') continue
      if (key === '#text') {
        out.push({ text: decodeEntities(String(value)) })
        continue
      }
      if (key.startsWith('?') || key === '#comment') continue
      const rawAttrs = (n[':@'] ?? {}) as Record<string, unknown>
      const attrs = Object.entries(rawAttrs).map(([name, v]) => ({ name, value: decodeEntities(String(v)) }))
      const children = toTree(value)
      // Indentation between child elements is layout, not content.
      const hasElements = children.some((c) => 'name' in c)
      out.push({ name: key, attrs, children: hasElements ? children.filter((c) => 'name' in c || c.text.trim() !== '') : children })
    }
  }
  return out
}

/** Removes the "- " IE puts before collapsible elements; never touches a value ("-" before "</"). */
export function stripViewerPrefixes(xml: string): string {
  return xml.replace(/(^|>)(\s*)-[ \t]+(?=<[A-Za-z])/g, '$1$2')
}

function parseEvent(xml: string): { event: XmlElement } | { error: string } {
  const text = stripViewerPrefixes(xml)
  const valid = XMLValidator.validate(text)
  if (valid !== true) return { error: `malformed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col} of the event)` }
  try {
    const tree = toTree(parser.parse(text))
    const event = tree.find((n): n is XmlElement => 'name' in n && n.name === 'Event')
    return event ? { event } : { error: 'no <Event> element' }
  } catch (err) {
    return { error: `XML parser error: ${(err as Error).message}` }
  }
}

async function* readEventXml(path: string, ctx: ParserContext): AsyncGenerator<RecordOutput> {
  let recordNo = 0
  ctx.note('event time taken from System/TimeCreated/@SystemTime (UTC)')
  for await (const { window, done } of streamText(path, ctx.signal)) {
    for (;;) {
      EVENT_START.lastIndex = 0
      const start = EVENT_START.exec(window.text)
      if (!start) {
        // Keep a possible partial "<Event" at the end of the block.
        window.take(Math.max(0, window.text.length - 7))
        break
      }
      EVENT_START.lastIndex = start.index + 1
      const nextStart = EVENT_START.exec(window.text)
      const end = window.text.indexOf(EVENT_END, start.index)
      if (nextStart && (end === -1 || nextStart.index < end)) {
        window.take(start.index)
        const lost = window.take(nextStart.index - start.index)
        yield { bad: '<Event> is not closed before the next <Event>', offset: lost.offset, recordNo: ++recordNo, lineNo: lost.line, excerpt: recordExcerpt(lost.text) }
        continue
      }
      if (end === -1) {
        if (done) {
          window.take(start.index)
          const lost = window.take(window.text.length)
          yield { bad: '<Event> is cut off by the end of the file', offset: lost.offset, recordNo: ++recordNo, lineNo: lost.line, excerpt: recordExcerpt(lost.text) }
        } else if (window.text.length - start.index > MAX_EVENT_CHARS) {
          window.take(start.index)
          const excerpt = recordExcerpt(window.text)
          const lost = window.take(1)
          yield { bad: `<Event> runs over ${MAX_EVENT_CHARS} characters without </Event>; skipped`, offset: lost.offset, recordNo: ++recordNo, lineNo: lost.line, excerpt }
          continue
        }
        break
      }
      window.take(start.index)
      const rec = window.take(end + EVENT_END.length - start.index)
      recordNo++
      const parsed = parseEvent(rec.text)
      if ('error' in parsed) {
        yield { bad: parsed.error, offset: rec.offset, recordNo, lineNo: rec.line, excerpt: recordExcerpt(rec.text) }
        continue
      }
      const ev = winEventFromElement(parsed.event)
      if (ev.timeUs === null) {
        yield {
          bad: ev.timeText ? `SystemTime "${ev.timeText}" is not an ISO time` : 'no TimeCreated/@SystemTime',
          offset: rec.offset,
          recordNo,
          lineNo: rec.line,
          excerpt: recordExcerpt(rec.text)
        }
        continue
      }
      yield {
        events: [winEventToParsed({ ...ev, timeUs: ev.timeUs }, ev.renderedMessage ? { RenderedMessage: ev.renderedMessage } : {})],
        offset: rec.offset,
        length: rec.length,
        recordNo,
        lineNo: rec.line
      }
    }
    if (done) return
  }
}

export const eventXmlImporter: Importer = {
  id: 'windows-event-xml',
  name: 'Windows event XML (Event Viewer / wevtutil)',
  description: 'Windows events saved or copied as XML: Event Viewer "Save as XML", "XML View", wevtutil /f:xml. Time from SystemTime (UTC).',
  sniff(input: SniffInput): number {
    const text = detectEncoding(input.head).encoding === 'utf-16le' ? headText(input.head) : input.text
    if (!/<Event[\s>]/.test(text)) return 0
    if (text.includes(EVENT_NS)) return 0.95
    if (/<System>[\s\S]*<EventID[\s>][\s\S]*<TimeCreated\s+SystemTime=/.test(text)) return 0.8
    return 0
  },
  readRecords: readEventXml
}
