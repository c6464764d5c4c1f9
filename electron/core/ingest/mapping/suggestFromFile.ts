// Proposes a mapping for an evidence file: reads its head (UTF-8 or BOM-marked UTF-16,
// as the import reads it), takes the header row of a CSV / TSV (delimiter found from the
// header) or the keys of the first JSON lines, a few sample rows, and asks suggestMapping
// for a draft profile. Nothing is decided here: the dialog shows every proposal.
import type { MappingSuggestionResult } from '@shared/mappingProfile'
import { detectDelimiter, splitCsvLine } from '../formats/badge/csvLine'
import { flattenJson } from '../formats/badge/fieldBag'
import { readSniffInput } from '../sniff'
import { suggestMapping } from './suggestMapping'

const SAMPLE_ROWS = 5
const JSON_LINES_READ = 50
const MAX_COLUMNS = 500
const MAX_CELL = 200

const cell = (v: string): string => (v.length > MAX_CELL ? v.slice(0, MAX_CELL) : v)

export async function suggestMappingForFile(path: string, fileName: string): Promise<MappingSuggestionResult> {
  const input = await readSniffInput(path, fileName)
  if (input.text.includes('\0')) throw new Error(`${fileName} looks like binary data: only CSV, TSV and JSON-lines text can be mapped.`)
  const lines = input.lines.filter((l) => l.trim() !== '')
  if (lines.length === 0) throw new Error(`${fileName} holds no text lines to map.`)
  const notes: string[] = []

  if (lines[0]!.trimStart().startsWith('{')) {
    const rows: Map<string, string>[] = []
    const keys = new Set<string>()
    for (const line of lines.slice(0, JSON_LINES_READ)) {
      let value: unknown
      try {
        value = JSON.parse(line)
      } catch {
        continue
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue
      const entries = flattenJson(value as Record<string, unknown>)
      for (const [k] of entries) if (keys.size < MAX_COLUMNS) keys.add(k)
      rows.push(new Map(entries))
    }
    if (rows.length === 0) throw new Error(`${fileName} starts like JSON lines, but none of its first lines is a JSON object.`)
    const columns = [...keys]
    const sampleRows = rows.slice(0, SAMPLE_ROWS).map((r) => columns.map((k) => cell(r.get(k) ?? '')))
    const s = suggestMapping(columns, { kind: 'jsonl', sampleRows })
    return { kind: 'jsonl', delimiter: null, columns, sampleRows, draft: s.draft, matches: s.matches, missing: s.missing, notes: [...notes, ...s.notes] }
  }

  const delimiter = detectDelimiter(lines[0]!)
  const kind = delimiter === '\t' ? 'tsv' : 'csv'
  const header = splitCsvLine(lines[0]!, delimiter)
  if ('error' in header) throw new Error(`The first line of ${fileName} is not a readable header row: ${header.error}`)
  let columns = header.fields
  if (columns.length > MAX_COLUMNS) {
    notes.push(`only the first ${MAX_COLUMNS} of ${columns.length} columns are offered`)
    columns = columns.slice(0, MAX_COLUMNS)
  }
  if (columns.length < 2) notes.push(`the first line splits into ${columns.length} column on "${delimiter === '\t' ? 'tab' : delimiter}": is it a header row?`)
  const sampleRows = lines
    .slice(1, 1 + SAMPLE_ROWS)
    .map((l) => splitCsvLine(l, delimiter))
    .filter((r): r is { fields: string[] } => 'fields' in r)
    .map((r) => columns.map((_, i) => cell(r.fields[i] ?? '')))
  const s = suggestMapping(columns, { kind, sampleRows })
  const draft = kind === 'csv' ? { ...s.draft, delimiter } : s.draft
  return { kind, delimiter, columns, sampleRows, draft, matches: s.matches, missing: s.missing, notes: [...notes, ...s.notes] }
}
