// A small two-site company over three days, written as the files an investigator receives:
// a Lenel OnGuard badge export (UTC), Windows Security events as Event Viewer XML, and an
// Okta System Log (JSON lines). It holds exactly one true instance of each correlation rule
// and near-misses beside each that must not fire (see the comments at each person).
// `addCameras` imports footage for four cameras through the video import (see there).
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CaseFolder } from '../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../electron/core/case/intake'
import { importVideoEvidence, placeFile, setDoorCamera, suggestDoorCameras, updateCamera } from '../../electron/core/media/videoStore'
import { cachedClip, testTools, type ClipSpec } from './videoFixtures'

const NS = 'http://schemas.microsoft.com/win/2004/08/events/event'

/** Monday 4 March 2024 (GMT = UTC in London before the clocks change). */
const MON = '2024-03-04'
const TUE = '2024-03-05'
const WED = '2024-03-06'
const SUN = '2024-03-03'

interface Badge { t: string; ev: string; card?: string; emp?: string; first?: string; last?: string; site: string; reader: string; panel?: string }

const PEOPLE = {
  john: { card: '1001', emp: 'E1001', first: 'John', last: 'Smith' },
  maria: { card: '1002', emp: 'E1002', first: 'Maria', last: 'Lopez' },
  wei: { card: '1003', emp: 'E1003', first: 'Wei', last: 'Chen' },
  pat: { card: '1004', emp: 'E1004', first: 'Pat', last: "O'Brien" },
  sam: { card: '1005', emp: 'E1005', first: 'Sam', last: 'Taylor' },
  lee: { card: '1006', emp: 'E1006', first: 'Lee', last: 'Kim' },
  alex: { card: '1007', emp: 'E1007', first: 'Alex', last: 'Doe' }
} as const
type Who = keyof typeof PEOPLE

const b = (t: string, ev: string, who: Who | null, site: string, reader: string): Badge => ({ t, ev, ...(who ? PEOPLE[who] : {}), site, reader, panel: site === 'HQ' ? 'PANEL-HQ' : 'PANEL-BR' })

export const BADGES: Badge[] = [
  // John: arrives, logs on within minutes (near-miss for rule 4), opens the side door twice on one grant (rule 7).
  b(`${MON} 08:55:00`, 'Access Granted', 'john', 'HQ', 'Lobby'),
  b(`${MON} 10:00:00`, 'Access Granted', 'john', 'HQ', 'Side Door'),
  b(`${MON} 10:00:03`, 'Door Opened', null, 'HQ', 'Side Door'),
  b(`${MON} 10:00:08`, 'Door Opened', null, 'HQ', 'Side Door'),
  // Near-miss for rule 7: one grant, one opening.
  b(`${MON} 14:00:00`, 'Access Granted', 'john', 'HQ', 'Side Door'),
  b(`${MON} 14:00:04`, 'Door Opened', null, 'HQ', 'Side Door'),
  // On site when the audit log is cleared (rule 8).
  b(`${MON} 15:50:00`, 'Access Granted', 'john', 'HQ', 'Server Room'),
  // Maria: badges in and never logs on (rule 4, badge without logon).
  b(`${MON} 08:30:00`, 'Access Granted', 'maria', 'HQ', 'Lobby'),
  b(`${MON} 11:20:00`, 'Access Denied - No Privilege', 'maria', 'HQ', 'Server Room'),
  // Wei: a normal Tuesday; Monday's console logon has no badge before it (rule 4).
  b(`${TUE} 09:00:00`, 'Access Granted', 'wei', 'HQ', 'Lobby'),
  // Pat: three denials in four minutes (rule 1); two more later (near-miss).
  b(`${MON} 10:50:00`, 'Access Granted', 'pat', 'HQ', 'Lobby'),
  b(`${MON} 11:00:00`, 'Access Denied - No Privilege', 'pat', 'HQ', 'Server Room'),
  b(`${MON} 11:02:00`, 'Access Denied - No Privilege', 'pat', 'HQ', 'Server Room'),
  b(`${MON} 11:04:00`, 'Access Denied - No Privilege', 'pat', 'HQ', 'Server Room'),
  b(`${MON} 15:00:00`, 'Access Denied - No Privilege', 'pat', 'HQ', 'Server Room'),
  b(`${MON} 15:05:00`, 'Access Denied - No Privilege', 'pat', 'HQ', 'Server Room'),
  // Sam: on site at 13:00, Okta sign-in from a public address at 13:30 (rule 5); again at 19:00 (near-miss: left hours ago).
  b(`${MON} 13:00:00`, 'Access Granted', 'sam', 'HQ', 'Lobby'),
  // Lee: London then Edinburgh 30 minutes later (rule 6); Edinburgh the next day (near-miss).
  b(`${TUE} 09:00:00`, 'Access Granted', 'lee', 'HQ', 'Lobby'),
  b(`${TUE} 09:30:00`, 'Access Granted', 'lee', 'Branch', 'Entrance'),
  b(`${WED} 09:00:00`, 'Access Granted', 'lee', 'Branch', 'Entrance'),
  // Alex: 18:55 is within working hours (near-miss), 22:30 is not (rule 3).
  b(`${MON} 18:55:00`, 'Access Granted', 'alex', 'HQ', 'Lobby'),
  b(`${MON} 22:30:00`, 'Access Granted', 'alex', 'HQ', 'Lobby'),
  // The loading dock is forced (rule 2); its camera has a gap then (rule 9). The restore is not an alarm.
  b(`${MON} 12:00:00`, 'Door Forced Open', null, 'HQ', 'Loading Dock'),
  b(`${MON} 12:01:00`, 'Door Forced Open Restored', null, 'HQ', 'Loading Dock')
]

