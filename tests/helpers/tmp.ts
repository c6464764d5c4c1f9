// Temporary folders and a throw-away settings folder per test file.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function tempDir(prefix = 'iwb-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return {
    path,
    cleanup: () => {
      // Evidence copies are read-only; chmod of the folders is enough for removal on POSIX.
      rmSync(path, { recursive: true, force: true })
    }
  }
}
