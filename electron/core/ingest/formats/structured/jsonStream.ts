// Streaming splitter for JSON evidence files too large to JSON.parse whole. It reads bytes,
// tracks strings, escapes and bracket nesting, and hands out one record at a time with its
// byte offset, length and starting line. It understands the layouts exports come in:
//   - a top-level array of records ([{…},{…}]), possibly several arrays back to back;
//   - a wrapper object whose named key holds the array ({"Records":[…]}, {"value":[…]});
//   - JSON lines (one object per line) and concatenated / pretty-printed objects.
// Structural characters are ASCII, so scanning raw UTF-8 bytes is safe; each record is
// decoded (with replacement) and parsed on its own. Broken input yields bad items, never
// throws: a malformed JSON line is reported and the next line read; a record above the
// size limit is skipped; a document cut short is reported as truncated. Items carry the
// line a record starts on, so reasons do not repeat it.
import { open } from 'node:fs/promises'
import { recordExcerpt } from '../../types'
import { isObject, type JsonObject } from './values'

export const MAX_JSON_RECORD_BYTES = 16 * 1024 * 1024
/** Deeper records are refused: later stages (JSON.stringify of fields) recurse and would overflow. */
export const MAX_JSON_DEPTH = 256
const READ_BYTES = 1024 * 1024

export type JsonLayout = 'array' | 'wrapper' | 'lines' | 'objects'

export type JsonStreamItem =
  | { kind: 'record'; value: JsonObject; offset: number; length: number; recordNo: number; line: number }
  | { kind: 'bad'; reason: string; offset: number; recordNo: number; line: number; excerpt?: string }

export interface JsonStreamOptions {
  /** Keys of a top-level object whose array value holds the records. */
  wrapperKeys?: readonly string[]
  maxRecordBytes?: number
  signal?: AbortSignal
  /** Told once per layout seen, for the import notes. */
  onLayout?: (layout: JsonLayout) => void
}

const LF = 0x0a
const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJ = 0x7b
const CLOSE_OBJ = 0x7d
const OPEN_ARR = 0x5b
const CLOSE_ARR = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d
}

interface OpenRecord {
  offset: number
  line: number
  /** Stack depth outside the record: it ends when the stack returns to this depth. */
  base: number
  /** A scalar array element (string, number…): ends at the next , or ] at its depth. */
  scalar: boolean
  topLevel: boolean
  no: number
  parts: Buffer[]
  size: number
  /** Index in the current chunk where unsaved bytes of the record begin. */
  from: number
  oversize: boolean
  tooDeep: boolean
}

