// One build for every Node-side entry (Electron main, CLI, web host, launcher) plus
// the sandboxed preload and the React renderer. Entries share chunks under out/main.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

const root = __dirname

export default defineConfig({
  main: {
    resolve: { alias: { '@shared': resolve(root, 'shared') } },
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'electron/main/index.ts'),
          iwb: resolve(root, 'electron/cli/iwb.ts'),
          web: resolve(root, 'electron/web/host.ts'),
          start: resolve(root, 'electron/launcher/start.ts'),
          importWorker: resolve(root, 'electron/core/ingest/importWorker.ts'),
          parseWorker: resolve(root, 'electron/core/ingest/parseWorker.ts')
        }
      }
    }
  },
  preload: {
    resolve: { alias: { '@shared': resolve(root, 'shared') } },
    build: {
      outDir: 'out/preload',
      // Sandboxed preloads cannot require() node_modules: bundle everything into one file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' }
      }
    }
  },
  renderer: {
    root: resolve(root, 'renderer'),
    resolve: { alias: { '@shared': resolve(root, 'shared') } },
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } }
    }
  }
})
