// Issue 5 in Chromium through the web host: keyboard control of the shared cursor, lanes
// reordered, hidden and shown (kept with the case), a bookmark made with B that survives
// closing and reopening the case, tagging an event and filtering by the tag, the column
// chooser, and the windowed events table scrolling through 20,000+ badge events.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startHost, type RunningHost } from './webHostProcess'

const ROOT = join(__dirname, '..', '..')
const SAMPLES = join(ROOT, '..', 'shared', 'samples')
let host: RunningHost | null = null
let keep: string | null = null

function iwb(env: NodeJS.ProcessEnv, ...args: string[]): void {
  execFileSync(process.execPath, [join(ROOT, 'electron', 'cli', 'iwb-bin.cjs'), ...args], { env, stdio: 'ignore' })
}

/** A case with two log sources, built by the CLI in `dir` (outside the host's work folder when it must outlive the host). */
function logCase(dir: string, env: NodeJS.ProcessEnv): string[] {
  iwb(env, 'case', 'create', dir, '--name', 'Annotations test', '--tz', 'UTC')
  iwb(env, 'import', dir, join(SAMPLES, 'syslog', 'Linux_2k.log'), '--year', '2005', '--tz', 'UTC')
  iwb(env, 'import', dir, join(SAMPLES, 'windows', 'kerberos_pwd_spray_4771.evtx'))
  return ['--case', dir]
}

test.afterEach(async () => {
  await host?.stop()
  host = null
  if (keep) rmSync(keep, { recursive: true, force: true })
  keep = null
})

async function openTimeline(page: Page): Promise<void> {
  await page.goto(host!.url)
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  await expect(page.getByRole('region', { name: 'Timeline' }).getByRole('list', { name: 'Lanes' })).toContainText('Linux_2k.log')
}

/** The UTC instant the cursor readout shows (after the "·"). */
async function cursorUs(page: Page): Promise<number> {
  const text = (await page.getByRole('status', { name: 'Cursor time' }).textContent()) ?? ''
  const iso = /· (\S+Z)/.exec(text)?.[1]
  if (!iso) throw new Error(`no time in the cursor readout: ${text}`)
  return Date.parse(iso) * 1000 + Number(/\.\d{3}(\d{3})Z$/.exec(iso)?.[1] ?? 0)
}

