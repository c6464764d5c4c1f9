// Cloud audit importers (CloudTrail, Entra ID sign-ins, Okta) on the real samples and on
// fixtures written here in the shapes the real exports take. Expected times were read
// from the files with jq/sed and converted by hand.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { detect, importSample, sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-structured-cloud-')
afterAll(() => tmp.cleanup())
function fixture(name: string, text: string | Buffer): string {
  const p = join(tmp.path, name)
  writeFileSync(p, text)
  return p
}

describe('aws-cloudtrail', () => {
  const LOGIN = sample('cloud/crowdsec_aws-cloudtrail.jsonl')
  const POST = sample('cloud/crowdsec_aws-cloudtrail-postexploit.jsonl')

  it('is detected on both samples', async () => {
    expect(await detect(LOGIN)).toEqual({ id: 'aws-cloudtrail', confidence: 0.95 })
    expect(await detect(POST)).toEqual({ id: 'aws-cloudtrail', confidence: 0.95 })
  })

  it('reads the console-login sample: a failed sign-in without errorCode, then an assumed-role call', async () => {
    const r = await importSample('aws-cloudtrail', LOGIN)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2)
    // Line 1: "eventTime":"2023-04-11T15:24:00Z"; failure only in responseElements.ConsoleLogin.
    expect(r.events[0]).toMatchObject({
      ts: '2023-04-11T15:24:00.000Z',
      rawTime: '2023-04-11T15:24:00Z',
      category: 'auth',
      action: 'signin.amazonaws.com:ConsoleLogin',
      outcome: 'failure',
      actor: '<userName>',
      actorId: '<principalId>',
      srcIp: '1.2.3.4',
      location: 'us-east-1',
      recordNo: 1,
      offset: 0,
      length: 874
    })
    // Line 2 starts after line 1's 874 bytes and its LF. The role session's issuer names the actor.
    expect(r.events[1]).toMatchObject({
      ts: '2023-03-29T14:39:10.000Z',
      category: 'cloud',
      action: 'sts.amazonaws.com:GetCallerIdentity',
      outcome: 'success',
      actor: '<username>',
      actorId: '<arn>',
      location: 'es-east-1',
      recordNo: 2,
      offset: 875
    })
    expect(r.decisions.stampsWithZone).toBe(2)
    expect(r.notes).toContain('read as JSON lines (one record per line)')
  })

  it('marks the AccessDenied calls of the post-exploitation sample as failures', async () => {
    const r = await importSample('aws-cloudtrail', POST)
    expect(r.bad).toEqual([])
    expect(r.events.map((e) => [e.ts, e.action, e.outcome])).toEqual([
      ['2023-04-12T11:55:16.000Z', 'secretsmanager.amazonaws.com:ListSecrets', 'failure'],
      ['2023-04-12T14:53:45.000Z', 's3.amazonaws.com:ListBuckets', 'failure'],
      ['2023-04-12T14:53:56.000Z', 'lambda.amazonaws.com:ListFunctions20150331', 'failure'],
      ['2023-04-12T11:56:49.000Z', 'sts.amazonaws.com:GetCallerIdentity', 'success']
    ])
    expect(r.events[1]!.fields).toMatchObject({ errorCode: 'AccessDenied', eventName: 'ListBuckets' })
    expect(r.events[1]!.message).toContain('AccessDenied')
  })

  it('streams the S3 delivery shape {"Records":[…]} and keeps a service caller out of srcIp', async () => {
    const p = fixture(
      'cloudtrail-s3.json',
      JSON.stringify(
        {
          Records: [
            {
              eventVersion: '1.08',
              userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLE:i-0abc', arn: 'arn:aws:sts::111122223333:assumed-role/ec2-role/i-0abc', sessionContext: { sessionIssuer: { type: 'Role', userName: 'ec2-role' } } },
              eventTime: '2024-05-01T09:15:30Z',
              eventSource: 'ec2.amazonaws.com',
              eventName: 'DescribeInstances',
              awsRegion: 'eu-central-1',
              sourceIPAddress: 'ec2.amazonaws.com'
            },
            { eventVersion: '1.08', userIdentity: { type: 'Root', arn: 'arn:aws:iam::111122223333:root' }, eventTime: '2024-05-01T09:16:00Z', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: 'us-east-1', sourceIPAddress: '198.51.100.9', responseElements: { ConsoleLogin: 'Success' } },
            { eventVersion: '1.08', eventSource: 's3.amazonaws.com', eventName: 'GetObject' }
          ]
        },
        null,
        2
      )
    )
    expect((await detect(p)).id).toBe('aws-cloudtrail')
    const r = await importSample('aws-cloudtrail', p)
    expect(r.events).toHaveLength(2)
    expect(r.events[0]).toMatchObject({ ts: '2024-05-01T09:15:30.000Z', actor: 'ec2-role', srcIp: null, category: 'cloud' })
    expect(r.events[0]!.fields).toMatchObject({ sourceIPAddress: 'ec2.amazonaws.com' })
    expect(r.events[1]).toMatchObject({ ts: '2024-05-01T09:16:00.000Z', category: 'auth', outcome: 'success', actor: 'arn:aws:iam::111122223333:root', srcIp: '198.51.100.9' })
    expect(r.bad).toHaveLength(1)
    // Pretty-printed: each record carries the line of its opening brace.
    const json = readFileSync(p, 'utf8')
    const lineOf = (needle: string): number => json.slice(0, json.lastIndexOf('\n    {', json.indexOf(needle)) + 1).split('\n').length
    expect(r.events.map((e) => e.lineNo)).toEqual([lineOf('"DescribeInstances"'), lineOf('"ConsoleLogin"')])
    expect(r.bad[0]).toMatchObject({ recordNo: 3, lineNo: lineOf('"GetObject"') })
    expect(r.bad[0]!.reason).toMatch(/^record 3: no eventTime/)
    expect(r.bad[0]!.excerpt).toBe('{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject"}')
    expect(r.notes).toContain('read as a JSON document wrapping an array of records')
  })

  it('numbers a malformed JSON line and goes on with the next', async () => {
    const good = (s: number) => `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:0${s}Z","eventSource":"iam.amazonaws.com","eventName":"ListUsers","awsRegion":"us-east-1"}`
    const p = fixture('ct-broken.jsonl', `${good(1)}\n{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:02Z",\n${good(3)}\n`)
    const r = await importSample('aws-cloudtrail', p)
    expect(r.events.map((e) => e.ts)).toEqual(['2024-05-01T10:00:01.000Z', '2024-05-01T10:00:03.000Z'])
    expect(r.bad).toHaveLength(1)
    expect(r.bad[0]).toMatchObject({ recordNo: 2, lineNo: 2 })
    expect(r.bad[0]!.reason).toBe('the JSON value is not closed before the line ends')
    expect(r.events.map((e) => [e.recordNo, e.lineNo])).toEqual([[1, 1], [3, 3]])
  })
})