export async function* readJsonRecords(path: string, options: JsonStreamOptions = {}): AsyncGenerator<JsonStreamItem> {
  const wrapperKeys = options.wrapperKeys ?? []
  const maxBytes = options.maxRecordBytes ?? MAX_JSON_RECORD_BYTES
  const layouts = new Set<JsonLayout>()
  const layout = (l: JsonLayout): void => {
    if (!layouts.has(l)) {
      layouts.add(l)
      options.onLayout?.(l)
    }
  }

  const stack: number[] = []
  let inString = false
  let escaped = false
  let line = 1
  let recordNo = 0
  /** Depth whose direct children are records, when inside a records array. */
  let arrayDepth: number | null = null
  let arrayLine = 1
  let rec: OpenRecord | null = null
  /** JSON lines: guessed from the first lines, else decided by the first top-level object. */
  let linesMode: boolean | null = null
  /** Brackets opened beyond MAX_JSON_DEPTH: counted, not stacked. */
  let overflow = 0
  let skipToLineEnd = false
  // Key tracking at depth 1 of a top-level object, to spot a wrapper key.
  let expectKey = false
  let keyBytes: number[] | null = null
  let lastKey = ''
  let afterColon = false

  const pending: JsonStreamItem[] = []

  const finish = (r: OpenRecord, chunk: Buffer, endIndex: number, endOffset: number): void => {
    const length = endOffset - r.offset
    if (!r.oversize) {
      r.parts.push(chunk.subarray(r.from, endIndex))
      r.size += endIndex - r.from
    }
    if (r.tooDeep) {
      pending.push({ kind: 'bad', reason: `record ${r.no} is nested deeper than ${MAX_JSON_DEPTH} levels`, offset: r.offset, recordNo: r.no, line: r.line })
      return
    }
    if (r.oversize || r.size > maxBytes) {
      pending.push({ kind: 'bad', reason: `record ${r.no} is ${length} bytes, over the ${maxBytes} byte limit for one record`, offset: r.offset, recordNo: r.no, line: r.line })
      return
    }
    const text = Buffer.concat(r.parts).toString('utf8')
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      pending.push({ kind: 'bad', reason: `record ${r.no}: invalid JSON: ${(err as Error).message}`, offset: r.offset, recordNo: r.no, line: r.line, excerpt: recordExcerpt(text) })
      return
    }
    if (!isObject(value)) {
      pending.push({ kind: 'bad', reason: `record ${r.no} is not a JSON object`, offset: r.offset, recordNo: r.no, line: r.line, excerpt: recordExcerpt(text) })
      return
    }
    pending.push({ kind: 'record', value, offset: r.offset, length, recordNo: r.no, line: r.line })
  }
  const start = (offset: number, from: number, base: number, scalar: boolean, topLevel: boolean): OpenRecord => ({
    offset,
    line,
    base,
    scalar,
    topLevel,
    no: ++recordNo,
    parts: [],
    size: 0,
    from,
    oversize: false,
    tooDeep: false
  })

  const fh = await open(path, 'r')
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES)
    let position = 0
    let first = true
    let stop = false
    while (!stop) {
      if (options.signal?.aborted) return
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, position)
      if (bytesRead === 0) break
      const chunk = buf.subarray(0, bytesRead)
      const base = position
      position += bytesRead
      let i = 0
      if (first) {
        first = false
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3
        linesMode = looksLikeJsonLines(chunk.subarray(i))
        const refusal = notJsonText(chunk.subarray(i, i + 4096), i)
        if (refusal) {
          yield { kind: 'bad', reason: refusal, offset: 0, recordNo: 1, line: 1 }
          return
        }
      }
      if (rec) rec.from = 0
      const n = chunk.length
      for (; i < n; i++) {
        if (inString && !escaped && keyBytes === null && !skipToLineEnd) {
          // Most bytes are inside strings: run over the ordinary ones in a tight loop.
          while (i < n) {
            const c = chunk[i]!
            if (c === QUOTE || c === BACKSLASH || c === LF) break
            i++
          }
          if (i === n) break
        }
        const b = chunk[i]!
        if (skipToLineEnd) {
          if (b === LF) {
            skipToLineEnd = false
            line++
          }
          continue
        }
        if (inString) {
          if (escaped) escaped = false
          else if (b === BACKSLASH) escaped = true
          else if (b === QUOTE) {
            inString = false
            if (keyBytes) {
              lastKey = Buffer.from(keyBytes).toString('utf8')
              keyBytes = null
            }
          } else if (keyBytes && keyBytes.length < 64) keyBytes.push(b)
          if (b === LF) {
            // A raw newline cannot be inside a JSON string: in JSON lines the line was cut short.
            if (linesMode) cutAtLineEnd(base + i)
            line++
          }
          continue
        }
        if (isSpace(b)) {
          if (b === LF) {
            if (linesMode) cutAtLineEnd(base + i)
            line++
          }
          continue
        }
        const depth = stack.length
        // Top level, outside any record.
        if (depth === 0) {
          if (b === OPEN_OBJ) {
            rec = start(base + i, i, 0, false, true)
            stack.push(b)
            expectKey = true
            afterColon = false
            lastKey = ''
          } else if (b === OPEN_ARR) {
            stack.push(b)
            arrayDepth = 1
            arrayLine = line
            layout('array')
          } else {
            recordNo++
            pending.push({ kind: 'bad', reason: `not JSON (starts with ${describeByte(b)})`, offset: base + i, recordNo, line })
            skipToLineEnd = true
          }
          if (pending.length) {
            yield* pending.splice(0)
          }
          continue
        }
        // Between elements of the records array: a new element begins here.
        if (rec === null && arrayDepth !== null && depth === arrayDepth && b !== COMMA && b !== CLOSE_ARR) {
          if (b === OPEN_OBJ || b === OPEN_ARR) {
            rec = start(base + i, i, depth, false, false)
            stack.push(b)
          } else {
            rec = start(base + i, i, depth, true, false)
            if (b === QUOTE) inString = true
          }
          continue
        }
        if (b === QUOTE) {
          inString = true
          if (rec?.topLevel && depth === 1 && expectKey && wrapperKeys.length) keyBytes = []
          continue
        }
        if (b === OPEN_OBJ || b === OPEN_ARR) {
          if (rec?.topLevel && depth === 1 && afterColon && b === OPEN_ARR && wrapperKeys.includes(lastKey)) {
            // The top-level object is a wrapper: its array's elements are the records.
            recordNo--
            rec = null
            stack.push(b)
            arrayDepth = 2
            arrayLine = line
            layout('wrapper')
            afterColon = false
            continue
          }
          if (depth === 1) afterColon = false
          if (depth >= MAX_JSON_DEPTH) {
            overflow++
            if (rec) rec.tooDeep = true
            continue
          }
          stack.push(b)
          continue
        }
        if (b === CLOSE_OBJ || b === CLOSE_ARR) {
          if (overflow > 0) {
            overflow--
            continue
          }
          const top = stack[depth - 1]!
          const matches = (b === CLOSE_OBJ && top === OPEN_OBJ) || (b === CLOSE_ARR && top === OPEN_ARR)
          if (rec?.scalar && depth === rec.base && b === CLOSE_ARR) {
            finish(rec, chunk, i, base + i)
            rec = null
          }
          if (!matches) {
            const unexpected = `unexpected "${String.fromCharCode(b)}"`
            if (linesMode) {
              pending.push(rec ? badLine(rec, `malformed JSON (${unexpected})`) : { kind: 'bad', reason: `malformed JSON (${unexpected})`, offset: base + i, recordNo: ++recordNo, line })
              resetTop()
              skipToLineEnd = true
              yield* pending.splice(0)
              continue
            }
            const at = rec ?? null
            pending.push({
              kind: 'bad',
              reason: `JSON structure broken at line ${line}: ${unexpected}${at ? ` inside record ${at.no}` : ''}; the rest of the file from byte ${base + i} cannot be split into records`,
              offset: at ? at.offset : base + i,
              recordNo: at ? at.no : recordNo + 1,
              line: at ? at.line : line
            })
            rec = null
            stack.length = 0
            stop = true
            break
          }
          stack.pop()
          if (rec && !rec.scalar && stack.length === rec.base) {
            finish(rec, chunk, i + 1, base + i + 1)
            if (rec.topLevel) {
              if (linesMode === null) linesMode = rec.line === line
              layout(linesMode ? 'lines' : 'objects')
            }
            rec = null
          } else if (arrayDepth !== null && stack.length === arrayDepth - 1 && b === CLOSE_ARR) {
            arrayDepth = null
          }
          if (pending.length) yield* pending.splice(0)
          continue
        }
        if (b === COMMA) {
          if (rec?.scalar && depth === rec.base) {
            finish(rec, chunk, i, base + i)
            rec = null
            yield* pending.splice(0)
          } else if (rec?.topLevel && depth === 1) {
            expectKey = true
            afterColon = false
          }
          continue
        }
        if (b === COLON) {
          if (rec?.topLevel && depth === 1) {
            expectKey = false
            afterColon = true
          }
          continue
        }
        if (rec?.topLevel && depth === 1) afterColon = false
      }
      if (stop) break
      if (rec) {
        // Keep the unsaved tail of an open record: `buf` is reused by the next read.
        if (!rec.oversize) {
          const tail = chunk.subarray(rec.from)
          rec.size += tail.length
          if (rec.size > maxBytes) {
            rec.oversize = true
            rec.parts = []
          } else rec.parts.push(Buffer.from(tail))
        }
      }
      if (pending.length) yield* pending.splice(0)
    }
    if (pending.length) yield* pending.splice(0)
    if (stop) return
    if (rec) {
      if (rec.scalar && !inString) {
        // A scalar running into end of file still means the array was never closed.
        yield { kind: 'bad', reason: `record ${rec.no} is cut off: the file ends inside the JSON array (truncated)`, offset: rec.offset, recordNo: rec.no, line: rec.line }
      } else {
        yield { kind: 'bad', reason: `record ${rec.no} is cut off: the file ends before the record closes (truncated)`, offset: rec.offset, recordNo: rec.no, line: rec.line }
      }
    } else if (stack.length > 0) {
      yield {
        kind: 'bad',
        reason: `the file ends inside the JSON ${arrayDepth !== null ? `array opened at line ${arrayLine}` : 'document'} (truncated): it was never closed`,
        offset: position,
        recordNo: recordNo + 1,
        line
      }
    }
  } finally {
    await fh.close()
  }

  function badLine(r: OpenRecord, why: string): JsonStreamItem {
    return { kind: 'bad', reason: why, offset: r.offset, recordNo: r.no, line: r.line }
  }

  function resetTop(): void {
    rec = null
    overflow = 0
    stack.length = 0
    arrayDepth = null
    inString = false
    escaped = false
    keyBytes = null
  }

  /** JSON lines: whatever is still open when its line ends is reported and dropped. */
  function cutAtLineEnd(at: number): void {
    if (stack.length === 0 && !(rec?.scalar)) return
    if (rec) pending.push(badLine(rec, 'the JSON value is not closed before the line ends'))
    else pending.push({ kind: 'bad', reason: 'the JSON array is not closed before the line ends', offset: at, recordNo: ++recordNo, line })
    resetTop()
  }
}