test('keyboard: Shift+→ moves the cursor 5 s, → one frame, L/K play and stop, 0 fits, help dialog', async ({ page }) => {
  host = await startHost([], (work, env) => logCase(join(work, 'case'), env))
  await openTimeline(page)
  const timeline = page.getByRole('region', { name: 'Timeline' })
  await page.locator('body').click({ position: { x: 1, y: 1 } })

  const t0 = await cursorUs(page)
  await page.keyboard.press('Shift+ArrowRight')
  await expect.poll(() => cursorUs(page)).toBe(t0 + 5_000_000)
  await page.keyboard.press('Shift+ArrowLeft')
  await page.keyboard.press('Shift+ArrowLeft')
  await expect.poll(() => cursorUs(page)).toBe(t0 - 5_000_000)
  await page.keyboard.press('ArrowRight')
  await expect.poll(async () => Math.round((await cursorUs(page)) - (t0 - 5_000_000))).toBe(33_333)

  // L plays (the cursor advances on its own on a logs-only case), K stops.
  const before = await cursorUs(page)
  await page.keyboard.press('l')
  await expect(page.getByRole('status', { name: 'Cursor time' })).toContainText('playing 1×')
  await expect.poll(() => cursorUs(page), { timeout: 5000 }).toBeGreaterThan(before + 200_000)
  await page.keyboard.press('k')
  await expect(page.getByRole('status', { name: 'Cursor time' })).not.toContainText('playing')

  // + zooms, 0 fits again.
  const visible = timeline.getByLabel('Visible range')
  await expect(visible).toContainText('2012 events')
  const full = await visible.textContent()
  await page.keyboard.press('+')
  await page.keyboard.press('+')
  await expect(visible).not.toHaveText(full!)
  await page.keyboard.press('0')
  await expect(visible).toHaveText(full!)

  // Keys typed into a field are text: Shift+→ in the bookmark filter does not move the cursor.
  const at = await cursorUs(page)
  await page.getByRole('region', { name: 'Bookmarks' }).getByLabel('Filter bookmarks').fill('x')
  await page.keyboard.press('Shift+ArrowRight')
  await page.keyboard.press('0')
  expect(await cursorUs(page)).toBe(at)

  // ] and [ step through the events of the focused lane: the Kerberos spray starts 2020-07-22 20:29:27.
  await timeline.getByRole('button', { name: 'Focus lane kerberos_pwd_spray_4771.evtx' }).click()
  await page.keyboard.press(']')
  await expect(page.getByRole('status', { name: 'Cursor time' })).toContainText('2020-07-22T20:29:27')
  const first = await cursorUs(page)
  await page.keyboard.press(']')
  await expect.poll(() => cursorUs(page)).toBeGreaterThan(first)
  await page.keyboard.press('[')
  await expect.poll(() => cursorUs(page)).toBe(first)

  await timeline.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(dialog).toContainText('Shift + ← / →')
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('lanes: move up, hide and show again, kept with the case after a reload', async ({ page }) => {
  host = await startHost([], (work, env) => logCase(join(work, 'case'), env))
  await openTimeline(page)
  const timeline = page.getByRole('region', { name: 'Timeline' })
  const lanes = timeline.getByRole('list', { name: 'Lanes' }).getByRole('listitem')
  await expect(lanes.first()).toContainText('Linux_2k.log')
  await timeline.getByRole('button', { name: 'Move kerberos_pwd_spray_4771.evtx up' }).click()
  await expect(lanes.first()).toContainText('kerberos_pwd_spray_4771.evtx')

  await timeline.getByRole('button', { name: 'Hide Linux_2k.log' }).click()
  await expect(lanes).toHaveCount(1)
  await expect(timeline.getByLabel('Visible range')).toContainText('12 events')

  // Reload: the working layout comes back from the case.
  await page.waitForTimeout(800)
  await page.reload()
  await page.getByRole('button', { name: 'Timeline', exact: true }).click()
  await expect(lanes).toHaveCount(1)
  await expect(lanes.first()).toContainText('kerberos_pwd_spray_4771.evtx')

  await timeline.getByRole('button', { name: 'Show or hide lanes' }).click()
  const menu = timeline.getByRole('group', { name: 'Show or hide lanes' })
  await expect(menu.getByRole('checkbox', { name: 'Linux_2k.log' })).not.toBeChecked()
  await menu.getByRole('checkbox', { name: 'Linux_2k.log' }).check()
  await expect(lanes).toHaveCount(2)
  await expect(lanes.first()).toContainText('kerberos_pwd_spray_4771.evtx')
  await expect(timeline.getByLabel('Visible range')).toContainText('2012 events')

  // Collapse to a thin strip and expand again.
  await page.keyboard.press('Escape')
  await timeline.getByRole('button', { name: 'Collapse Linux_2k.log' }).click()
  await expect(timeline.getByRole('button', { name: 'Expand Linux_2k.log' })).toBeVisible()
  expect((await lanes.nth(1).boundingBox())!.height).toBeLessThan(20)
  await timeline.getByRole('button', { name: 'Expand Linux_2k.log' }).click()
  await expect(timeline.getByRole('button', { name: 'Hide Linux_2k.log' })).toBeVisible()

  // Person lanes: the busiest account of the syslog first (root, 354 events).
  await timeline.getByLabel('Group lanes by').selectOption('actor')
  await expect(lanes.first()).toContainText('root')
  await expect(lanes.first()).toContainText('(354)')
})

test('a bookmark made with B survives closing and reopening the case', async ({ page }) => {
  keep = mkdtempSync(join(tmpdir(), 'iwb-e2e-keep-'))
  const caseDir = join(keep, 'case')
  host = await startHost([], (_work, env) => logCase(caseDir, env))
  await openTimeline(page)
  await page.locator('body').click({ position: { x: 1, y: 1 } })
  await page.keyboard.press('Shift+ArrowRight')
  const at = await cursorUs(page)
  await page.keyboard.press('b')
  const panel = page.getByRole('region', { name: 'Bookmarks' })
  const title = panel.getByLabel('Bookmark title')
  await expect(title).toBeFocused()
  await title.fill('First failed logon')
  await panel.getByLabel('Narrative').fill('Kerberos pre-auth failure starts the spray.')
  await panel.getByRole('button', { name: 'Save bookmark' }).click()
  await expect(panel.getByRole('list', { name: 'Bookmark list' })).toContainText('First failed logon')
  await expect(panel).toContainText('Kerberos pre-auth failure')

  // B with a brushed range bookmarks the range.
  const brush = page.getByRole('region', { name: 'Timeline' }).getByLabel('Select a time range')
  const box = (await brush.boundingBox())!
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 })
  await page.mouse.up()
  await page.keyboard.press('b')
  await expect(panel.getByLabel('Bookmark title')).toHaveValue(/^Range from /)
  await panel.getByRole('button', { name: 'Save bookmark' }).click()
  await expect(panel.getByRole('heading')).toContainText('Bookmarks (2)')

  // Close the case (the host shuts down) and open it again in a new host.
  await host.stop()
  host = await startHost(['--case', caseDir])
  await openTimeline(page)
  await expect(panel.getByRole('list', { name: 'Bookmark list' })).toContainText('First failed logon')
  await expect(panel.getByRole('heading')).toContainText('Bookmarks (2)')
  await panel.getByLabel('Filter bookmarks').fill('spray')
  await expect(panel.getByRole('list', { name: 'Bookmark list' })).toContainText('First failed logon')
  await panel.getByLabel('Filter bookmarks').fill('nothing like it')
  await expect(panel.getByRole('list', { name: 'Bookmark list' })).toContainText('No bookmark matches')
  await panel.getByLabel('Filter bookmarks').fill('')
  // Jumping to it puts the cursor where the bookmark was made.
  await page.getByRole('status', { name: 'Cursor time' }).click()
  await panel.getByRole('button', { name: 'Go to bookmark First failed logon' }).click()
  await expect.poll(() => cursorUs(page)).toBe(at)
})

