// The Electron transport, exercised without the Electron binary (it cannot be downloaded
// here): the real wireIpc and isTrustedSender run against a stand-in for ipcMain, dialog
// and a window whose main frame shows our app:// page. What a user of the desktop app
// relies on is asserted: calls from our page work end to end, calls from anything else
// are refused, malformed messages are refused, evidence can only come from picked files,
// and job events reach the window.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ipcChannels } from '../../../shared/bridge'
import { Envelope, ServerEvent } from '../../../shared/contract'
import { tempDir } from '../../helpers/tmp'

type Handler = (event: unknown, ...args: unknown[]) => Promise<unknown>
const handlers = new Map<string, Handler>()
const dialogAnswer: { filePaths: string[]; canceled: boolean } = { filePaths: [], canceled: true }

vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, fn: Handler) => handlers.set(channel, fn) },
  dialog: { showOpenDialog: async () => dialogAnswer },
  BrowserWindow: class {},
  app: { on: () => undefined },
  session: {}
}))

const { wireIpc } = await import('../../../electron/main/ipc')
const { Workbench } = await import('../../../electron/core/api/workbench')
const { SettingsStore } = await import('../../../electron/core/settings/settingsStore')

interface FakeFrame {
  url: string
}
function fakeWindow(url: string) {
  const mainFrame: FakeFrame = { url }
  const sent: { channel: string; payload: unknown }[] = []
  const webContents = { mainFrame, send: (channel: string, payload: unknown) => sent.push({ channel, payload }) }
  return { window: { webContents }, mainFrame, webContents, sent }
}

describe('Electron IPC transport', () => {
  let tmp: ReturnType<typeof tempDir>
  let wb: InstanceType<typeof Workbench>
  let win: ReturnType<typeof fakeWindow>

  const invoke = async (event: unknown, message: unknown): Promise<Envelope> =>
    Envelope.parse(await handlers.get(ipcChannels.invoke)!(event, message))
  const ours = (): unknown => ({ sender: win.webContents, senderFrame: win.mainFrame })

  beforeEach(() => {
    handlers.clear()
    tmp = tempDir()
    wb = new Workbench({ transport: 'electron', settings: new SettingsStore(join(tmp.path, 'config')) })
    win = fakeWindow('app://bundle/index.html')
    wireIpc(wb, () => win.window as never)
  })
  afterEach(() => {
    wb.close()
    tmp.cleanup()
  })

  it('runs contract calls from our own page and sends job events to the window', async () => {
    const dir = join(tmp.path, 'case')
    const created = await invoke(ours(), { method: 'case.create', params: { dir, name: 'IPC case', examiner: 'E. Xaminer', timeZone: 'Europe/Berlin' } })
    expect(created.ok).toBe(true)
    const current = await invoke(ours(), { method: 'case.current', params: {} })
    expect(current.ok && (current.result as { name: string }).name).toBe('IPC case')
    // The case.changed event travelled to the window over the event channel.
    const events = win.sent.filter((s) => s.channel === ipcChannels.event).map((s) => ServerEvent.parse(s.payload))
    expect(events.some((e) => e.type === 'case.changed' && e.summary?.name === 'IPC case')).toBe(true)
  })

  it('refuses calls from another window, a subframe or a page that is not ours', async () => {
    const other = fakeWindow('app://bundle/index.html')
    const message = { method: 'case.current', params: {} }
    for (const event of [
      { sender: other.webContents, senderFrame: other.mainFrame },
      { sender: win.webContents, senderFrame: { url: 'app://bundle/index.html' } },
      { sender: win.webContents, senderFrame: null }
    ]) {
      const r = await invoke(event, message)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('FORBIDDEN')
    }
    win.mainFrame.url = 'https://attacker.example/'
    const navigated = await invoke(ours(), message)
    expect(navigated.ok).toBe(false)
    // The pickers answer nothing to a foreign sender either.
    expect(await handlers.get(ipcChannels.pickFiles)!({ sender: other.webContents, senderFrame: other.mainFrame })).toEqual([])
  })

  it('refuses malformed messages and invalid parameters', async () => {
    for (const bad of [null, 'case.current', { method: 'case.current' , params: {}, extra: 1 }, { method: 7 }]) {
      const r = await invoke(ours(), bad)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('BAD_REQUEST')
    }
    const r = await invoke(ours(), { method: 'case.open', params: { dir: '/tmp', sql: 'DROP TABLE custody' } })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('BAD_REQUEST')
  })

  it('acquires evidence only from files the user picked in the native dialog', async () => {
    const dir = join(tmp.path, 'case')
    expect((await invoke(ours(), { method: 'case.create', params: { dir, name: 'c', examiner: 'e', timeZone: 'UTC' } })).ok).toBe(true)
    mkdirSync(join(tmp.path, 'files'))
    const file = join(tmp.path, 'files', 'auth.log')
    writeFileSync(file, 'Mar  1 00:00:00 web01 sshd[1]: Accepted password for alice from 10.0.0.1 port 22 ssh2\n')

    const unpicked = await invoke(ours(), { method: 'evidence.acquire', params: { paths: [file] } })
    expect(unpicked.ok).toBe(false)
    if (!unpicked.ok) expect(unpicked.error.message).toMatch(/Add files/)

    dialogAnswer.canceled = false
    dialogAnswer.filePaths = [file]
    expect(await handlers.get(ipcChannels.pickFiles)!(ours())).toEqual([file])
    const picked = await invoke(ours(), { method: 'evidence.acquire', params: { paths: [file] } })
    expect(picked.ok).toBe(true)
    const jobId = picked.ok ? (picked.result as { jobId: string }).jobId : ''
    await vi.waitFor(() => {
      const done = win.sent.map((s) => ServerEvent.parse(s.payload)).find((e) => e.type === 'job.done' && e.jobId === jobId)
      expect(done).toBeTruthy()
    })
    const list = await invoke(ours(), { method: 'evidence.list', params: {} })
    expect(list.ok && (list.result as { originalName: string }[]).map((e) => e.originalName)).toEqual(['auth.log'])
  })
})
