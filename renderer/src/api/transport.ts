// The two ways the renderer reaches the core. Which one is used is decided once at start:
// the Electron preload's bridge when present, the loopback web host otherwise.
import type { ElectronBridge } from '@shared/bridge'

export interface Transport {
  kind: 'electron' | 'web'
  invoke(method: string, params: unknown): Promise<unknown>
  subscribe(listener: (event: unknown) => void): () => void
  /** Electron: a native file dialog, returning paths. Web: not available (files are uploaded). */
  pickFiles?: () => Promise<string[]>
  pickFolder?: (purpose: 'create' | 'open') => Promise<string | null>
  /** Web only: sends one file's bytes to the host, which runs evidence intake on them. */
  upload?: (file: File, note: string, onProgress: (sent: number, total: number) => void, signal: AbortSignal) => Promise<unknown>
}

declare global {
  interface Window {
    iwb?: ElectronBridge
  }
}

function electronTransport(bridge: ElectronBridge): Transport {
  return {
    kind: 'electron',
    invoke: (method, params) => bridge.invoke(method, params),
    subscribe: (listener) => bridge.onEvent(listener),
    pickFiles: () => bridge.pickFiles(),
    pickFolder: (purpose) => bridge.pickFolder(purpose)
  }
}

function webTransport(): Transport {
  // The session cookie set by the host authenticates every request; the page never sees the token.
  return {
    kind: 'web',
    async invoke(method, params) {
      const res = await fetch(`/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(params ?? {})
      })
      const text = await res.text()
      try {
        return JSON.parse(text) as unknown
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: `The host answered ${res.status}: ${text.slice(0, 200)}` } }
      }
    },
    subscribe(listener) {
      const source = new EventSource('/api/events')
      source.onmessage = (m: MessageEvent<string>) => {
        try {
          listener(JSON.parse(m.data) as unknown)
        } catch {
          // A malformed frame is dropped; the schema check happens in the client.
        }
      }
      return () => source.close()
    },
    upload(file, note, onProgress, signal) {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest()
        const q = new URLSearchParams({ name: file.name, lastModified: String(file.lastModified), note })
        xhr.open('POST', `/api/upload?${q.toString()}`)
        xhr.setRequestHeader('content-type', 'application/octet-stream')
        xhr.upload.onprogress = (e) => onProgress(e.loaded, e.total)
        xhr.onload = () => {
          try {
            resolve(JSON.parse(xhr.responseText) as unknown)
          } catch {
            reject(new Error(`Upload failed (${xhr.status}).`))
          }
        }
        xhr.onerror = () => reject(new Error('Upload failed: the host did not answer.'))
        xhr.onabort = () => reject(new DOMException('Upload cancelled.', 'AbortError'))
        signal.addEventListener('abort', () => xhr.abort())
        xhr.send(file)
      })
    }
  }
}

export function pickTransport(): Transport {
  return window.iwb ? electronTransport(window.iwb) : webTransport()
}
