// The small pieces the rules lean on: local wall-clock time per site zone (across DST),
// private addresses, great-circle distance, bursts, and rule settings defaults.
import { describe, expect, it } from 'vitest'
import { RuleSettings } from '../../../shared/contracts/correlation'
import { LocalClock, bursts, haversineKm, isPrivateIp } from '../../../electron/core/correlation/rules/common'

const us = (iso: string): number => Date.parse(iso) * 1000

describe('rule helpers', () => {
  it('reads local time in a site zone on both sides of a DST change', () => {
    const c = new LocalClock()
    // Chicago: CST (-6) until 10 March 2024 02:00, CDT (-5) after.
    expect(c.parts(us('2024-03-09T13:30:00Z'), 'America/Chicago')).toEqual({ minuteOfDay: 7 * 60 + 30, isoWeekday: 6, date: '2024-03-09' })
    expect(c.parts(us('2024-03-11T13:30:00Z'), 'America/Chicago')).toEqual({ minuteOfDay: 8 * 60 + 30, isoWeekday: 1, date: '2024-03-11' })
    expect(c.parts(us('2024-03-04T23:30:00Z'), 'Asia/Kolkata')).toMatchObject({ minuteOfDay: 5 * 60, date: '2024-03-05' })
  })
  it('tells private from public addresses', () => {
    for (const ip of ['10.1.2.3', '192.168.0.1', '172.16.5.5', '172.31.255.1', '127.0.0.1', 'fd00::1', 'fe80::1', null]) expect(isPrivateIp(ip)).toBe(true)
    for (const ip of ['203.0.113.5', '172.32.0.1', '8.8.8.8', '2001:db8::1']) expect(isPrivateIp(ip)).toBe(false)
  })
  it('measures London → Edinburgh', () => {
    expect(Math.round(haversineKm(51.5074, -0.1278, 55.9533, -3.1883))).toBe(534)
  })
  it('splits bursts by gap', () => {
    expect(bursts([{ ts: 0 }, { ts: 5 }, { ts: 20 }, { ts: 22 }], 10).map((b) => b.length)).toEqual([2, 2])
  })
  it('fills settings defaults and refuses bad ones', () => {
    const s = RuleSettings.parse({})
    expect(s).toMatchObject({ deniedThreshold: 3, deniedWindowMinutes: 10, maxSpeedKmh: 900, defaultSite: { workStart: '07:00', workEnd: '19:00', workDays: [1, 2, 3, 4, 5] } })
    expect(RuleSettings.safeParse({ sites: { HQ: { workStart: '25:00' } } }).success).toBe(false)
    expect(RuleSettings.safeParse({ deniedThreshold: 1 }).success).toBe(false)
    expect(RuleSettings.safeParse({ enabled: { tailgating: false } }).success).toBe(true)
  })
})
