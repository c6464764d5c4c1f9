// README.txt at the top of the bag: how to check it in plain words, with commands that
// need nothing but coreutils, openssl and (optionally) jq or python3. The tests run these
// commands as written.
export interface ReadmeInput {
  exportId: string
  caseName: string
  examiner: string
  recipient: string
  purpose: string
  fingerprint: string
  tool: string
  /** Whether data/clips/ holds clips (or records of clips that could not be cut). */
  clips: boolean
  /** Whether data/stills/ holds stills. */
  stills: boolean
}

export const SIGNATURE_COMMANDS = [
  'jq -r .publicKeyPem signature.json > key.pem',
  'jq -r .signature signature.json | base64 -d > sig.bin',
  'openssl pkeyutl -verify -pubin -inkey key.pem -rawin -in tagmanifest-sha256.txt -sigfile sig.bin',
  'openssl pkey -pubin -in key.pem -outform DER | sha256sum'
] as const

export const SIGNATURE_COMMANDS_PYTHON =
  `python3 -c 'import json,base64; s=json.load(open("signature.json")); open("key.pem","w").write(s["publicKeyPem"]); open("sig.bin","wb").write(base64.b64decode(s["signature"]))'`

export const CUSTODY_CHECK_PYTHON = `python3 - <<'EOF'
import hashlib, json
prev = "0" * 64
for n, line in enumerate(open("custody.jsonl", encoding="utf-8"), 1):
    row = json.loads(line)
    stored = row.pop("hash")
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ok = row["prevHash"] == prev and hashlib.sha256(text.encode("utf-8")).hexdigest() == stored
    print("line", n, "seq", row["seq"], "ok" if ok else "BROKEN")
    prev = stored
EOF`

export function buildReadme(r: ReadmeInput): string {
  return `EVIDENCE EXPORT — HOW TO CHECK IT
=================================

Case:        ${r.caseName}
Export id:   ${r.exportId}
Examiner:    ${r.examiner}
Recipient:   ${r.recipient || '(not stated)'}
Purpose:     ${r.purpose || '(not stated)'}
Written by:  ${r.tool}

This folder is a BagIt bag (RFC 8493, version 1.0). Everything that was exported is
under data/; the files next to it describe and protect it.

  data/originals/        the original evidence files, byte for byte (safe file names;
                         the original names and paths are in the report, case.jsonld and
                         data/metadata/export.json)
  data/events/           the selected events: events.jsonl (one canonical JSON object
                         per line) and events.csv
${r.clips ? `  data/clips/            camera clips, H.264 MP4 cut by ffmpeg (they play in the report
                         and in any video player); each NNN-camera.provenance.json holds
                         the recording's SHA-256, the ffmpeg version and exact arguments,
                         the wall-clock time of the first frame, the clock offset applied
                         and the clip's own SHA-256
` : ''}${r.stills ? `  data/stills/           stills (PNG) the examiner saved of the footage, each with a
                         NNN-camera.provenance.json: the recording's SHA-256, the frame's
                         time, the ffmpeg version and exact arguments, who saved it and when
` : ''}  data/metadata/         export.json: the case, the selection, every source's time
                         decisions and every original's intake record
  data/report/index.html the report: open it in any web browser; it prints on A4 or
                         Letter and uses no network
  bagit.txt, bag-info.txt            BagIt declaration and export details
  manifest-sha256.txt, manifest-sha512.txt
                         the SHA-256 and SHA-512 of every file under data/
  tagmanifest-sha256.txt, tagmanifest-sha512.txt
                         the hashes of the files above and of case.jsonld,
                         custody.jsonl and this README
  case.jsonld            the same facts in CASE/UCO 1.x (JSON-LD)
  custody.jsonl          the case's custody log up to and including this export
  signature.json         the examiner's Ed25519 signature over tagmanifest-sha256.txt
                         (it cannot list itself, so no manifest covers it)

A note on the CSV: a cell that begins with =, +, -, @, a tab or a carriage return is
written with a leading apostrophe (') so that spreadsheet programs show it as text and
never run it as a formula. events.jsonl holds the values exactly as they were.
The CSV starts with a UTF-8 byte-order mark so spreadsheets read accents correctly.


1. Are all files present and unchanged?
---------------------------------------
In a terminal, in this folder (the one holding bagit.txt):

  sha256sum -c manifest-sha256.txt
  sha512sum -c manifest-sha512.txt
  sha256sum -c tagmanifest-sha256.txt
  sha512sum -c tagmanifest-sha512.txt

Every line must end in "OK". (macOS: use "shasum -a 256 -c" and "shasum -a 512 -c".)
Also make sure data/ holds no file that manifest-sha256.txt does not list: an added
file is not caught by sha256sum -c.


2. Was it signed by the examiner, and is it unchanged since?
------------------------------------------------------------
Copy signature.json and tagmanifest-sha256.txt into an empty folder outside the bag,
go there, and run:

  ${SIGNATURE_COMMANDS[0]}
  ${SIGNATURE_COMMANDS[1]}
  ${SIGNATURE_COMMANDS[2]}

openssl must answer "Signature Verified Successfully". Without jq, the first two
lines can be replaced by:

  ${SIGNATURE_COMMANDS_PYTHON}

Then check that the key is the examiner's: this prints the key's fingerprint,

  ${SIGNATURE_COMMANDS[3]}

which must equal the fingerprint the examiner gave you separately (by phone, letter
or in person). This export names:

  ${r.fingerprint}

Because tagmanifest-sha256.txt holds the hashes of manifest-sha256.txt and
manifest-sha512.txt, a valid signature covers every file in the bag.


3. Is the custody log intact?
-----------------------------
Each line of custody.jsonl is one custody entry. Its "hash" is the SHA-256 of the
entry's JSON without "hash", keys sorted, no spaces (canonical JSON), and its
"prevHash" is the hash of the line before (64 zeros for the first). This recomputes
the chain:

${CUSTODY_CHECK_PYTHON}


4. All of it at once
--------------------
With Incident Workbench installed:

  iwb verify <this folder>        or        iwb verify <the .zip>

It checks every point above (files missing, extra or listed twice, Payload-Oxum, every
SHA-256 and SHA-512, the tag manifests, the signature, the custody chain, that every
original's hash is stated in case.jsonld, and that the source recording of every clip
and still is in the bag or named as withheld), names every problem it finds, and exits
with status 0 only when all of it holds.

The report (data/report/index.html) can also re-check the SHA-256 of every file in the
browser: open it, choose this folder, press "Check hashes".
`
}
