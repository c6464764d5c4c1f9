// The rendered text of a Security event, as Event Viewer's CSV export (and the General
// tab) shows it: a summary line, then "Section:" headings with "\tLabel:\t\tvalue" lines.
// The CSV export has no EventData, so the labels of the common events are mapped back to
// the EventData names Microsoft documents, letting eventSemantics.ts read both alike.
// Only English message text is mapped; other languages keep the full message only.

export interface RenderedPair {
  section: string
  label: string
  value: string
}

export function parseRenderedMessage(message: string): { summary: string; pairs: RenderedPair[] } {
  const lines = message.split(/\r?\n/)
  const summary = lines.find((l) => l.trim() !== '')?.trim() ?? ''
  const pairs: RenderedPair[] = []
  let section = ''
  for (const line of lines) {
    if (line.trim() === '') continue
    const heading = /^([^\t:][^:]*):\s*$/.exec(line)
    if (heading) {
      section = heading[1]!.trim()
      continue
    }
    const kv = /^\s*([^:\t][^:\t]*?):\t+\s*(.*)$/.exec(line) ?? /^\s*([A-Za-z][A-Za-z \-()]*?):\s+(.*)$/.exec(line)
    if (kv && line !== summary) pairs.push({ section, label: kv[1]!.trim(), value: kv[2]!.trim() })
  }
  return { summary, pairs }
}

const SUBJECT = { 'Security ID': 'SubjectUserSid', 'Account Name': 'SubjectUserName', 'Account Domain': 'SubjectDomainName', 'Domain Name': 'SubjectDomainName', 'Logon ID': 'SubjectLogonId' }
const TARGET = { 'Security ID': 'TargetUserSid', 'Account Name': 'TargetUserName', 'Account Domain': 'TargetDomainName', 'Logon ID': 'TargetLogonId' }

/** Section → label → EventData name. "" is the top level (no heading). */
const BY_SECTION: Record<string, Record<string, string>> = {
  Subject: SUBJECT,
  'Creator Subject': SUBJECT,
  'New Logon': TARGET,
  'Target Subject': TARGET,
  'Account For Which Logon Failed': TARGET,
  'Account Whose Credentials Were Used': { 'Account Name': 'TargetUserName', 'Account Domain': 'TargetDomainName', 'Logon GUID': 'TargetLogonGuid' },
  'Account Information': { 'Account Name': 'TargetUserName', 'Supplied Realm Name': 'TargetDomainName', 'Account Domain': 'TargetDomainName', 'User ID': 'TargetSid', 'Security ID': 'TargetSid' },
  'Network Information': {
    'Source Network Address': 'IpAddress',
    'Client Address': 'IpAddress',
    'Network Address': 'IpAddress',
    'Source Port': 'IpPort',
    'Client Port': 'IpPort',
    Port: 'IpPort',
    'Workstation Name': 'WorkstationName'
  },
  'Logon Information': { 'Logon Type': 'LogonType' },
  'Failure Information': { 'Failure Reason': 'FailureReason', Status: 'Status', 'Sub Status': 'SubStatus' },
  'Additional Information': { 'Result Code': 'Status', 'Failure Code': 'Status', 'Ticket Options': 'TicketOptions', 'Pre-Authentication Type': 'PreAuthType' },
  'Service Information': { 'Service Name': 'ServiceName', 'Service ID': 'ServiceSid', 'Service File Name': 'ServiceFileName', 'Service Type': 'ServiceType', 'Service Start Type': 'ServiceStartType', 'Service Account': 'ServiceAccount' },
  'Process Information': {
    'New Process Name': 'NewProcessName',
    'New Process ID': 'NewProcessId',
    'Process Command Line': 'CommandLine',
    'Creator Process Name': 'ParentProcessName',
    'Creator Process ID': 'ProcessId',
    'Process Name': 'ProcessName',
    'Process ID': 'ProcessId'
  },
  'Target Server': { 'Target Server Name': 'TargetServerName', 'Additional Information': 'TargetInfo' },
  'Detailed Authentication Information': { 'Logon Process': 'LogonProcessName', 'Authentication Package': 'AuthenticationPackageName' },
  '': {
    'Logon Type': 'LogonType',
    'Logon Account': 'TargetUserName',
    'Source Workstation': 'Workstation',
    'Error Code': 'Status',
    'Authentication Package': 'PackageName',
    'Service Name': 'ServiceName',
    'Service File Name': 'ImagePath',
    'Service Type': 'ServiceType',
    'Service Start Type': 'StartType',
    'Service Account': 'AccountName'
  }
}

/** EventData-style names from the rendered text of one event. */
export function eventDataFromMessage(eventId: number | null, message: string): Record<string, string> {
  const data: Record<string, string> = {}
  for (const p of parseRenderedMessage(message).pairs) {
    const name = (BY_SECTION[p.section] ?? {})[p.label] ?? (BY_SECTION[''] ?? {})[p.label]
    if (name && !(name in data)) data[name] = p.value
  }
  // 4634/4647 show the account that logged off under "Subject", but its EventData names it Target.
  if ((eventId === 4634 || eventId === 4647) && !data.TargetUserName) {
    for (const [label, target] of Object.entries(TARGET)) {
      const subject = SUBJECT[label as keyof typeof SUBJECT]
      if (data[subject] !== undefined) data[target] = data[subject]!
    }
  }
  return data
}
