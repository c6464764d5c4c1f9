// RFC 4180 CSV records read as a stream, for exports whose quoted fields span lines
// (Event Viewer puts the whole multi-line event message in one quoted field). Each
// record keeps its byte offset and first line number. A quote that never closes would
// swallow the rest of the file: past `maxChars` the record is reported and reading
// resumes on the line after it.
import { streamText } from './textStream'

export type CsvItem =
  | { fields: string[]; offset: number; length: number; line: number; text: string }
  | { bad: string; offset: number; line: number; text: string }

export const MAX_RECORD_CHARS = 1024 * 1024

/**
 * Splits one record (terminator removed). A quote only opens a field at its start; text
 * after a closing quote is kept, not dropped. Slices rather than per-character appends:
 * an Event Viewer message field is hundreds of characters.
 */
export function splitCsv(record: string): string[] {
  const fields: string[] = []
  const n = record.length
  let i = 0
  for (;;) {
    if (record.charCodeAt(i) === 0x22) {
      let value = ''
      let j = i + 1
      for (;;) {
        const q = record.indexOf('"', j)
        if (q === -1) {
          value += record.slice(j)
          i = n
          break
        }
        value += record.slice(j, q)
        if (record.charCodeAt(q + 1) === 0x22) {
          value += '"'
          j = q + 2
          continue
        }
        i = q + 1
        break
      }
      const comma = record.indexOf(',', i)
      fields.push(value + record.slice(i, comma === -1 ? n : comma))
      if (comma === -1) return fields
      i = comma + 1
    } else {
      const comma = record.indexOf(',', i)
      if (comma === -1) {
        fields.push(record.slice(i))
        return fields
      }
      fields.push(record.slice(i, comma))
      i = comma + 1
    }
  }
}

export async function* readCsvRecords(path: string, signal?: AbortSignal, maxChars = MAX_RECORD_CHARS): AsyncGenerator<CsvItem> {
  let scan = 0
  let inQuotes = false
  for await (const { window, done } of streamText(path, signal)) {
    for (;;) {
      const text = window.text
      let end = -1
      for (let i = scan; i < text.length; i++) {
        const c = text.charCodeAt(i)
        if (c === 0x22) inQuotes = !inQuotes
        else if (c === 0x0a && !inQuotes) {
          end = i
          break
        }
      }
      if (end === -1) {
        scan = text.length
        if (text.length > maxChars) {
          const nl = text.indexOf('\n')
          const rec = window.take(nl === -1 ? text.length : nl + 1)
          yield { bad: `the record runs over ${maxChars} characters (unbalanced quote?); reading resumes on the next line`, offset: rec.offset, line: rec.line, text: rec.text }
          scan = 0
          inQuotes = false
          continue
        }
        if (done && text.length > 0) {
          const rec = window.take(text.length)
          if (inQuotes) yield { bad: 'the record has a quote that is never closed (file cut off?)', offset: rec.offset, line: rec.line, text: rec.text }
          else if (rec.text.trim() !== '') {
            const body = rec.text.replace(/\r$/, '')
            yield { fields: splitCsv(body), offset: rec.offset, length: rec.length, line: rec.line, text: body }
          }
        }
        break
      }
      const rec = window.take(end + 1)
      scan = 0
      const body = rec.text.replace(/\r?\n$/, '')
      if (body.trim() === '') continue
      yield { fields: splitCsv(body), offset: rec.offset, length: window.bytes(body), line: rec.line, text: body }
    }
    if (done) return
  }
}
