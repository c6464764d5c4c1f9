// `npm start`: launches the desktop app. Electron downloads its binary on first launch;
// where that download cannot happen (an offline machine), the same app opens in browser
// mode instead, with the reason printed. Before launching Electron, better-sqlite3 is
// made available for Electron's ABI in a cache beside node_modules (the Node build stays
// in place for the CLI and the web host).
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')

function electronBinary(): string | null {
  try {
    // The electron package resolves (and on first use downloads) its binary when required.
    const path = require('electron') as unknown
    return typeof path === 'string' && existsSync(path) ? path : null
  } catch (err) {
    console.error(`Electron is not available: ${(err as Error).message}`)
    return null
  }
}

function electronVersion(): string {
  return (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version
}

/** Builds (once per Electron version) a copy of better-sqlite3 compiled for Electron. */
function electronSqliteBinding(version: string): string | null {
  const cache = join(root, 'node_modules', '.cache', 'iwb-electron-native', version)
  const binding = join(cache, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  if (existsSync(binding)) return binding
  console.log(`Preparing better-sqlite3 for Electron ${version} (once)…`)
  mkdirSync(cache, { recursive: true })
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(cache, 'better-sqlite3'), {
    recursive: true,
    filter: (src) => !src.includes(`${join('better-sqlite3', 'build')}`)
  })
  const cwd = join(cache, 'better-sqlite3')
  const prebuilt = spawnSync(
    process.execPath,
    [require.resolve('prebuild-install/bin.js', { paths: [join(root, 'node_modules')] }), '--runtime', 'electron', '--target', version],
    { cwd, stdio: 'inherit' }
  )
  if (prebuilt.status !== 0 || !existsSync(binding)) {
    const built = spawnSync(
      'npm',
      ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', `--target=${version}`, '--dist-url=https://electronjs.org/headers', '--runtime=electron'],
      { cwd, stdio: 'inherit', shell: process.platform === 'win32' }
    )
    if (built.status !== 0 || !existsSync(binding)) return null
  }
  return binding
}

function startBrowserMode(reason: string): void {
  console.log(`${reason}\nStarting Incident Workbench in browser mode instead (the same app, served on 127.0.0.1).`)
  require(join(__dirname, '..', 'main', 'web.js'))
}

function main(): void {
  if (process.env.IWB_FORCE_WEB === '1') return startBrowserMode('IWB_FORCE_WEB=1 is set.')
  const binary = electronBinary()
  if (!binary) return startBrowserMode('The Electron binary could not be obtained on this machine.')
  const binding = electronSqliteBinding(electronVersion())
  if (!binding) return startBrowserMode('better-sqlite3 could not be prepared for Electron.')
  const child = spawn(binary, [root], { stdio: 'inherit', env: { ...process.env, IWB_SQLITE_BINDING: binding } })
  child.on('exit', (code) => process.exit(code ?? 0))
}

main()
