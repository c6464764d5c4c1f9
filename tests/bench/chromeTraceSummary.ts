// Reads a Chrome trace (the JSON Playwright's browser.stopTracing() returns) and says which
// thread of which process was busy when, from a moment on: the quick look at a jump that
// otherwise needs Perfetto. Busy = the union of the thread's complete ("X") events; a thread
// blocked inside an event counts as busy, so read it as "not free for other work".

interface TraceEvent {
  ph: string
  name: string
  pid: number
  tid: number
  ts: number
  dur?: number
  args?: { name?: string; data?: { type?: string }; src_file?: string; src_func?: string }
}

export interface ThreadBusy {
  process: string
  thread: string
  /** Busy milliseconds in each bucket after the start. */
  buckets: number[]
  total: number
}

function eventsOf(trace: Buffer | string): TraceEvent[] {
  const parsed = JSON.parse(trace.toString()) as TraceEvent[] | { traceEvents: TraceEvent[] }
  return Array.isArray(parsed) ? parsed : parsed.traceEvents
}

/** The trace time (µs) of the first DOM event of `type` (e.g. the Go form's submit), or null. */
export function firstDomEvent(trace: Buffer | string, type: string): number | null {
  return eventsOf(trace).find((e) => e.name === 'EventDispatch' && e.args?.data?.type === type)?.ts ?? null
}

/** Busy time per thread in `buckets` slices of `bucketMs` from `startUs` (threads busy < 5 ms left out). */
export function busyByThread(trace: Buffer | string, startUs: number, bucketMs = 25, buckets = 16): ThreadBusy[] {
  const events = eventsOf(trace)
  const processes = new Map<number, string>()
  const threads = new Map<string, string>()
  for (const e of events) {
    if (e.ph !== 'M') continue
    if (e.name === 'process_name') processes.set(e.pid, e.args?.name ?? String(e.pid))
    if (e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? String(e.tid))
  }
  const byThread = new Map<string, TraceEvent[]>()
  for (const e of events) {
    if (e.ph !== 'X' || !e.dur) continue
    const key = `${e.pid}:${e.tid}`
    const list = byThread.get(key)
    if (list) list.push(e)
    else byThread.set(key, [e])
  }
  const out: ThreadBusy[] = []
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts)
    const slots = new Array<number>(buckets).fill(0)
    // Only outermost events: nested ones are inside their parent's time.
    let end = -Infinity
    for (const e of list) {
      if (e.ts < end) continue
      end = e.ts + e.dur!
      const from = (e.ts - startUs) / 1000
      const to = (end - startUs) / 1000
      for (let i = 0; i < buckets; i++) {
        const overlap = Math.min((i + 1) * bucketMs, to) - Math.max(i * bucketMs, from)
        if (overlap > 0) slots[i]! += overlap
      }
    }
    const total = slots.reduce((a, b) => a + b, 0)
    if (total < 5) continue
    const [pid] = key.split(':')
    out.push({ process: processes.get(Number(pid)) ?? pid!, thread: threads.get(key) ?? key, buckets: slots, total })
  }
  return out.sort((a, b) => b.total - a.total)
}

/** One line per thread: total busy ms, then busy ms in each bucket. */
export function formatBusy(rows: ThreadBusy[], bucketMs = 25): string[] {
  const head = `${'process / thread'.padEnd(44)} busy | each ${bucketMs} ms from the click`
  return [head, ...rows.map((r) => `${`${r.process} / ${r.thread}`.slice(0, 44).padEnd(44)} ${r.total.toFixed(0).padStart(4)} | ${r.buckets.map((b) => String(Math.round(b)).padStart(3)).join('')}`)]
}
