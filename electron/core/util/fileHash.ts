// Streaming SHA-256 of a file. Reads in large chunks with the next read already in
// flight while the current chunk is hashed: Node's default 64 KiB stream chunks reach
// only about a third of the hash's speed.
import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

export const CHUNK_BYTES = 4 * 1024 * 1024

export class CancelledError extends Error {
  constructor(message = 'Cancelled by the user.') {
    super(message)
    this.name = 'CancelledError'
  }
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}

export async function sha256File(
  path: string,
  options: { signal?: AbortSignal; onBytes?: (n: number) => void } = {}
): Promise<{ sha256: string; size: number }> {
  const fh = await open(path, 'r')
  try {
    const hash = createHash('sha256')
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)]
    let current = 0
    let position = 0
    let pending = fh.read(buffers[0]!, 0, CHUNK_BYTES, 0)
    for (;;) {
      const { bytesRead } = await pending
      if (bytesRead === 0) break
      throwIfCancelled(options.signal)
      const buf = buffers[current]!
      position += bytesRead
      current ^= 1
      pending = fh.read(buffers[current]!, 0, CHUNK_BYTES, position)
      hash.update(buf.subarray(0, bytesRead))
      options.onBytes?.(bytesRead)
    }
    return { sha256: hash.digest('hex'), size: position }
  } finally {
    await fh.close()
  }
}
