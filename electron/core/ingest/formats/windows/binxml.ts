// Windows Binary XML (BinXML) as stored in EVTX chunks: a token stream where element and
// attribute names are offsets into the chunk (the name is written inline the first time
// and referenced afterwards) and most of an event is a template instance: a reference to a
// template definition (also written inline once per chunk, then referenced by offset)
// plus an array of typed substitution values. A value may itself be BinXML holding
// another template instance, so rendering nests.
//
// Everything here works on one chunk buffer with chunk-relative offsets. Untrusted input
// is contained by: bounds checks on every read (BinXmlError, never a RangeError), a cap on
// template/fragment nesting, a template that refers to itself being refused, a cap on
// element depth, and per-record budgets on rendered nodes and on bytes parsed, so a small
// record cannot expand exponentially through repeated substitutions.
import { BinXmlError, decodeValue, VALUE_TYPE } from './binxmlValue'
import type { XmlAttr, XmlElement, XmlNode, XmlText } from './xmlTree'

export { BinXmlError }

const TOKEN = {
  EndOfStream: 0x00,
  OpenStartElement: 0x01,
  CloseStartElement: 0x02,
  CloseEmptyElement: 0x03,
  EndElement: 0x04,
  Value: 0x05,
  Attribute: 0x06,
  CDataSection: 0x07,
  CharRef: 0x08,
  EntityRef: 0x09,
  PITarget: 0x0a,
  PIData: 0x0b,
  TemplateInstance: 0x0c,
  NormalSubstitution: 0x0d,
  OptionalSubstitution: 0x0e,
  FragmentHeader: 0x0f
} as const
/** Set on a token when more of the same kind follow (attributes) or content follows. */
const MORE_FLAG = 0x40

