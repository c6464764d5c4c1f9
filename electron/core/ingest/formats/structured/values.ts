// Small readers for untrusted parsed JSON: every property may be missing or of the wrong
// type, so each accessor checks and falls back to null instead of trusting a shape.
import { isIP } from 'node:net'

export type JsonObject = Record<string, unknown>

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function obj(v: unknown): JsonObject | null {
  return isObject(v) ? v : null
}

/** A non-empty string, or a finite number as text; null otherwise. */
export function str(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return null
}

export function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
  return null
}

/** The first argument that is a usable string. */
export function firstStr(...vs: unknown[]): string | null {
  for (const v of vs) {
    const s = str(v)
    if (s !== null) return s
  }
  return null
}

/** An IPv4/IPv6 address (brackets, zone ids and a trailing :port on v4 tolerated), else null. */
export function ipOrNull(v: unknown): string | null {
  const s = str(v)
  if (s === null) return null
  let t = s.trim()
  if (t.startsWith('[') && t.includes(']')) t = t.slice(1, t.indexOf(']'))
  if (isIP(t)) return t
  const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(t)
  if (v4port && isIP(v4port[1]!)) return v4port[1]!
  const zoned = t.split('%')[0]!
  return isIP(zoned) === 6 ? zoned : null
}

/** A copy without the given keys and without null / undefined / empty-string values. */
export function rest(o: JsonObject, drop: readonly string[]): JsonObject {
  const out: JsonObject = {}
  for (const [k, v] of Object.entries(o)) {
    if (drop.includes(k) || v === null || v === undefined || v === '') continue
    out[k] = v
  }
  return out
}

/** "a, b, c" from the parts that are present. */
export function joinPresent(parts: unknown[], sep = ', '): string | null {
  const present = parts.map(str).filter((p): p is string => p !== null)
  return present.length ? present.join(sep) : null
}

/** Keys named in a JSON head (`"key":`), for cheap sniffing of documents cut at 64 KiB. */
export function jsonKeys(text: string): Set<string> {
  const keys = new Set<string>()
  for (const m of text.matchAll(/"([A-Za-z_@$][\w.@$-]{0,63})"\s*:/g)) keys.add(m[1]!)
  return keys
}

/** The first non-blank character of a text, skipping a BOM. */
export function firstChar(text: string): string {
  const m = /[^\s\uFEFF]/.exec(text)
  return m ? m[0] : ''
}

// Deeper values make later JSON.stringify / structuredClone overflow the stack.
const MAX_NESTING = 256

/** Deepest bracket nesting outside strings; stops counting once past the limit. */
export function nestingDepth(text: string): number {
  let depth = 0
  let max = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth
      if (max > MAX_NESTING) return max
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return max
}

/** Parses one line that should hold a JSON object; a reason string when it does not. */
export function parseJsonObject(text: string): JsonObject | string {
  if (nestingDepth(text) > MAX_NESTING) return `nested deeper than ${MAX_NESTING} levels`
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`
  }
  return isObject(v) ? v : 'not a JSON object'
}

export function clip(s: string, max = 160): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** Control characters shown as \xNN so a message stays one readable line. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
