// The Electron shell: one secure window, the app:// scheme for the renderer, IPC wiring
// and native dialogs. All behaviour lives in electron/core behind the shared contract.
import { join } from 'node:path'
import { app, BrowserWindow, Menu } from 'electron'
import { Workbench } from '../core/api/workbench'
import { mediaServerFor } from '../core/api/handlers/video'
import { registerAppScheme, serveRenderer } from './appProtocol'
import { wireIpc } from './ipc'
import { APP_ORIGIN, hardenSessions, hardenWebContents } from './security'

registerAppScheme()
app.enableSandbox()
hardenWebContents()

if (!app.requestSingleInstanceLock()) app.quit()

let mainWindow: BrowserWindow | null = null
const workbench = new Workbench({ transport: 'electron' })

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Incident Workbench',
    webPreferences: {
      preload: join(__dirname, '..', 'preload', 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false
    }
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => {
    mainWindow = null
  })
  void mainWindow.loadURL(`${APP_ORIGIN}/index.html`)
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      { role: 'fileMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }]
      },
      { role: 'windowMenu' }
    ])
  )
}

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  }
})

app.whenReady().then(() => {
  hardenSessions()
  serveRenderer(join(__dirname, '..', 'renderer'), mediaServerFor(workbench))
  wireIpc(workbench, () => mainWindow)
  buildMenu()
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
})

app.on('window-all-closed', () => {
  workbench.close()
  if (process.platform !== 'darwin') app.quit()
})
