// `npm run web [-- --case <dir>] [--port N]`: serves the renderer and the contract on
// 127.0.0.1 only and prints the URL with its session token.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Workbench } from '../core/api/workbench'
import { newSessionToken } from './security'
import { startWebHost } from './server'

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { case: { type: 'string' }, port: { type: 'string' }, help: { type: 'boolean' } },
    strict: true
  })
  if (values.help) {
    console.log('npm run web [-- --case <dir>] [--port N]\nServes Incident Workbench to a browser on 127.0.0.1 with a session token.')
    return
  }
  const port = values.port ? Number(values.port) : 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a number from 0 to 65535, not "${values.port}"`)

  const workbench = new Workbench({ transport: 'web' })
  if (values.case) workbench.openCase(values.case)
  const host = await startWebHost({
    workbench,
    rendererDir: process.env.IWB_RENDERER_DIR ?? join(__dirname, '..', 'renderer'),
    token: newSessionToken(),
    port
  })
  console.log(`Incident Workbench (browser mode) is ready: ${host.url}`)
  console.log('Open that address in a browser on this machine. The token in it is your session key; press Ctrl+C to stop.')

  const stop = (): void => {
    // A stuck close must not keep a stopped host alive.
    setTimeout(() => process.exit(0), 3000).unref()
    workbench.close()
    host.close().finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(`Incident Workbench web host: ${(err as Error).message}`)
  process.exit(2)
})