test('tag an event, filter by the tag; the column chooser hides a column', async ({ page }) => {
  host = await startHost([], (work, env) => logCase(join(work, 'case'), env))
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Events', exact: true }).click()
  const list = page.getByRole('region', { name: 'Event list' })
  const table = list.getByRole('table', { name: 'Events' })
  await expect(table.getByRole('row').nth(3)).toBeVisible()
  const third = (await table.getByRole('row').nth(3).getByRole('cell').nth(1).textContent()) ?? ''
  await table.getByRole('row').nth(3).click()
  const detail = page.getByRole('region', { name: 'Event detail' })
  await detail.getByLabel('New tag').fill('suspect')
  await detail.getByRole('button', { name: 'Add tag' }).click()
  await expect(detail.getByRole('list', { name: 'Tags' })).toContainText('suspect')
  await detail.getByLabel('New note').fill('Looks like the first probe')
  await detail.getByRole('button', { name: 'Add note' }).click()
  await expect(detail.getByRole('list', { name: 'Notes' })).toContainText('Looks like the first probe')

  await list.getByLabel('Tag').selectOption('suspect')
  await expect(table.getByRole('row')).toHaveCount(2)
  await expect(table.getByRole('row').nth(1)).toContainText(third.slice(0, 19))
  await expect(table.getByRole('row').nth(1)).toContainText('suspect')
  await expect(list.getByRole('status', { name: 'Events loaded' })).toContainText('1 event loaded')

  await expect(table.getByRole('columnheader', { name: 'Message' })).toBeVisible()
  await list.getByRole('button', { name: 'Choose columns' }).click()
  await list.getByRole('group', { name: 'Choose columns' }).getByRole('checkbox', { name: 'Message' }).uncheck()
  await expect(table.getByRole('columnheader', { name: 'Message' })).toHaveCount(0)
  await expect(table.getByRole('columnheader', { name: 'Actor' })).toBeVisible()

  // A saved view brings the filter back after it was cleared.
  await list.getByLabel('View name').fill('Suspects')
  await list.getByRole('button', { name: 'Save view' }).click()
  await list.getByRole('button', { name: 'Clear filters' }).click()
  await expect(list.getByRole('status', { name: 'Events loaded' })).toContainText('1,000 events loaded')
  await list.getByRole('combobox', { name: 'Saved view' }).selectOption('Suspects')
  await expect(list.getByRole('status', { name: 'Events loaded' })).toContainText('1 event loaded')
})

test('the events table scrolls through 20,000 badge events with only a window of rows in the DOM', async ({ page }) => {
  test.setTimeout(120_000)
  host = await startHost([], (work, env) => {
    const dir = join(work, 'case')
    iwb(env, 'case', 'create', dir, '--name', 'Badges', '--tz', 'UTC')
    iwb(env, 'import', dir, join(SAMPLES, 'badge', 'vast2016_proxOut-MC2.csv'), '--tz', 'UTC')
    return ['--case', dir]
  })
  await page.goto(host.url)
  await page.getByRole('button', { name: 'Events', exact: true }).click()
  const list = page.getByRole('region', { name: 'Event list' })
  const table = list.getByRole('table', { name: 'Events' })
  const loaded = list.getByRole('status', { name: 'Events loaded' })
  await expect(loaded).toContainText('1,000 events loaded')
  const scroller = page.locator('.vtable').first()
  let count = 0
  for (let i = 0; i < 80 && count < 20_000; i++) {
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight))
    await page.waitForTimeout(120)
    count = Number(((await loaded.textContent()) ?? '').replace(/[^\d]/g, '').slice(0, 6))
    const rows = await table.locator('tbody tr').count()
    expect(rows).toBeLessThan(80)
  }
  expect(count).toBeGreaterThanOrEqual(20_000)
  await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight))
  // The last rows in sight are the last ones loaded (aria-rowindex counts the header as 1).
  // (The window is re-rendered after the scroll event: wait for it rather than read at once.)
  await expect
    .poll(async () => Number(await table.locator('tbody tr[aria-rowindex]').last().getAttribute('aria-rowindex')))
    .toBeGreaterThan(20_000)
  expect(await table.getByRole('row').count()).toBeLessThan(80)
  // Back to the top: the first event again.
  await scroller.evaluate((el) => el.scrollTo(0, 0))
  await expect(table.getByRole('row').nth(1)).toContainText('2016-05-31')
})
