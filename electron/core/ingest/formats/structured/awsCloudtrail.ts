// AWS CloudTrail: the S3 delivery format ({"Records":[…]}, one document per file, often a
// single line) or one record per line as SIEMs re-export it. `eventTime` is always UTC
// with Z and whole seconds. A console sign-in failure carries no errorCode: it is told by
// responseElements.ConsoleLogin = "Failure".
import type { Importer, ParsedEvent, SniffInput } from '../../types'
import { jsonRecordOutputs } from './jsonRecords'
import { parseIsoInstant } from './stamps'
import { firstChar, firstStr, ipOrNull, jsonKeys, obj, rest, str, type JsonObject } from './values'

function actorOf(identity: JsonObject | null): { actor: string | null; actorId: string | null } {
  if (!identity) return { actor: null, actorId: null }
  const issuer = obj(obj(identity.sessionContext)?.sessionIssuer)
  // Redacted exports write placeholders like "<arn>": keep them, they are what the file says.
  const actor = firstStr(identity.userName, issuer?.userName, identity.arn, identity.principalId, identity.invokedBy, identity.type)
  const actorId = firstStr(identity.arn, identity.principalId, identity.accessKeyId)
  return { actor, actorId }
}

export function cloudTrailEvent(r: JsonObject): ParsedEvent[] | string {
  const rawTime = str(r.eventTime)
  if (rawTime === null) return 'no eventTime'
  const time = parseIsoInstant(rawTime)
  if (!time) return `eventTime "${rawTime}" is not an ISO instant`
  const source = str(r.eventSource) ?? 'unknown'
  const name = str(r.eventName) ?? 'unknown'
  const identity = obj(r.userIdentity)
  const { actor, actorId } = actorOf(identity)
  const errorCode = str(r.errorCode)
  const consoleResult = str(obj(r.responseElements)?.ConsoleLogin)
  const outcome = errorCode !== null || consoleResult === 'Failure' ? 'failure' : 'success'
  // sourceIPAddress holds a service name ("ec2.amazonaws.com") when AWS acted for the caller.
  const srcIp = ipOrNull(r.sourceIPAddress)
  const via = srcIp ?? str(r.sourceIPAddress)
  const failure = errorCode ?? (consoleResult === 'Failure' ? str(r.errorMessage) ?? 'Failure' : null)
  return [
    {
      time,
      rawTime,
      category: source === 'signin.amazonaws.com' ? 'auth' : 'cloud',
      action: `${source}:${name}`,
      outcome,
      actor,
      actorId,
      srcIp,
      location: str(r.awsRegion),
      message: `${name} by ${actor ?? 'unknown identity'}${via ? ` from ${via}` : ''}${failure ? ` failed: ${failure}` : ''}`,
      fields: rest(r, ['eventTime', 'awsRegion', ...(srcIp ? ['sourceIPAddress'] : [])])
    }
  ]
}

export const awsCloudtrail: Importer = {
  id: 'aws-cloudtrail',
  name: 'AWS CloudTrail',
  description: 'CloudTrail records as delivered to S3 ({"Records":[…]}) or as JSON lines; eventTime is UTC.',
  sniff(input: SniffInput): number {
    const c = firstChar(input.text)
    if (c !== '{' && c !== '[') return 0
    const keys = jsonKeys(input.text)
    if (!keys.has('eventTime') || !keys.has('eventSource') || !keys.has('eventName')) return 0
    return keys.has('awsRegion') || keys.has('userIdentity') || keys.has('eventVersion') ? 0.95 : 0.6
  },
  readRecords(path, ctx) {
    ctx.note('eventTime read as UTC (ISO 8601 with Z)')
    return jsonRecordOutputs(path, ctx, cloudTrailEvent, ['Records'])
  }
}
