// Every real sample in ../shared/samples is detected as its own format by the whole set of
// importers together (each importer's own tests assert the counts and UTC times).
import { describe, expect, it } from 'vitest'
import { detect, sample } from '../../helpers/importSample'

const expected: [string, string][] = [
  ['badge/vast2016_proxOut-MC2.csv', 'badge-vast-prox'],
  ['cloud/crowdsec_aws-cloudtrail-postexploit.jsonl', 'aws-cloudtrail'],
  ['cloud/crowdsec_aws-cloudtrail.jsonl', 'aws-cloudtrail'],
  ['cloud/entra_signin_azure_monitor.jsonl', 'entra-signin'],
  ['cloud/okta_login.json', 'okta-system-log'],
  ['firewall/crowdsec_iptables-logs.log', 'iptables'],
  ['firewall/crowdsec_palo-alto-threat.log', 'panos'],
  ['firewall/crowdsec_pfsense-rfc5424-filterlog.log', 'pfsense-filterlog'],
  ['firewall/crowdsec_unifi-cef.log', 'cef'],
  ['network/crowdsec_suricata-eve.jsonl', 'suricata-eve'],
  ['network/trickbot2018_zeek_conn.log', 'zeek-tsv'],
  ['network/trickbot2018_zeek_dhcp.log', 'zeek-tsv'],
  ['network/zeek_conn_tsv.log', 'zeek-tsv'],
  ['other/Apache_2k_error.log', 'web-error'],
  ['other/crowdsec_nginx_http-logs.log', 'web-access'],
  ['other/web_attack_and_isp_webshell_localhost_access_log.txt', 'web-access'],
  ['syslog/Linux_2k.log', 'syslog-rfc3164'],
  ['syslog/cyberark_leef_logon.log', 'leef'],
  ['video/uiprotect_sample_raw_events.json', 'unifi-protect-events'],
  ['windows/CA_4624_4625_LogonType2_LogonProc_chrome.evtx', 'evtx'],
  ['windows/LM_Remote_Service02_7045.evtx', 'evtx'],
  ['windows/Windows_CBS_2k.log', 'windows-cbs'],
  ['windows/crowdsec_windows-eventviewer-xml.log', 'windows-event-xml'],
  ['windows/elastic_microsoft_dhcp_test-log.log', 'windows-dhcp'],
  ['windows/kerberos_pwd_spray_4771.evtx', 'evtx']
]

describe('format detection over every shared sample', () => {
  it.each(expected)('%s is detected as %s', async (file, id) => {
    const d = await detect(sample(file))
    expect(d.id).toBe(id)
    expect(d.confidence).toBeGreaterThanOrEqual(0.5)
  })

  it('claims no format for the Hikvision SD-card archive (it is expanded, not parsed)', async () => {
    const d = await detect(sample('video/hikvision_sdcard_index_exampleV2.zip'))
    expect(d.confidence).toBeLessThan(0.3)
  })
})
