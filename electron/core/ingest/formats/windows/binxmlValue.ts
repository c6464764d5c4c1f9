// Decoding of EVTX Binary XML substitution values (the typed values a template
// instance supplies). Rendering follows what Windows' own XML rendering prints:
// HexInt32/64 and SizeT as 0x-prefixed zero-padded hex, GUIDs in braces, SIDs as S-1-…,
// FILETIME as ISO-8601 with 7 fractional digits (100 ns) and a Z.
// FILETIME counts 100 ns ticks since 1601-01-01 UTC; we keep microseconds (truncated).

export const VALUE_TYPE = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SystemTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80
} as const

export class BinXmlError extends Error {}

/** 100 ns ticks between 1601-01-01 and 1970-01-01. */
const FILETIME_EPOCH_TICKS = 116444736000000000n

export function filetimeToMicros(ticks: bigint): number {
  // In BigInt until after the epoch shift: FILETIME microseconds exceed 2^53.
  const rel = ticks - FILETIME_EPOCH_TICKS
  const us = rel / 10n
  return Number(rel < 0n && rel % 10n !== 0n ? us - 1n : us)
}

/** ISO-8601 with the full 100 ns precision, the way Windows renders SystemTime. */
export function filetimeToIso(ticks: bigint): string {
  const rel = ticks - FILETIME_EPOCH_TICKS
  const secs = rel >= 0n ? rel / 10_000_000n : -((-rel + 9_999_999n) / 10_000_000n)
  const frac = rel - secs * 10_000_000n
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19)
  return `${base}.${frac.toString().padStart(7, '0')}Z`
}

export interface DecodedValue {
  text: string
  /** Set for FILETIME values. */
  us?: number
}

const hex = (n: bigint | number, digits: number): `0x${string}` => `0x${n.toString(16).padStart(digits, '0')}`

function guidAt(b: Buffer, o: number): string {
  const h = (start: number, len: number) => b.subarray(start, start + len).toString('hex')
  const d1 = b.readUInt32LE(o).toString(16).padStart(8, '0')
  const d2 = b.readUInt16LE(o + 4).toString(16).padStart(4, '0')
  const d3 = b.readUInt16LE(o + 6).toString(16).padStart(4, '0')
  return `{${d1}-${d2}-${d3}-${h(o + 8, 2)}-${h(o + 10, 6)}}`.toUpperCase()
}

/** Returns the SID and its byte length, or throws when it runs past `end`. */
function sidAt(b: Buffer, o: number, end: number): { text: string; size: number } {
  if (o + 8 > end) throw new BinXmlError('SID shorter than 8 bytes')
  const revision = b[o]!
  const count = b[o + 1]!
  const size = 8 + 4 * count
  if (o + size > end) throw new BinXmlError(`SID with ${count} sub-authorities runs past its value`)
  const authority = b.readUIntBE(o + 2, 6)
  let text = `S-${revision}-${authority}`
  for (let i = 0; i < count; i++) text += `-${b.readUInt32LE(o + 8 + 4 * i)}`
  return { text, size }
}

