// What a page did that a spec must check it did not: every request it made, and every
// console error or warning and uncaught error (a report opened offline must stay silent).
import type { Page } from '@playwright/test'

export function watchPage(page: Page): { requests: string[]; problems: string[] } {
  const requests: string[] = []
  const problems: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text())
  })
  page.on('pageerror', (e) => problems.push(e.message))
  return { requests, problems }
}
