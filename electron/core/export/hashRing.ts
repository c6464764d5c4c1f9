// A fixed ring of chunk buffers in shared memory, hashed twice at once: SHA-256 here,
// SHA-512 on a second thread over the same bytes (no copy). Both digests in one thread
// cost about 1.8 s per GiB on this machine (SHA-512 alone 1.15 s); split, the export of
// originals runs at the speed of the slower hash instead of the sum.
import { createHash, type Hash } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { Digests } from './manifests'

// Inline (eval) worker: an extra bundle entry would need the build config to name it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { sab, chunk } = workerData
let hash = null
parentPort.on('message', (m) => {
  if (m.t === 'begin') hash = createHash('sha512')
  else if (m.t === 'chunk') {
    hash.update(new Uint8Array(sab, m.slot * chunk, m.length))
    parentPort.postMessage({ t: 'ack', slot: m.slot })
  } else if (m.t === 'end') {
    parentPort.postMessage({ t: 'digest', hex: hash.digest('hex') })
    hash = null
  }
})
`

export class HashRing {
  readonly buffers: Buffer[]
  private sha256: Hash | null = null
  private sha512Here: Hash | null = null
  private size = 0
  private readonly acks = new Map<number, (err?: Error) => void>()
  private digestWaiter: { resolve: (hex: string) => void; reject: (e: Error) => void } | null = null
  private failure: Error | null = null
  private closing = false

  private constructor(
    readonly chunk: number,
    slots: number,
    sab: SharedArrayBuffer,
    private readonly worker: Worker | null
  ) {
    this.buffers = Array.from({ length: slots }, (_, i) => Buffer.from(sab, i * chunk, chunk))
    worker?.on('message', (m: { t: 'ack'; slot: number } | { t: 'digest'; hex: string }) => {
      if (m.t === 'ack') this.acks.get(m.slot)?.()
      else this.digestWaiter?.resolve(m.hex)
    })
    worker?.on('error', (err) => this.fail(err))
    worker?.on('exit', (code) => {
      if (code !== 0 && !this.closing) this.fail(new Error(`the hashing thread stopped (exit ${code})`))
    })
  }

  /** `parallel: false` hashes both digests on this thread (used where threads are unwanted). */
  static create(slots: number, chunk: number, options: { parallel?: boolean } = {}): HashRing {
    const sab = new SharedArrayBuffer(slots * chunk)
    let worker: Worker | null = null
    if (options.parallel !== false) {
      try {
        worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { sab, chunk } })
      } catch {
        worker = null
      }
    }
    return new HashRing(chunk, slots, sab, worker)
  }

  begin(): void {
    this.sha256 = createHash('sha256')
    this.size = 0
    if (this.worker) this.worker.postMessage({ t: 'begin' })
    else this.sha512Here = createHash('sha512')
  }

  /** Hashes buffers[slot][0, length); resolves when the slot may be reused. */
  update(slot: number, length: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    this.size += length
    const view = this.buffers[slot]!.subarray(0, length)
    if (!this.worker) {
      this.sha256!.update(view)
      this.sha512Here!.update(view)
      return Promise.resolve()
    }
    const acked = new Promise<void>((resolve, reject) => {
      this.acks.set(slot, (err) => {
        this.acks.delete(slot)
        if (err) reject(err)
        else resolve()
      })
    })
    this.worker.postMessage({ t: 'chunk', slot, length })
    this.sha256!.update(view)
    return acked
  }

  async end(): Promise<Digests> {
    const sha256 = this.sha256!.digest('hex')
    this.sha256 = null
    let sha512: string
    if (!this.worker) {
      sha512 = this.sha512Here!.digest('hex')
      this.sha512Here = null
    } else {
      if (this.failure) throw this.failure
      sha512 = await new Promise<string>((resolve, reject) => {
        this.digestWaiter = { resolve, reject }
        this.worker!.postMessage({ t: 'end' })
      })
      this.digestWaiter = null
    }
    return { sha256, sha512, size: this.size }
  }

  async close(): Promise<void> {
    this.closing = true
    if (this.worker) await this.worker.terminate()
  }

  private fail(err: Error): void {
    this.failure = err
    for (const ack of [...this.acks.values()]) ack(err)
    this.digestWaiter?.reject(err)
  }
}