function systemTimeAt(b: Buffer, o: number): string {
  const [y, mo, , d, h, mi, s, ms] = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => b.readUInt16LE(o + 2 * i))
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${p(y!, 4)}-${p(mo!)}-${p(d!)}T${p(h!)}:${p(mi!)}:${p(s!)}.${p(ms!, 3)}Z`
}

function utf16(b: Buffer, start: number, end: number): string {
  // An odd trailing byte cannot be a UTF-16 unit: drop it rather than read past the value.
  const s = b.toString('utf16le', start, start + ((end - start) & ~1))
  return s.replace(/\0+$/, '')
}

/** Size of one element of a fixed-size type, or null for variable-size types. */
function fixedSize(type: number, valueSize: number): number | null {
  switch (type) {
    case VALUE_TYPE.Int8:
    case VALUE_TYPE.UInt8:
      return 1
    case VALUE_TYPE.Int16:
    case VALUE_TYPE.UInt16:
      return 2
    case VALUE_TYPE.Int32:
    case VALUE_TYPE.UInt32:
    case VALUE_TYPE.Real32:
    case VALUE_TYPE.Bool:
    case VALUE_TYPE.HexInt32:
      return 4
    case VALUE_TYPE.Int64:
    case VALUE_TYPE.UInt64:
    case VALUE_TYPE.Real64:
    case VALUE_TYPE.HexInt64:
    case VALUE_TYPE.FileTime:
    case VALUE_TYPE.EvtHandle:
      return 8
    case VALUE_TYPE.Guid:
    case VALUE_TYPE.SystemTime:
      return 16
    case VALUE_TYPE.SizeT:
      return valueSize === 4 ? 4 : 8
    default:
      return null
  }
}

function scalar(b: Buffer, o: number, type: number, size: number): DecodedValue {
  switch (type) {
    case VALUE_TYPE.Int8:
      return { text: String(b.readInt8(o)) }
    case VALUE_TYPE.UInt8:
      return { text: String(b[o]) }
    case VALUE_TYPE.Int16:
      return { text: String(b.readInt16LE(o)) }
    case VALUE_TYPE.UInt16:
      return { text: String(b.readUInt16LE(o)) }
    case VALUE_TYPE.Int32:
      return { text: String(b.readInt32LE(o)) }
    case VALUE_TYPE.UInt32:
      return { text: String(b.readUInt32LE(o)) }
    case VALUE_TYPE.Int64:
      return { text: b.readBigInt64LE(o).toString() }
    case VALUE_TYPE.UInt64:
      return { text: b.readBigUInt64LE(o).toString() }
    case VALUE_TYPE.Real32:
      return { text: String(b.readFloatLE(o)) }
    case VALUE_TYPE.Real64:
      return { text: String(b.readDoubleLE(o)) }
    case VALUE_TYPE.Bool:
      return { text: b.readUInt32LE(o) !== 0 ? 'true' : 'false' }
    case VALUE_TYPE.HexInt32:
      return { text: hex(b.readUInt32LE(o), 8) }
    case VALUE_TYPE.HexInt64:
    case VALUE_TYPE.EvtHandle:
      return { text: hex(b.readBigUInt64LE(o), 16) }
    case VALUE_TYPE.SizeT:
      return { text: size === 4 ? hex(b.readUInt32LE(o), 8) : hex(b.readBigUInt64LE(o), 16) }
    case VALUE_TYPE.Guid:
      return { text: guidAt(b, o) }
    case VALUE_TYPE.FileTime: {
      const ticks = b.readBigUInt64LE(o)
      return { text: filetimeToIso(ticks), us: filetimeToMicros(ticks) }
    }
    case VALUE_TYPE.SystemTime:
      return { text: systemTimeAt(b, o) }
    default:
      throw new BinXmlError(`value type 0x${type.toString(16)} is not a fixed-size type`)
  }
}

/**
 * Decodes a value of any type except BinXml (which the template renderer expands).
 * `start`/`size` are bounds-checked by the caller; nothing here reads outside them.
 */
export function decodeValue(b: Buffer, start: number, size: number, type: number): DecodedValue {
  const end = start + size
  if (size === 0 || type === VALUE_TYPE.Null) return { text: '' }
  const isArray = (type & VALUE_TYPE.ArrayFlag) !== 0
  const base = type & 0x7f
  if (isArray) return { text: decodeArray(b, start, end, base).join(', ') }
  switch (base) {
    case VALUE_TYPE.String:
    case VALUE_TYPE.EvtXml:
      return { text: utf16(b, start, end) }
    case VALUE_TYPE.AnsiString:
      return { text: b.toString('latin1', start, end).replace(/\0+$/, '') }
    case VALUE_TYPE.Binary:
      return { text: b.toString('hex', start, end).toUpperCase() }
    case VALUE_TYPE.Sid:
      return { text: sidAt(b, start, end).text }
  }
  const width = fixedSize(base, size)
  if (width === null) throw new BinXmlError(`unknown value type 0x${type.toString(16)}`)
  if (size < width) throw new BinXmlError(`value of type 0x${base.toString(16)} is ${size} bytes, needs ${width}`)
  return scalar(b, start, base, width)
}

function decodeArray(b: Buffer, start: number, end: number, base: number): string[] {
  const items: string[] = []
  if (base === VALUE_TYPE.String) {
    // Strings in an array are NUL-terminated one after another.
    const s = b.toString('utf16le', start, start + ((end - start) & ~1))
    const parts = s.split('\0')
    if (parts[parts.length - 1] === '') parts.pop()
    return parts
  }
  if (base === VALUE_TYPE.AnsiString) {
    const parts = b.toString('latin1', start, end).split('\0')
    if (parts[parts.length - 1] === '') parts.pop()
    return parts
  }
  if (base === VALUE_TYPE.Sid) {
    let o = start
    while (o < end) {
      const sid = sidAt(b, o, end)
      items.push(sid.text)
      o += sid.size
    }
    return items
  }
  // SizeT arrays carry no element width; 64-bit is what current Windows writes.
  const width = fixedSize(base, 8)
  if (width === null) throw new BinXmlError(`array of value type 0x${base.toString(16)} is not supported`)
  if ((end - start) % width !== 0) throw new BinXmlError(`array of ${end - start} bytes is not a multiple of ${width}`)
  for (let o = start; o < end; o += width) items.push(scalar(b, o, base, width).text)
  return items
}