interface WinEvent { t: string; id: number; host: string; data: Record<string, string>; provider?: string }
const logon = (t: string, user: string, host: string, type: string): WinEvent => ({
  t, id: 4624, host, data: { TargetUserName: user, TargetDomainName: 'CORP', LogonType: type, IpAddress: type === '10' ? '10.0.5.9' : '-' }
})
const failed = (t: string, user: string, host: string): WinEvent => ({
  t, id: 4625, host, data: { TargetUserName: user, TargetDomainName: 'CORP', LogonType: '3', IpAddress: '10.0.9.9', Status: '0xc000006d', SubStatus: '0xc000006a' }
})

export const WINDOWS: WinEvent[] = [
  logon(`${MON}T09:05:00Z`, 'jsmith', 'WS-JSMITH.corp.example', '2'),
  logon(`${MON}T10:55:00Z`, 'pobrien', 'WS-PAT.corp.example', '2'),
  logon(`${MON}T13:05:00Z`, 'staylor', 'WS-SAM.corp.example', '2'),
  // Rule 4: Wei at the keyboard of WS-LAB with no badge in the 12 h before.
  logon(`${MON}T14:00:00Z`, 'wchen', 'WS-LAB.corp.example', '2'),
  // Near-miss: a remote desktop logon (type 10) needs no badge.
  logon(`${MON}T15:00:00Z`, 'wchen', 'WS-LAB.corp.example', '10'),
  logon(`${MON}T19:00:00Z`, 'adoe', 'WS-ALEX.corp.example', '2'),
  // Maria's account is only seen on Tuesday, over the network (type 3 needs no badge).
  logon(`${TUE}T10:00:00Z`, 'mlopez', 'FS01.corp.example', '3'),
  logon(`${TUE}T09:05:00Z`, 'lkim', 'WS-LEE.corp.example', '2'),
  logon(`${TUE}T09:10:00Z`, 'wchen', 'WS-LAB.corp.example', '2'),
  logon(`${WED}T09:10:00Z`, 'lkim', 'WS-BRANCH.corp.example', '2'),
  // Near-miss for rule 8: four failed logons are not a burst (threshold 10).
  failed(`${MON}T15:55:00Z`, 'admin', 'DC01.corp.example'),
  failed(`${MON}T15:55:10Z`, 'admin', 'DC01.corp.example'),
  failed(`${MON}T15:55:20Z`, 'admin', 'DC01.corp.example'),
  failed(`${MON}T15:55:30Z`, 'admin', 'DC01.corp.example'),
  // Rule 8: the security log of FS01 is cleared while John is in the server room.
  { t: `${MON}T16:00:00Z`, id: 1102, host: 'FS01.corp.example', provider: 'Microsoft-Windows-Eventlog', data: { SubjectUserName: 'wchen', SubjectDomainName: 'CORP' } },
  // Near-miss: cleared on a Sunday night with nobody on site.
  { t: `${SUN}T03:00:00Z`, id: 1102, host: 'FS02.corp.example', provider: 'Microsoft-Windows-Eventlog', data: { SubjectUserName: 'admin', SubjectDomainName: 'CORP' } }
]

