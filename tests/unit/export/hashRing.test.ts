// The shared-memory hash ring: SHA-512 on a second thread must give exactly the digests
// of one thread, whatever the chunking, and slots must not be reused before both hashes
// have seen them.
import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { HashRing } from '../../../electron/core/export/hashRing'

describe('HashRing', () => {
  it('gives the same SHA-256 and SHA-512 on two threads as on one, over many chunks and files', async () => {
    const data = randomBytes(10_000 + 17)
    for (const parallel of [true, false]) {
      const ring = HashRing.create(3, 1024, { parallel })
      try {
        for (const size of [0, 1, 1024, 5000, data.length]) {
          const part = data.subarray(0, size)
          ring.begin()
          const busy: Promise<void>[] = []
          for (let at = 0, slot = 0; at < part.length; at += 1024, slot = (slot + 1) % 3) {
            if (busy[slot]) await busy[slot]
            const n = part.copy(ring.buffers[slot]!, 0, at, Math.min(at + 1024, part.length))
            busy[slot] = ring.update(slot, n)
          }
          await Promise.all(busy)
          expect(await ring.end()).toEqual({
            sha256: createHash('sha256').update(part).digest('hex'),
            sha512: createHash('sha512').update(part).digest('hex'),
            size
          })
        }
      } finally {
        await ring.close()
      }
    }
  })
})
