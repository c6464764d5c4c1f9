// Format detection: every importer rates the first 64 KiB; the highest confidence wins.
import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { detectBom } from './lineReader'
import type { Importer, SniffInput } from './types'

export const SNIFF_BYTES = 64 * 1024

export async function readSniffInput(path: string, fileName = basename(path)): Promise<SniffInput> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(SNIFF_BYTES)
    const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0)
    const bytes = head.subarray(0, bytesRead)
    // A UTF-16 head (BOM-marked, as the line reader reads it) is decoded as such, so line
    // sniffers see text; the raw bytes stay in `head` for binary and encoding-aware sniffers.
    const { encoding, bom } = detectBom(bytes)
    const body = bytes.subarray(bom)
    const text = new TextDecoder(encoding).decode(encoding === 'utf-8' ? body : body.subarray(0, body.length - (body.length % 2)))
    const all = text.split(/\r?\n/)
    const cut = bytesRead === SNIFF_BYTES
    const lines = (cut ? all.slice(0, -1) : all).filter((l, i, arr) => l !== '' || i < arr.length - 1)
    return { head: bytes, text, lines, fileName }
  } finally {
    await fh.close()
  }
}

export interface SniffScore {
  id: string
  name: string
  confidence: number
}

export function rankImporters(importers: Importer[], input: SniffInput): SniffScore[] {
  return importers
    .map((i) => {
      let confidence = 0
      try {
        confidence = Math.max(0, Math.min(1, i.sniff(input)))
      } catch {
        confidence = 0
      }
      return { id: i.id, name: i.name, confidence }
    })
    .sort((a, b) => b.confidence - a.confidence)
}
