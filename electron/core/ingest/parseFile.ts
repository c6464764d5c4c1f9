// Runs one importer over one file and resolves every timestamp: the stream of resolved
// events and bad records that the import pipeline stores and that tests assert on.
import type { Importer, ParsedEvent, ParserContext } from './types'
import { readLines } from './lineReader'
import { TimeResolver, type TimeFlags, type TimeSettings } from './timeResolve'

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

  function* resolveAll(events: ParsedEvent[], ref: EventRef, invalidUtf8: boolean, excerpt: () => string): Generator<ParsedItem> {
    for (const event of events) {
      const r = resolver.resolve(event.time)
      if ('error' in r) yield { kind: 'bad', ref, reason: `timestamp "${event.rawTime}": ${r.error}`, excerpt: excerpt() }
      else yield { kind: 'event', event, us: r.us, sourceUs: r.sourceUs, flags: r.flags, ref, invalidUtf8 }
    }
  }

  async function* lines(): AsyncGenerator<ParsedItem> {
    const parser = importer.createLineParser!(ctx)
    for await (const line of readLines(path, { signal: options.signal, onBytes: options.onBytes })) {
      const ref: EventRef = { offset: line.offset, length: line.length, lineNo: line.lineNo, recordNo: null }
      if (line.tooLong) {
        yield { kind: 'bad', ref, reason: `line is ${line.length} bytes long, over the 1 MiB limit for one record`, excerpt: line.text }
        continue
      }
      if (line.text.trim() === '') continue
      let out
      try {
        out = parser.line(line.text, line.lineNo)
      } catch (err) {
        out = { bad: `parser error: ${(err as Error).message}` }
      }
      if ('skip' in out) continue
      if ('bad' in out) {
        yield { kind: 'bad', ref, reason: out.bad, excerpt: line.text.slice(0, 200) }
        continue
      }
      yield* resolveAll(out.events, ref, line.invalidUtf8, () => line.text.slice(0, 200))
    }
  }

  async function* records(): AsyncGenerator<ParsedItem> {
    for await (const rec of importer.readRecords!(path, ctx)) {
      const lineNo = rec.lineNo ?? null
      if ('bad' in rec) {
        yield { kind: 'bad', ref: { offset: rec.offset, length: 0, lineNo, recordNo: rec.recordNo }, reason: rec.bad, excerpt: rec.excerpt ?? '' }
        continue
      }
      const ref: EventRef = { offset: rec.offset, length: rec.length, lineNo, recordNo: rec.recordNo }
      yield* resolveAll(rec.events, ref, false, () => rec.excerpt ?? '')
    }
  }

  if (!importer.createLineParser && !importer.readRecords) throw new Error(`Importer ${importer.id} reads neither lines nor records.`)
  return { items: importer.createLineParser ? lines() : records(), resolver, notes }
}