/**
 * JSON lines if most of the first lines each hold a whole object ("{" in column 1 … "}").
 * Deciding up front lets a cut-off first line be reported alone instead of swallowing
 * the lines after it; null leaves the decision to the first complete object.
 */
function looksLikeJsonLines(head: Buffer): boolean | null {
  const lines = head.toString('latin1').split('\n').slice(0, 6)
  if (head.length === READ_BYTES) lines.pop()
  const nonEmpty = lines.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '').slice(0, 5)
  if (nonEmpty.length === 0) return null
  const whole = nonEmpty.filter((l) => l.startsWith('{') && l.trimEnd().endsWith('}')).length
  return whole > 0 && whole * 2 >= nonEmpty.length ? true : null
}

/**
 * Why a file cannot be JSON text at all, judged on its head: UTF-16, or control bytes in a
 * file that does not even open with { or [. Files that open like JSON are read line by
 * line, so one damaged line never costs the rest.
 */
function notJsonText(head: Buffer, base: number): string | null {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'the file is UTF-16 text: save it as UTF-8 to import it'
  const first = head.findIndex((b) => !isSpace(b))
  if (first === -1 || head[first] === OPEN_OBJ || head[first] === OPEN_ARR) return null
  const at = head.findIndex((b) => b < 0x20 && !isSpace(b))
  if (at === -1) return null
  return `not JSON text: binary data (byte 0x${head[at]!.toString(16).padStart(2, '0')} at offset ${base + at})`
}

function describeByte(b: number): string {
  return b >= 0x21 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`
}
