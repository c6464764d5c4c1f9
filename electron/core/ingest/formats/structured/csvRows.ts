// RFC 4180 rows from a file, each with the byte offset and number of its first line, for
// record-based importers that receive CSV (portal downloads). A quoted field may run over
// several lines; one that never closes is cut off after a bounded number of lines and
// reported instead of swallowing the rest of the file.
import { readLines } from '../../lineReader'

export type CsvRow =
  | { kind: 'row'; cells: string[]; offset: number; length: number; line: number; text: string }
  | { kind: 'bad'; reason: string; offset: number; line: number }

const MAX_ROW_LINES = 200

/** Splits one CSV record; `open` is true when it ends inside a quoted field. */
export function splitCsv(text: string, delimiter = ','): { cells: string[]; open: boolean } {
  const cells: string[] = []
  let cell = ''
  let quoted = false
  let i = 0
  while (i < text.length) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i += 2
          continue
        }
        quoted = false
      } else cell += ch
    } else if (ch === '"' && cell.trim() === '') {
      cell = ''
      quoted = true
    } else if (ch === delimiter) {
      cells.push(cell)
      cell = ''
    } else cell += ch
    i++
  }
  cells.push(cell)
  return { cells, open: quoted }
}

export async function* readCsvRows(path: string, signal?: AbortSignal): AsyncGenerator<CsvRow> {
  let pending: { text: string; offset: number; line: number; lines: number } | null = null
  for await (const l of readLines(path, { signal })) {
    if (l.tooLong) {
      if (pending) {
        yield { kind: 'bad', reason: 'quoted field is not closed', offset: pending.offset, line: pending.line }
        pending = null
      }
      yield { kind: 'bad', reason: `the line is ${l.length} bytes, over the limit for one record`, offset: l.offset, line: l.lineNo }
      continue
    }
    const text: string = pending ? `${pending.text}\n${l.text}` : l.text
    const start: { offset: number; line: number; lines: number } = pending ?? { offset: l.offset, line: l.lineNo, lines: 0 }
    if (!pending && text.trim() === '') continue
    const split = splitCsv(text)
    if (split.open && start.lines + 1 < MAX_ROW_LINES) {
      pending = { text, offset: start.offset, line: start.line, lines: start.lines + 1 }
      continue
    }
    pending = null
    if (split.open) {
      yield { kind: 'bad', reason: `quoted field is not closed within ${MAX_ROW_LINES} lines`, offset: start.offset, line: start.line }
      continue
    }
    yield { kind: 'row', cells: split.cells, offset: start.offset, length: l.offset + l.length - start.offset, line: start.line, text }
  }
  if (pending) yield { kind: 'bad', reason: 'the file ends inside a quoted field (truncated)', offset: pending.offset, line: pending.line }
}