describe('entra-signin', () => {
  const MONITOR = sample('cloud/entra_signin_azure_monitor.jsonl')

  it('reads the Azure Monitor record: createdDateTime to the microsecond, failure from errorCode', async () => {
    expect(await detect(MONITOR)).toEqual({ id: 'entra-signin', confidence: 0.95 })
    const r = await importSample('entra-signin', MONITOR)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(1)
    // properties.createdDateTime "2022-03-30T14:52:21.7062186+00:00": 7 digits, the 100 ns digit dropped.
    expect(r.events[0]).toMatchObject({
      ts: '2022-03-30T14:52:21.706218Z',
      rawTime: '2022-03-30T14:52:21.7062186+00:00',
      category: 'auth',
      action: 'sign-in',
      outcome: 'failure',
      actor: 'ANONYMIZED',
      actorId: 'user1',
      srcIp: '1.2.3.4',
      location: 'Bordeaux, Gironde, FR',
      recordNo: 1,
      offset: 0
    })
    expect(r.events[0]!.message).toContain('50158')
    expect(r.events[0]!.fields).toMatchObject({ userDisplayName: 'User Name', appDisplayName: 'Office365 Shell WCSS-Client', status: { errorCode: 50158 } })
    expect((r.events[0]!.fields!.azureMonitor as Record<string, unknown>).category).toBe('SignInLogs')
  })

  it('reads the Graph download {"value":[…]} and keeps 7-digit fractions to the microsecond', async () => {
    const p = fixture(
      'graph-signins.json',
      JSON.stringify({
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns',
        value: [
          { id: 'a1', createdDateTime: '2024-01-05T10:11:12.1234567Z', userDisplayName: 'Alice Martin', userPrincipalName: 'alice@contoso.com', userId: 'u-1', appDisplayName: 'Azure Portal', ipAddress: '203.0.113.45', clientAppUsed: 'Browser', conditionalAccessStatus: 'notApplied', status: { errorCode: 0, failureReason: 'Other.' }, location: { city: 'Lyon', state: 'Auvergne-Rhone-Alpes', countryOrRegion: 'FR' }, deviceDetail: { displayName: 'LAPTOP-ALICE' } },
          { id: 'a2', createdDateTime: '2024-01-05T10:15:00Z', userDisplayName: 'Bob', userPrincipalName: 'bob@contoso.com', appDisplayName: 'Office 365 Exchange Online', ipAddress: '198.51.100.77', status: { errorCode: 50126, failureReason: 'Error validating credentials due to invalid username or password.' }, location: { city: 'Moscow', countryOrRegion: 'RU' } }
        ],
        '@odata.nextLink': 'https://graph.microsoft.com/v1.0/auditLogs/signIns?$skiptoken=x'
      })
    )
    expect(await detect(p)).toEqual({ id: 'entra-signin', confidence: 0.9 })
    const r = await importSample('entra-signin', p)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(2)
    expect(r.events[0]).toMatchObject({ ts: '2024-01-05T10:11:12.123456Z', outcome: 'success', actor: 'alice@contoso.com', actorId: 'u-1', host: 'LAPTOP-ALICE', location: 'Lyon, Auvergne-Rhone-Alpes, FR' })
    expect(r.events[1]).toMatchObject({ ts: '2024-01-05T10:15:00.000Z', outcome: 'failure', actor: 'bob@contoso.com', srcIp: '198.51.100.77', location: 'Moscow, RU' })
  })

  it('reads the portal CSV download, quoted fields and all, and numbers the rows it cannot read', async () => {
    // The header of the portal's InteractiveSignIns CSV (it repeats "Incoming token type"
    // and has "Application ID " with a trailing space).
    const header = [
      'Date (UTC)', 'Request ID', 'User agent', 'Correlation ID', 'User ID', 'User', 'Username', 'User type', 'Cross tenant access type',
      'Incoming token type', 'Authentication Protocol', 'Unique token identifier', 'Client credential type', 'Service principal ID',
      'Service principal name', 'Application', 'Application ID ', 'Resource', 'Resource ID ', 'Resource tenant ID', 'Home tenant ID',
      'Home tenant name', 'IP address', 'Location', 'Status', 'Sign-in error code', 'Failure reason', 'Client app', 'Device ID', 'Browser',
      'Operating System', 'Compliant', 'Managed', 'Join Type', 'Multifactor authentication result', 'Multifactor authentication auth method',
      'Multifactor authentication auth detail', 'Authentication requirement', 'Sign-in identifier', 'Session ID', 'IP address (seen by resource)',
      'Through Global Secure Access', 'Global Secure Access IP address', 'Autonomous system  number', 'Flagged for review', 'Token issuer type',
      'Incoming token type', 'Token issuer name', 'Latency', 'Conditional Access', 'Managed Identity type', 'Associated Resource Id',
      'Federated Token Id', 'Federated Token Issuer'
    ]
    const row = (v: Record<string, string>): string =>
      header.map((h) => {
        const cell = v[h.trim()] ?? ''
        return /[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell
      }).join(',')
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 "quoted", tail'
    const csv = [
      header.join(','),
      row({ 'Date (UTC)': '2024-02-14T08:03:11Z', 'Request ID': 'r-1', 'User agent': ua, 'User ID': 'u-1', User: 'Alice Martin', Username: 'alice@contoso.com', Application: 'Office 365 Exchange Online', 'IP address': '203.0.113.45', Location: 'Lyon, Auvergne-Rhone-Alpes, FR', Status: 'Success', 'Sign-in error code': '0', 'Client app': 'Browser' }),
      row({ 'Date (UTC)': '2024-02-14T08:05:42Z', 'Request ID': 'r-2', 'User ID': 'u-2', User: 'Bob Stone', Username: 'bob@contoso.com', Application: 'Azure Portal', 'IP address': '198.51.100.77', Location: 'Moscow, Moscow, RU', Status: 'Failure', 'Sign-in error code': '50126', 'Failure reason': 'Error validating credentials due to invalid username or password.' }),
      row({ 'Date (UTC)': '2024-02-14T08:06:00Z', 'Request ID': 'r-3', Username: 'bob@contoso.com', 'IP address': '198.51.100.77', Status: 'Interrupted', 'Sign-in error code': '50074', 'Failure reason': 'Strong Authentication is required.' }),
      row({ 'Date (UTC)': '14/02/2024 08:10:00', 'Request ID': 'r-4', Username: 'carol@contoso.com', Status: 'Success', 'Sign-in error code': '0' }),
      '2024-02-14T08:11:00Z,r-5,short row',
      row({ 'Date (UTC)': '2024-02-14 08:12:13', 'Request ID': 'r-6', Username: 'dave@contoso.com', 'IP address': '2001:db8::7', Status: 'Success', 'Sign-in error code': '0' })
    ].join('\r\n')
    const p = fixture('InteractiveSignIns_2024-02-14_2024-02-15.csv', `\uFEFF${csv}\r\n`)
    expect(await detect(p)).toEqual({ id: 'entra-signin', confidence: 0.95 })
    const r = await importSample('entra-signin', p, { timeZone: 'Asia/Tokyo' })
    expect(r.events.map((e) => [e.ts, e.outcome, e.actor])).toEqual([
      ['2024-02-14T08:03:11.000Z', 'success', 'alice@contoso.com'],
      ['2024-02-14T08:05:42.000Z', 'failure', 'bob@contoso.com'],
      ['2024-02-14T08:06:00.000Z', 'failure', 'bob@contoso.com'],
      // No Z, but the column says UTC: not shifted by the Tokyo source zone.
      ['2024-02-14T08:12:13.000Z', 'success', 'dave@contoso.com']
    ])
    expect(r.events[0]).toMatchObject({ actorId: 'u-1', srcIp: '203.0.113.45', location: 'Lyon, Auvergne-Rhone-Alpes, FR', category: 'auth', lineNo: 2, recordNo: 1 })
    expect(r.events[0]!.fields).toMatchObject({ 'User agent': ua, Application: 'Office 365 Exchange Online', Status: 'Success' })
    expect(r.events[1]!.message).toContain('50126')
    expect(r.events[3]!.srcIp).toBe('2001:db8::7')
    expect(r.bad.map((b) => [b.lineNo, b.reason])).toEqual([
      [5, expect.stringMatching(/^date "14\/02\/2024 08:10:00" is not ISO 8601/)],
      [6, `3 fields, the header has ${header.length}`]
    ])
    expect(r.bad[1]!.excerpt).toBe('2024-02-14T08:11:00Z,r-5,short row')
    expect(r.notes).toContain('read as the Entra portal CSV download')
  })

  it('leaves Entra audit logs and CloudTrail alone', async () => {
    const audit = fixture('audit.json', JSON.stringify([{ id: 'x', category: 'UserManagement', activityDateTime: '2024-01-01T00:00:00Z', activityDisplayName: 'Add user' }]))
    expect((await detect(audit)).id).not.toBe('entra-signin')
    expect((await detect(sample('cloud/crowdsec_aws-cloudtrail.jsonl'))).id).toBe('aws-cloudtrail')
  })
})

describe('okta-system-log', () => {
  const OKTA = sample('cloud/okta_login.json')

  it('reads the API array sample', async () => {
    expect(await detect(OKTA)).toEqual({ id: 'okta-system-log', confidence: 0.95 })
    const r = await importSample('okta-system-log', OKTA)
    expect(r.bad).toEqual([])
    expect(r.events).toHaveLength(1)
    // "published": "2017-09-30T22:23:07.777Z"; the object starts after "[\n  " (4 bytes).
    expect(r.events[0]).toMatchObject({
      ts: '2017-09-30T22:23:07.777Z',
      category: 'auth',
      action: 'user.session.start',
      outcome: 'success',
      actor: 'admin@example.com',
      actorId: 'REDACTED',
      srcIp: '1.2.3.4',
      recordNo: 1,
      offset: 4
    })
    expect(r.events[0]!.message).toContain('User login to Okta')
    expect(r.events[0]!.fields).toMatchObject({ legacyEventType: 'core.user_auth.login_success', actor: { displayName: 'John Doe' } })
  })

  it('reads JSON lines with failures and geography, and reports a truncated array', async () => {
    const ev = (published: string, result: string, type = 'user.session.start') =>
      JSON.stringify({ uuid: published, published, eventType: type, displayMessage: 'User login to Okta', actor: { id: '00u1', type: 'User', alternateId: 'eve@example.com', displayName: 'Eve' }, client: { ipAddress: '203.0.113.9', geographicalContext: { city: 'Kyiv', state: 'Kyiv City', country: 'Ukraine' } }, outcome: { result, reason: result === 'FAILURE' ? 'INVALID_CREDENTIALS' : null }, legacyEventType: 'core.user_auth.login_failed' })
    const lines = fixture('okta.jsonl', `${ev('2024-03-01T12:00:00.001Z', 'FAILURE')}\n${ev('2024-03-01T12:00:05.250Z', 'SUCCESS', 'group.user_membership.add')}\n`)
    expect((await detect(lines)).id).toBe('okta-system-log')
    const r = await importSample('okta-system-log', lines)
    expect(r.events.map((e) => [e.ts, e.outcome, e.category])).toEqual([
      ['2024-03-01T12:00:00.001Z', 'failure', 'auth'],
      ['2024-03-01T12:00:05.250Z', 'success', 'cloud']
    ])
    expect(r.events[0]).toMatchObject({ location: 'Kyiv, Kyiv City, Ukraine', actor: 'eve@example.com' })
    expect(r.events[0]!.message).toContain('INVALID_CREDENTIALS')

    const cut = fixture('okta-cut.json', `[${ev('2024-03-01T12:00:00.001Z', 'FAILURE')},\n${ev('2024-03-01T12:00:05.250Z', 'SUCCESS').slice(0, 60)}`)
    const t = await importSample('okta-system-log', cut)
    expect(t.events).toHaveLength(1)
    expect(t.bad).toHaveLength(1)
    expect(t.bad[0]).toMatchObject({ recordNo: 2, lineNo: 2 })
    expect(t.bad[0]!.reason).toMatch(/^record 2 is cut off.*truncated/)
  })
})