interface OktaEvent { t: string; user: string; ip: string; city?: string; lat?: number; lon?: number }
export const OKTA: OktaEvent[] = [
  // Near-miss for rule 5: a sign-in from the office network.
  { t: `${MON}T09:10:00.000Z`, user: 'john.smith@corp.example', ip: '10.1.1.5' },
  // Rule 5: Sam signs in from a public address while badged in at HQ (geolocated in London: not travel).
  { t: `${MON}T13:30:00.000Z`, user: 'sam.taylor@corp.example', ip: '203.0.113.50', city: 'London', lat: 51.51, lon: -0.13 },
  // Near-miss for rule 5: the same six hours after the badge.
  { t: `${MON}T19:00:00.000Z`, user: 'sam.taylor@corp.example', ip: '203.0.113.50', city: 'London', lat: 51.51, lon: -0.13 },
  // A false friend: john.smithson is not John Smith and must not be linked.
  { t: `${MON}T09:30:00.000Z`, user: 'john.smithson@corp.example', ip: '10.1.1.7' },
]

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export function writeScenario(dir: string): { badge: string; windows: string; okta: string } {
  const header = 'EVENT_TIME_UTC,EVDESCR,CARDNUM,EMPID,FIRSTNAME,LASTNAME,READERDESC,PANELNAME,SEGMENTNAME'
  const csv = [header, ...BADGES.map((r) => [r.t, r.ev, r.card ?? '', r.emp ?? '', r.first ?? '', r.last ?? '', r.reader, r.panel ?? '', r.site].map((v) => (/[,"]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(','))].join('\r\n') + '\r\n'
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\r\n<Events>\r\n' +
    WINDOWS.map((e, i) => {
      const provider = e.provider ?? 'Microsoft-Windows-Security-Auditing'
      const kw = e.id === 4625 ? '0x8010000000000000' : '0x8020000000000000'
      const data = Object.entries(e.data).map(([k, v]) => `<Data Name="${k}">${esc(v)}</Data>`).join('')
      return `<Event xmlns="${NS}"><System><Provider Name="${provider}"/><EventID>${e.id}</EventID><Level>0</Level><Keywords>${kw}</Keywords><TimeCreated SystemTime="${e.t}"/><EventRecordID>${i + 1}</EventRecordID><Channel>Security</Channel><Computer>${e.host}</Computer></System><EventData>${data}</EventData></Event>`
    }).join('\r\n') +
    '\r\n</Events>\r\n'
  const okta = OKTA.map((e, i) =>
    JSON.stringify({
      uuid: `evt-${i}`,
      published: e.t,
      eventType: 'user.session.start',
      displayMessage: 'User login to Okta',
      actor: { id: `00u${i}`, type: 'User', alternateId: e.user, displayName: e.user },
      client: { ipAddress: e.ip, ...(e.city ? { geographicalContext: { city: e.city, country: 'United Kingdom', geolocation: { lat: e.lat, lon: e.lon } } } : {}) },
      outcome: { result: 'SUCCESS' }
    })
  ).join('\n') + '\n'
  const paths = { badge: join(dir, 'badges_onguard.csv'), windows: join(dir, 'security.xml'), okta: join(dir, 'okta.jsonl') }
  writeFileSync(paths.badge, csv)
  writeFileSync(paths.windows, xml)
  writeFileSync(paths.okta, okta)
  return paths
}

/** Site settings the scenario assumes: London HQ, Edinburgh branch, 07:00–19:00 Mon–Fri. */
export const SCENARIO_SITES = {
  HQ: { timeZone: 'Europe/London', workStart: '07:00', workEnd: '19:00', workDays: [1, 2, 3, 4, 5], lat: 51.5074, lon: -0.1278 },
  Branch: { timeZone: 'Europe/London', workStart: '07:00', workEnd: '19:00', workDays: [1, 2, 3, 4, 5], lat: 55.9533, lon: -3.1883 }
}

/**
 * The scenario's cameras, built the way an investigator builds them: ffmpeg-made clips
 * acquired as evidence, imported with the video import, placed (by creation_time or by hand),
 * a clock offset set on one camera, and door ↔ camera associations suggested by name and
 * two of them confirmed (electron/core/media/videoStore.ts).
 *
 * - CAM-DOCK (Loading Dock, confirmed; offset −10 min set by hand): an MP4 with creation_time
 *   11:00:00 lasting 63 min and an MPEG-TS with no time placed by hand at 12:15:00 camera
 *   clock, 45 min. Corrected: 10:50–11:53 and 12:05–12:50, so the 12:00 forced door falls in
 *   the gap (rule 9). Read without the offset the first file would cover 12:00; with the offset
 *   applied twice the second would (11:55–12:40): either mistake loses the finding.
 * - CAM-SERVER (Server Room, confirmed; offset never set): one MP4 from 10:30 for 5 h covering
 *   every denial there (no gap), so rule 9 reports only its unknown clock.
 * - CAM-SIDE (Side Door) and CAM-LOBBY (Lobby): associations left "suggested"; one short
 *   unplaced clip each (unplaced files are no coverage; no rule-9 event happens at those doors).
 */
export async function addCameras(folder: CaseFolder, examiner: string): Promise<void> {
  const tools = testTools()
  const db = folder.db
  // Footage hours long at one frame every 10 s: cheap to encode, probe and cache.
  const long = (seconds: number, container: 'mp4' | 'ts', creationTime?: string): ClipSpec => ({
    codec: 'h264', container, fps: 0.1, gop: 30, seconds, width: 160, height: 120, ...(creationTime ? { creationTime } : {}), fileName: `corr-${seconds}s.${container}`
  })
  const importClip = async (spec: ClipSpec, camera: string) => {
    const clip = await cachedClip(spec, tools)
    const acquired = await acquireEvidence(folder, { path: clip.path }, { examiner })
    if (!acquired.evidence) throw new Error(acquired.reason ?? `${clip.path} not acquired`)
    const r = await importVideoEvidence(folder, acquired.evidence.id, { examiner, tools, camera, caseZone: 'Europe/London' })
    if (!r.file) throw new Error(`${clip.path}: ${r.message}`)
    return r.file
  }
  const dockA = await importClip(long(63 * 60, 'mp4', `${MON}T11:00:00Z`), 'CAM-DOCK')
  const dockB = await importClip(long(45 * 60, 'ts'), 'CAM-DOCK')
  if (dockA.startMethod !== 'creation-time' || dockB.startMethod !== 'unplaced') throw new Error(`dock clips placed by ${dockA.startMethod} / ${dockB.startMethod}`)
  placeFile(db, dockB.id, { start: `${MON}T12:15:00Z`, timeZone: null, basis: 'camera-clock', reason: 'time read off the overlay' }, examiner, 'Europe/London')
  updateCamera(db, dockA.cameraId, { offsetUs: -10 * 60_000_000, reason: 'camera clock 10 min fast' }, examiner)
  const server = await importClip(long(5 * 3600, 'mp4', `${MON}T10:30:00Z`), 'CAM-SERVER')
  await importClip({ codec: 'h264', container: 'ts', seconds: 1, width: 160, height: 120, fileName: 'corr-side.ts' }, 'CAM-SIDE')
  await importClip({ codec: 'h264', container: 'ts', seconds: 2, width: 160, height: 120, fileName: 'corr-lobby.ts' }, 'CAM-LOBBY')
  // Name matching suggests all four doors; the investigator confirms two.
  suggestDoorCameras(db, examiner)
  setDoorCamera(db, 'HQ / Loading Dock', dockA.cameraId, examiner)
  setDoorCamera(db, 'HQ / Server Room', server.cameraId, examiner)
}
