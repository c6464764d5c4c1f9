// Streaming text for the Windows exports whose records span lines (Event Viewer XML
// and CSV). Event Viewer writes UTF-16LE with a BOM or UTF-8 (with or without BOM)
// depending on version and save path, so the BOM picks the decoder. The window keeps
// only unconsumed text and the byte offset of its first character, so every record can
// point at its bytes in constant memory. Byte offsets are exact for UTF-16 and for
// valid UTF-8; an invalid UTF-8 byte decodes to U+FFFD (3 bytes) and shifts later
// offsets slightly, which is acceptable for locating a record.
import { open } from 'node:fs/promises'

export type TextEncoding = 'utf-8' | 'utf-16le'

export function detectEncoding(head: Buffer): { encoding: TextEncoding; bom: number } {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 }
  // UTF-16LE without BOM: ASCII text has every second byte zero.
  if (head.length >= 4 && head[1] === 0 && head[3] === 0 && head[0] !== 0 && head[2] !== 0) return { encoding: 'utf-16le', bom: 0 }
  return { encoding: 'utf-8', bom: 0 }
}

/** The sniffable text of a file head in whatever encoding it uses. */
export function headText(head: Buffer): string {
  const { encoding, bom } = detectEncoding(head)
  return new TextDecoder(encoding).decode(head.subarray(bom))
}

export class TextWindow {
  text = ''
  /** Byte offset in the file of text[0]. */
  offset: number
  /** Line number (from 1) of text[0]. */
  line = 1

  constructor(
    private readonly encoding: TextEncoding,
    start: number
  ) {
    this.offset = start
  }

  bytes(s: string): number {
    return this.encoding === 'utf-16le' ? s.length * 2 : Buffer.byteLength(s, 'utf8')
  }

  /** Drops the first `n` characters and says where they were. */
  take(n: number): { text: string; offset: number; length: number; line: number } {
    const text = this.text.slice(0, n)
    const out = { text, offset: this.offset, length: this.bytes(text), line: this.line }
    this.text = this.text.slice(n)
    this.offset += out.length
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.line++
    return out
  }
}

/** Yields the window after each block is appended; the caller consumes from it. */
export async function* streamText(path: string, signal?: AbortSignal, blockBytes = 1024 * 1024): AsyncGenerator<{ window: TextWindow; done: boolean }> {
  const fh = await open(path, 'r')
  try {
    const buf = Buffer.alloc(blockBytes)
    let position = 0
    let window: TextWindow | null = null
    let decoder: TextDecoder | null = null
    for (;;) {
      if (signal?.aborted) return
      const { bytesRead } = await fh.read(buf, 0, blockBytes, position)
      let block = buf.subarray(0, bytesRead)
      if (!window || !decoder) {
        const { encoding, bom } = detectEncoding(block)
        decoder = new TextDecoder(encoding, { fatal: false })
        window = new TextWindow(encoding, bom)
        block = block.subarray(bom)
      }
      position += bytesRead
      window.text += decoder.decode(block, { stream: bytesRead > 0 })
      yield { window, done: bytesRead === 0 }
      if (bytesRead === 0) return
    }
  } finally {
    await fh.close()
  }
}
