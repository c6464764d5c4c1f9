// Runs the built `iwb` CLI as a user would, with its own settings folder.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

export const projectRoot = join(__dirname, '..', '..')

export function iwb(args: string[], env: Record<string, string> = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(projectRoot, 'electron', 'cli', 'iwb-bin.cjs'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}
