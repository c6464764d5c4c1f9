import { describe, expect, it } from 'vitest'
import { detect, importSample, sample } from '../../helpers/importSample'

const FILE = sample('badge/vast2016_proxOut-MC2.csv')

describe('VAST 2016 proximity readings (real sample)', () => {
  it('is detected from its header', async () => {
    expect(await detect(FILE)).toEqual({ id: 'badge-vast-prox', confidence: 0.95 })
  })

  it('imports every reading with local times resolved in the chosen zone', async () => {
    const r = await importSample('badge-vast-prox', FILE, { timeZone: 'America/New_York' })
    // 29,764 lines: the header and 29,763 readings (counted with awk, every one well-formed).
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(29_763)
    expect(r.decisions.stampsInSourceZone).toBe(29_763)

    const first = r.events[0]!
    // 2016-05-31 00:05 EDT (UTC-4) → 04:05Z
    expect(first).toMatchObject({
      ts: '2016-05-31T04:05:00.000Z',
      rawTime: '2016-05-31 00:05',
      category: 'access',
      action: 'other',
      outcome: 'unknown',
      actorId: 'vawelon001',
      location: 'floor 1 / zone 1',
      lineNo: 2,
      offset: 39,
      length: 44
    })
    expect(first.fields).toMatchObject({ readingType: 'fixed-prox', floor: '1', zone: '1', cardNumber: 'vawelon001' })
    expect(first.flags.zoneAssumed).toBe(true)

    // Line 537: the zone column holds a name, after a comma and a space.
    const serverRoom = r.events.find((e) => e.lineNo === 537)!
    expect(serverRoom).toMatchObject({ ts: '2016-05-31T12:15:00.000Z', actorId: 'clais001', location: 'floor 3 / zone Server Room' })

    // Line 14,883 (the middle of the file): 2016-06-06 23:51 EDT → 2016-06-07 03:51Z.
    const middle = r.events.find((e) => e.lineNo === 14_883)!
    expect(middle).toMatchObject({ ts: '2016-06-07T03:51:00.000Z', actorId: 'pbueno001', location: 'floor 1 / zone 4' })

    // The last line: 2016-06-13 23:59 EDT → 2016-06-14 03:59Z.
    const last = r.events[r.events.length - 1]!
    expect(last).toMatchObject({ ts: '2016-06-14T03:59:00.000Z', actorId: 'tquiroz002', location: 'floor 1 / zone 1', lineNo: 29_764 })
  })
})
