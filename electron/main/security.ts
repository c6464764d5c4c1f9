// The Electron security checklist, applied in one place: every web contents is denied
// navigation, new windows, webviews and permissions; IPC senders must be our own page.
import { app, session, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { RENDERER_CSP } from '../web/security'

export const APP_SCHEME = 'app'
export const APP_HOST = 'bundle'
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`

export function hardenSessions(): void {
  const ses = session.defaultSession
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
  ses.setDevicePermissionHandler(() => false)
  // Belt and braces: the CSP also travels on every response of our scheme and in index.html.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } })
  })
  // Nothing leaves the machine: the app has no network features.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith(`${APP_ORIGIN}/`) || details.url.startsWith('devtools://')
    callback({ cancel: !allowed })
  })
}

export function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault())
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
}

/** True only for calls from the main frame of our own window showing our own page. */
export function isTrustedSender(event: IpcMainInvokeEvent, expected: WebContents | null): boolean {
  if (!expected || event.sender !== expected) return false
  const frame = event.senderFrame
  if (!frame || frame !== expected.mainFrame) return false
  try {
    // Not URL.origin: Node's URL gives "null" as the origin of any non-special scheme such
    // as app://, so comparing origins would refuse our own page (the IPC test caught it).
    const url = new URL(frame.url)
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST
  } catch {
    return false
  }
}
