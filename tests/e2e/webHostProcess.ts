// Starts the real web host (`out/main/web.js`, what `npm run web` runs) for a test, with
// its own settings folder, and returns the URL it printed.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunningHost {
  url: string
  origin: string
  workDir: string
  stop(): Promise<void>
}

/**
 * `prepare` runs first with the test's work folder and the environment the host will use
 * (e.g. to build a case with the CLI); it returns extra arguments for the host.
 */
export async function startHost(
  args: string[] = [],
  prepare?: (workDir: string, env: NodeJS.ProcessEnv) => string[]
): Promise<RunningHost> {
  const workDir = mkdtempSync(join(tmpdir(), 'iwb-e2e-'))
  const env = { ...process.env, IWB_CONFIG_DIR: join(workDir, 'config') }
  const extra = prepare ? prepare(workDir, env) : []
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '..', '..', 'out', 'main', 'web.js'), ...args, ...extra], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`web host did not start: ${out}`)), 30_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    })
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`web host exited ${code}: ${out}`)))
  })
  return {
    url,
    origin: new URL(url).origin,
    workDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      rmSync(workDir, { recursive: true, force: true })
    }
  }
}
