// Tests that run the CLI or the web host use the built output (out/), exactly what users
// run. `npm test` builds first; a bare `vitest run` builds here when out/ is missing.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export default function setup(): void {
  const root = join(__dirname, '..', '..')
  if (!existsSync(join(root, 'out', 'main', 'iwb.js')) || !existsSync(join(root, 'out', 'main', 'web.js'))) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      cwd: root,
      stdio: 'inherit'
    })
  }
}
