// UniFi Protect event list on the real uiprotect sample. Per-type counts from
// `jq -r '.[].type' | sort | uniq -c`; epoch conversions with `date -u -d @…`.
import { describe, expect, it } from 'vitest'
import { detect, importSample, sample } from '../../helpers/importSample'

const EVENTS = sample('video/uiprotect_sample_raw_events.json')

describe('unifi-protect-events', () => {
  it('is detected', async () => {
    expect(await detect(EVENTS)).toEqual({ id: 'unifi-protect-events', confidence: 0.95 })
  })

  it('reads all 1,351 events with their types, categories and times', async () => {
    const r = await importSample('unifi-protect-events', EVENTS, { timeZone: 'America/Denver' })
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(1351)
    const byType: Record<string, number> = {}
    for (const e of r.events) byType[e.action] = (byType[e.action] ?? 0) + 1
    expect(byType).toEqual({
      motion: 628,
      sensorMotion: 546,
      smartDetectZone: 93,
      access: 24,
      lightMotion: 19,
      sensorOpened: 15,
      sensorClosed: 13,
      disconnect: 6,
      ring: 3,
      fingerprintIdentified: 2,
      nfcCardScanned: 1,
      deviceAdopted: 1
    })
    const byCategory: Record<string, number> = {}
    for (const e of r.events) byCategory[e.category] = (byCategory[e.category] ?? 0) + 1
    // video: motion, sensorMotion, smartDetectZone, lightMotion, ring; access: sensors
    // opened/closed, fingerprint, NFC; auth: console "access"; system: disconnect, adoption.
    expect(byCategory).toEqual({ video: 1289, access: 31, auth: 24, system: 7 })
    // Epoch milliseconds are instants: the Denver source zone plays no part.
    expect(r.decisions.stampsInSourceZone).toBe(0)

    // Record 1: disconnect, start 1640293400462 → 2021-12-23T21:03:20.462Z, end null.
    expect(r.events[0]).toMatchObject({
      ts: '2021-12-23T21:03:20.462Z',
      rawTime: '1640293400462',
      category: 'system',
      action: 'disconnect',
      location: '56401f80d300adad7123c864',
      recordNo: 1,
      offset: 6
    })
    expect(r.events[0]!.fields).toMatchObject({ end: null, metadata: { reason: 'CONNECTION_LOSS' } })
    expect(r.events[0]!.message).toContain('CONNECTION_LOSS')

    // Record 4: a user opening the Protect web console, not a door.
    expect(r.events[3]).toMatchObject({ ts: '2022-01-23T20:06:39.418Z', category: 'auth', action: 'access', actorId: '8593657a25b7826a4288b6af', location: null })

    // Record 123: doorbell ring at 1642971766763 → 2022-01-23T21:02:46.763Z.
    expect(r.events[122]).toMatchObject({ ts: '2022-01-23T21:02:46.763Z', category: 'video', action: 'ring', location: '1c9a2db4df6efda47a3509be' })

    // Record 1,347: NFC card 64B2A621 at 1731245487257 → 2024-11-10T13:31:27.257Z.
    expect(r.events[1346]).toMatchObject({ ts: '2024-11-10T13:31:27.257Z', category: 'access', action: 'nfcCardScanned', actorId: '64B2A621', location: '1c9a2db4df6efda47a3509be' })

    // Record 1,351: smart detection 1763816515775 → 2025-11-22T13:01:55.775Z, end
    // 1763816549575 kept; the message is the sentence Protect's UI shows.
    const last = r.events.at(-1)!
    expect(last).toMatchObject({ ts: '2025-11-22T13:01:55.775Z', category: 'video', action: 'smartDetectZone', location: 'dcb7b0d1318653f056420d16', message: 'G4 Doorbell Pro PoE has recorded a face, a person.' })
    expect(last.fields).toMatchObject({ end: 1763816549575, endUtc: '2025-11-22T13:02:29.575Z', score: 89, smartDetectTypes: ['face', 'person'] })
  })
})
