// Small printing helpers shared by the CLI commands.
import { formatBytes } from '@shared/format'

export { formatBytes }

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** A progress line on stderr, rewritten in place on a terminal and throttled to once a second otherwise. */
export function progressPrinter(label: string): { update(done: number, total: number): void; end(): void } {
  const started = Date.now()
  let last = 0
  const tty = process.stderr.isTTY
  return {
    update(done, total) {
      const now = Date.now()
      if (now - last < (tty ? 100 : 1000) && done < total) return
      last = now
      const secs = Math.max((now - started) / 1000, 0.001)
      const pct = total > 0 ? ((done / total) * 100).toFixed(1) : '100.0'
      const line = `${label}: ${formatBytes(done)} of ${formatBytes(total)} (${pct}%), ${formatBytes(done / secs)}/s`
      process.stderr.write(tty ? `\r${line}\x1b[K` : `${line}\n`)
    },
    end() {
      if (tty) process.stderr.write('\n')
    }
  }
}