export const LIMITS = {
  /** Template instances / BinXml values nested inside each other. */
  maxNesting: 16,
  /** Elements open at once. */
  maxElementDepth: 256,
  /** Nodes rendered for one record. */
  maxNodes: 100_000,
  /** Bytes of BinXML parsed for one record (a value substituted many times is parsed each time). */
  maxParseBytes: 16 * 1024 * 1024
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** A template definition, parsed once per chunk, with holes for substitution values. */
type TNode = TElement | TText | TSubst | TLiteral
interface TElement {
  k: 'e'
  name: string
  attrs: { name: string; parts: (TText | TSubst)[] }[]
  children: TNode[]
}
interface TText {
  k: 't'
  text: string
}
interface TSubst {
  k: 's'
  index: number
  optional: boolean
}
/** Already rendered nodes (a template instance met while parsing another fragment). */
interface TLiteral {
  k: 'n'
  nodes: XmlNode[]
}

interface Value {
  type: number
  start: number
  size: number
}

/** Renders the BinXML of the records of one chunk; caches names and templates per chunk. */
export class ChunkBinXml {
  private readonly names = new Map<number, { text: string; size: number }>()
  private readonly templates = new Map<number, TNode[]>()
  private readonly inProgress = new Set<number>()
  private budget = 0
  private parseBudget = 0

  /** `chunk` is the whole chunk: every offset in BinXML is relative to its start. */
  constructor(private readonly chunk: Buffer) {}

  /** Renders the fragment of one record into its root element(s). */
  renderRecord(start: number, end: number): XmlNode[] {
    this.budget = LIMITS.maxNodes
    this.parseBudget = LIMITS.maxParseBytes
    const { nodes } = this.parseFragment(start, end, 0)
    return this.instantiate(nodes, [], 0)
  }

  private need(pos: number, n: number, end: number, what: string): void {
    if (pos < 0 || pos + n > end) throw new BinXmlError(`${what} at chunk offset 0x${pos.toString(16)} runs past the end of its data`)
  }

  private u8(pos: number, end: number, what: string): number {
    this.need(pos, 1, end, what)
    return this.chunk[pos]!
  }

  private u16(pos: number, end: number, what: string): number {
    this.need(pos, 2, end, what)
    return this.chunk.readUInt16LE(pos)
  }

  private u32(pos: number, end: number, what: string): number {
    this.need(pos, 4, end, what)
    return this.chunk.readUInt32LE(pos)
  }

  /** A length-prefixed UTF-16 string (count in characters). Returns text and new position. */
  private prefixedString(pos: number, end: number, what: string): { text: string; pos: number } {
    const count = this.u16(pos, end, what)
    this.need(pos + 2, count * 2, end, what)
    return { text: this.chunk.toString('utf16le', pos + 2, pos + 2 + count * 2), pos: pos + 2 + count * 2 }
  }

  /**
   * A name referenced by `offset`. When the offset is the current position the name is
   * written right here and the position moves past it; otherwise it was written earlier.
   */
  private name(offset: number, pos: number, end: number): { text: string; pos: number } {
    const inline = offset === pos
    let entry = this.names.get(offset)
    if (!entry) {
      const limit = this.chunk.length
      // next-string offset (4), hash (2), character count (2), characters, NUL (2)
      const count = this.u16(offset + 6, limit, 'name')
      this.need(offset + 8, count * 2 + 2, limit, 'name')
      entry = { text: this.chunk.toString('utf16le', offset + 8, offset + 8 + count * 2), size: 10 + count * 2 }
      this.names.set(offset, entry)
    }
    if (!inline) return { text: entry.text, pos }
    this.need(pos, entry.size, end, 'name')
    return { text: entry.text, pos: pos + entry.size }
  }

  /**
   * Parses a token stream up to its end-of-stream token (or `end`). Substitutions become
   * holes; template instances are rendered on the spot with their own values.
   */
  private parseFragment(pos: number, end: number, nesting: number): { nodes: TNode[]; pos: number } {
    if (nesting > LIMITS.maxNesting) throw new BinXmlError(`BinXML nested more than ${LIMITS.maxNesting} levels`)
    this.parseBudget -= end - pos
    if (this.parseBudget < 0) throw new BinXmlError(`record needs more than ${LIMITS.maxParseBytes} bytes of BinXML parsing`)
    const root: TNode[] = []
    const stack: TElement[] = []
    let openTag: TElement | null = null
    const out = (): TNode[] => (stack.length ? stack[stack.length - 1]!.children : root)
    while (pos < end) {
      const token = this.chunk[pos]!
      const base = token & ~MORE_FLAG
      if (openTag && base !== TOKEN.Attribute && base !== TOKEN.CloseStartElement && base !== TOKEN.CloseEmptyElement) {
        throw new BinXmlError(`token 0x${token.toString(16)} inside a start tag at chunk offset 0x${pos.toString(16)}`)
      }
      switch (base) {
        case TOKEN.EndOfStream:
          if (stack.length) throw new BinXmlError(`fragment ends with <${stack[stack.length - 1]!.name}> still open`)
          return { nodes: root, pos: pos + 1 }
        case TOKEN.FragmentHeader:
          this.need(pos, 4, end, 'fragment header')
          pos += 4
          break
        case TOKEN.OpenStartElement: {
          // token, dependency id (2), data size (4), name offset (4)
          const nameOffset = this.u32(pos + 7, end, 'element')
          const n = this.name(nameOffset, pos + 11, end)
          pos = n.pos
          if (token & MORE_FLAG) pos += 4 // attribute list size
          this.need(pos, 0, end, 'element')
          if (stack.length >= LIMITS.maxElementDepth) throw new BinXmlError(`elements nested deeper than ${LIMITS.maxElementDepth}`)
          const el: TElement = { k: 'e', name: n.text, attrs: [], children: [] }
          out().push(el)
          stack.push(el)
          openTag = el
          break
        }
        case TOKEN.Attribute: {
          if (!openTag) throw new BinXmlError(`attribute outside a start tag at chunk offset 0x${pos.toString(16)}`)
          const n = this.name(this.u32(pos + 1, end, 'attribute'), pos + 5, end)
          pos = n.pos
          const parts: (TText | TSubst)[] = []
          while (pos < end) {
            const b = this.chunk[pos]! & ~MORE_FLAG
            if (b === TOKEN.Value || b === TOKEN.CharRef || b === TOKEN.EntityRef) {
              const r = this.textToken(pos, end)
              parts.push({ k: 't', text: r.text })
              pos = r.pos
            } else if (b === TOKEN.NormalSubstitution || b === TOKEN.OptionalSubstitution) {
              parts.push(this.substitution(pos, end))
              pos += 4
            } else break
          }
          openTag.attrs.push({ name: n.text, parts })
          break
        }
        case TOKEN.CloseStartElement:
          if (!openTag) throw new BinXmlError(`close of a start tag that is not open at chunk offset 0x${pos.toString(16)}`)
          openTag = null
          pos += 1
          break
        case TOKEN.CloseEmptyElement:
          if (!openTag) throw new BinXmlError(`close of a start tag that is not open at chunk offset 0x${pos.toString(16)}`)
          openTag = null
          stack.pop()
          pos += 1
          break
        case TOKEN.EndElement:
          if (!stack.length) throw new BinXmlError(`end of an element that is not open at chunk offset 0x${pos.toString(16)}`)
          stack.pop()
          pos += 1
          break
        case TOKEN.Value:
        case TOKEN.CharRef:
        case TOKEN.EntityRef:
        case TOKEN.CDataSection: {
          const r = this.textToken(pos, end)
          out().push({ k: 't', text: r.text })
          pos = r.pos
          break
        }
        case TOKEN.PITarget:
          pos = this.name(this.u32(pos + 1, end, 'processing instruction'), pos + 5, end).pos
          break
        case TOKEN.PIData:
          pos = this.prefixedString(pos + 1, end, 'processing instruction').pos
          break
        case TOKEN.NormalSubstitution:
        case TOKEN.OptionalSubstitution:
          out().push(this.substitution(pos, end))
          pos += 4
          break
        case TOKEN.TemplateInstance: {
          const r = this.templateInstance(pos, end, nesting + 1)
          out().push({ k: 'n', nodes: r.nodes })
          pos = r.pos
          break
        }
        default:
          throw new BinXmlError(`unknown BinXML token 0x${token.toString(16)} at chunk offset 0x${pos.toString(16)}`)
      }
    }
    if (stack.length) throw new BinXmlError(`BinXML data ends with <${stack[stack.length - 1]!.name}> still open`)
    return { nodes: root, pos }
  }

  private substitution(pos: number, end: number): TSubst {
    const token = this.u8(pos, end, 'substitution')
    const index = this.u16(pos + 1, end, 'substitution')
    this.u8(pos + 3, end, 'substitution') // declared type; the value descriptor's type is authoritative
    return { k: 's', index, optional: (token & ~MORE_FLAG) === TOKEN.OptionalSubstitution }
  }

  private textToken(pos: number, end: number): { text: string; pos: number } {
    const base = this.chunk[pos]! & ~MORE_FLAG
    switch (base) {
      case TOKEN.Value: {
        const type = this.u8(pos + 1, end, 'value')
        if (type !== VALUE_TYPE.String) throw new BinXmlError(`value token of type 0x${type.toString(16)} at chunk offset 0x${pos.toString(16)}`)
        return this.prefixedString(pos + 2, end, 'value')
      }
      case TOKEN.CDataSection:
        return this.prefixedString(pos + 1, end, 'CDATA section')
      case TOKEN.CharRef:
        return { text: String.fromCharCode(this.u16(pos + 1, end, 'character reference')), pos: pos + 3 }
      case TOKEN.EntityRef: {
        const n = this.name(this.u32(pos + 1, end, 'entity reference'), pos + 5, end)
        return { text: ENTITIES[n.text] ?? `&${n.text};`, pos: n.pos }
      }
      default:
        throw new BinXmlError(`token 0x${base.toString(16)} is not text`)
    }
  }

  /** Template instance: header, (inline definition), value descriptors, value data. */
  private templateInstance(pos: number, end: number, nesting: number): { nodes: XmlNode[]; pos: number } {
    if (nesting > LIMITS.maxNesting) throw new BinXmlError(`BinXML nested more than ${LIMITS.maxNesting} levels`)
    // token, unknown (1), template id (4), definition offset (4)
    const defOffset = this.u32(pos + 6, end, 'template instance')
    let p = pos + 10
    if (defOffset === p) {
      // next definition offset (4), GUID (16), data size (4), data
      const size = this.u32(p + 20, end, 'template definition')
      this.need(p + 24, size, end, 'template definition')
      p += 24 + size
    }
    const template = this.template(defOffset, nesting)
    const count = this.u32(p, end, 'template values')
    p += 4
    if (count > (end - p) / 4) throw new BinXmlError(`template instance claims ${count} values, more than its data holds`)
    const values: Value[] = []
    let dataPos = p + 4 * count
    for (let i = 0; i < count; i++) {
      const size = this.chunk.readUInt16LE(p + 4 * i)
      const type = this.chunk[p + 4 * i + 2]!
      this.need(dataPos, size, end, `template value ${i}`)
      values.push({ type, start: dataPos, size })
      dataPos += size
    }
    return { nodes: this.instantiate(template, values, nesting), pos: dataPos }
  }

  private template(defOffset: number, nesting: number): TNode[] {
    // Failures are not cached: a limit hit while nested deep in one record says nothing
    // about the template itself, and a broken one costs at most its size per use.
    const cached = this.templates.get(defOffset)
    if (cached) return cached
    if (this.inProgress.has(defOffset)) throw new BinXmlError(`template at chunk offset 0x${defOffset.toString(16)} refers to itself`)
    this.inProgress.add(defOffset)
    try {
      const limit = this.chunk.length
      const size = this.u32(defOffset + 20, limit, 'template definition')
      const start = defOffset + 24
      this.need(start, size, limit, 'template definition')
      const { nodes } = this.parseFragment(start, start + size, nesting)
      this.templates.set(defOffset, nodes)
      return nodes
    } finally {
      this.inProgress.delete(defOffset)
    }
  }

  private spend(n: number): void {
    this.budget -= n
    if (this.budget < 0) throw new BinXmlError(`record renders to more than ${LIMITS.maxNodes} nodes`)
  }

  /** Fills a template's holes with values. Element nesting is bounded by the parser's depth cap. */
  private instantiate(nodes: TNode[], values: Value[], nesting: number): XmlNode[] {
    const out: XmlNode[] = []
    for (const node of nodes) {
      switch (node.k) {
        case 't':
          this.spend(1)
          out.push({ text: node.text })
          break
        case 'n':
          this.spend(node.nodes.length)
          out.push(...node.nodes)
          break
        case 's':
          out.push(...this.substitute(node, values, nesting))
          break
        case 'e': {
          this.spend(1)
          const attrs: XmlAttr[] = []
          for (const a of node.attrs) {
            let value = ''
            let us: number | undefined
            let optionalEmpty = false
            for (const part of a.parts) {
              if (part.k === 't') {
                value += part.text
                continue
              }
              const rendered = this.substitute(part, values, nesting)
              if (rendered.length === 0 && part.optional) optionalEmpty = true
              for (const r of rendered) {
                if ('text' in r) {
                  value += r.text
                  us ??= r.us
                }
              }
            }
            // Windows omits an attribute whose optional substitution has no value.
            if (optionalEmpty && value === '') continue
            attrs.push(us === undefined ? { name: a.name, value } : { name: a.name, value, us })
          }
          const el: XmlElement = { name: node.name, attrs, children: this.instantiate(node.children, values, nesting) }
          out.push(el)
          break
        }
      }
    }
    return out
  }

  private substitute(s: TSubst, values: Value[], nesting: number): XmlNode[] {
    this.spend(1)
    const v = values[s.index]
    if (!v || v.type === VALUE_TYPE.Null || v.size === 0) return []
    if (v.type === VALUE_TYPE.BinXml) {
      const { nodes } = this.parseFragment(v.start, v.start + v.size, nesting + 1)
      return this.instantiate(nodes, [], nesting + 1)
    }
    if (v.type === (VALUE_TYPE.BinXml | VALUE_TYPE.ArrayFlag)) throw new BinXmlError('array of BinXML values is not supported')
    const d = decodeValue(this.chunk, v.start, v.size, v.type)
    const t: XmlText = d.us === undefined ? { text: d.text } : { text: d.text, us: d.us }
    return [t]
  }
}
