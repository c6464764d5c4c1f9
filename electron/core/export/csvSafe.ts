// CSV for spreadsheets that a recipient will double-click. csv-stringify is not installed
// (only csv-parse is), and the rules fit in a few lines: RFC 4180 quoting, CRLF rows, and
// formula-injection neutralising — a cell that starts with =, +, -, @, tab or CR is
// prefixed with ' so Excel, LibreOffice and Sheets show it as text instead of running it.

const FORMULA_START = /^[=+\-@\t\r]/

export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text
}

/** One cell: neutralised, then quoted when it holds a quote, comma, CR or LF. */
export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value)
  const safe = neutralise(text)
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}
