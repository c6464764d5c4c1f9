// Runs one importer over one file and resolves every timestamp: the stream of resolved
// events and bad records that the import pipeline stores and that tests assert on.
import type { Importer, ParsedEvent, ParserContext } from './types'
import { readLineChunks } from './lineReader'
import { TimeResolver, type TimeFlags, type TimeSettings } from './timeResolve'

const RECORD_CHUNK = 256

export interface EventRef {
  offset: number
  length: number
  /** Line number: always for line formats; for record formats when the importer knows the record's first line. */
  lineNo: number | null
  /** Record number, for record formats. */
  recordNo: number | null
}

export type ParsedItem =
  | { kind: 'event'; event: ParsedEvent; us: number; sourceUs: number; flags: TimeFlags; ref: EventRef; invalidUtf8: boolean }
  | { kind: 'bad'; ref: EventRef; reason: string; excerpt: string }

export interface ParseRun {
  items: AsyncGenerator<ParsedItem>
  /** The same items in file order, many at a time (one await per chunk, not per item); use one of the two. */
  chunks: AsyncGenerator<ParsedItem[]>
  resolver: TimeResolver
  notes: string[]
}

export function parseFile(
  path: string,
  importer: Importer,
  options: { time: TimeSettings; fileName: string; signal?: AbortSignal; onBytes?: (n: number) => void }
): ParseRun {
  const resolver = new TimeResolver(options.time)
  const notes: string[] = []
  const ctx: ParserContext = {
    fileName: options.fileName,
    signal: options.signal,
    note: (d) => {
      if (!notes.includes(d)) notes.push(d)
    }
  }

  function resolveAll(out: ParsedItem[], events: ParsedEvent[], ref: EventRef, invalidUtf8: boolean, excerpt: () => string): void {
    for (const event of events) {
      const r = resolver.resolve(event.time)
      if ('error' in r) out.push({ kind: 'bad', ref, reason: `timestamp "${event.rawTime}": ${r.error}`, excerpt: excerpt() })
      else out.push({ kind: 'event', event, us: r.us, sourceUs: r.sourceUs, flags: r.flags, ref, invalidUtf8 })
    }
  }

  async function* lines(): AsyncGenerator<ParsedItem[]> {
    const parser = importer.createLineParser!(ctx)
    for await (const chunk of readLineChunks(path, { signal: options.signal, onBytes: options.onBytes })) {
      const out: ParsedItem[] = []
      for (const line of chunk) {
        const ref: EventRef = { offset: line.offset, length: line.length, lineNo: line.lineNo, recordNo: null }
        if (line.tooLong) {
          out.push({ kind: 'bad', ref, reason: `line is ${line.length} bytes long, over the 1 MiB limit for one record`, excerpt: line.text })
          continue
        }
        if (line.text.trim() === '') continue
        let res
        try {
          res = parser.line(line.text, line.lineNo)
        } catch (err) {
          res = { bad: `parser error: ${(err as Error).message}` }
        }
        if ('skip' in res) continue
        if ('bad' in res) {
          out.push({ kind: 'bad', ref, reason: res.bad, excerpt: line.text.slice(0, 200) })
          continue
        }
        resolveAll(out, res.events, ref, line.invalidUtf8, () => line.text.slice(0, 200))
      }
      if (out.length > 0) yield out
    }
  }

  /** Records are gathered a few hundred items at a time. */
  async function* records(): AsyncGenerator<ParsedItem[]> {
    let out: ParsedItem[] = []
    for await (const rec of importer.readRecords!(path, ctx)) {
      const lineNo = rec.lineNo ?? null
      if ('bad' in rec) {
        out.push({ kind: 'bad', ref: { offset: rec.offset, length: 0, lineNo, recordNo: rec.recordNo }, reason: rec.bad, excerpt: rec.excerpt ?? '' })
      } else {
        const ref: EventRef = { offset: rec.offset, length: rec.length, lineNo, recordNo: rec.recordNo }
        resolveAll(out, rec.events, ref, false, () => rec.excerpt ?? '')
      }
      if (out.length >= RECORD_CHUNK) {
        yield out
        out = []
      }
    }
    if (out.length > 0) yield out
  }

  async function* flatten(chunks: AsyncGenerator<ParsedItem[]>): AsyncGenerator<ParsedItem> {
    for await (const chunk of chunks) yield* chunk
  }

  if (!importer.createLineParser && !importer.readRecords) throw new Error(`Importer ${importer.id} reads neither lines nor records.`)
  // Generators run only when iterated: the one not used costs nothing.
  const chunks = (): AsyncGenerator<ParsedItem[]> => (importer.createLineParser ? lines() : records())
  return { items: flatten(chunks()), chunks: chunks(), resolver, notes }
}
