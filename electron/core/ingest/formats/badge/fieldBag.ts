// One source record (a CSV row, a JSON object, an XML journal message) as named text
// values, looked up by a loose key so "Card Number", "CARDNUM"… and "card_number" meet.
// It remembers which values a profile consumed, so everything else can be kept verbatim.

const keyMemo = new Map<string, string>()

/** Lower-case letters and digits only: "Door/Device" → "doordevice", "EVENT_TIME_UTC" → "eventtimeutc". */
export function normKey(name: string): string {
  let key = keyMemo.get(name)
  if (key === undefined) {
    key = name.toLowerCase().replace(/[^a-z0-9]/g, '')
    // Column names repeat on every row; the bound only stops hostile JSON keys from growing it.
    if (keyMemo.size < 10_000) keyMemo.set(name, key)
  }
  return key
}

export class FieldBag {
  private readonly byKey = new Map<string, { name: string; value: string }>()
  private readonly used = new Set<string>()

  constructor(entries: Iterable<[name: string, value: string]>) {
    for (const [name, value] of entries) {
      const key = normKey(name)
      // A later duplicate column never hides an earlier non-empty one.
      const prev = this.byKey.get(key)
      if (!prev || (prev.value === '' && value !== '')) this.byKey.set(key, { name, value })
    }
  }

  /** The first non-empty value among the keys (compared loosely), trimmed; undefined when none. */
  get(...keys: string[]): string | undefined {
    for (const k of keys) {
      const key = normKey(k)
      const hit = this.byKey.get(key)
      if (hit === undefined) continue
      this.used.add(key)
      const v = hit.value.trim()
      if (v !== '') return v
    }
    return undefined
  }

  has(key: string): boolean {
    return this.byKey.has(normKey(key))
  }

  /** Non-empty values no lookup has consumed, under their original names. */
  unused(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, { name, value }] of this.byKey) {
      if (!this.used.has(key) && value.trim() !== '') out[name] = value.trim()
    }
    return out
  }
}

/** Flattens a parsed JSON object into dotted names with text values (arrays kept as JSON). */
export function flattenJson(obj: Record<string, unknown>, prefix = '', out: [string, string][] = [], depth = 0): [string, string][] {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k
    if (v === null || v === undefined) out.push([name, ''])
    else if (typeof v === 'object' && !Array.isArray(v) && depth < 8) flattenJson(v as Record<string, unknown>, name, out, depth + 1)
    else if (typeof v === 'object') out.push([name, JSON.stringify(v)])
    else out.push([name, String(v)])
  }
  return out
}
