// The examiner's Ed25519 signing key: created on first use, kept outside every case in
// <configDir>/keys/ (folder 0700, private key 0600), so a case folder handed on carries
// no secret. A bundle names the public key and its fingerprint (SHA-256 of the SPKI DER),
// which the recipient compares with the one the examiner gave them out of band.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { configDir } from '../settings/configDir'
import { safeFileName } from './bagPaths'

export interface ExaminerKey {
  examiner: string
  privateKey: KeyObject
  publicKeyPem: string
  /** Lowercase hex SHA-256 of the public key's DER (SubjectPublicKeyInfo). */
  fingerprint: string
  privateKeyPath: string
  created: boolean
}

export function defaultKeysDir(): string {
  return join(configDir(), 'keys')
}

export function keyFileStem(examiner: string): string {
  // The hash keeps two examiners whose names reduce to the same safe text apart.
  return `${safeFileName(examiner, 40)}-${createHash('sha256').update(examiner, 'utf8').digest('hex').slice(0, 12)}`
}

export function publicKeyFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex')
}

/** Loads the examiner's key pair, creating it on first use. */
export function examinerKey(examiner: string, keysDir: string = defaultKeysDir()): ExaminerKey {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 })
  chmodSync(keysDir, 0o700)
  const stem = keyFileStem(examiner)
  const privateKeyPath = join(keysDir, `${stem}.ed25519.key.pem`)
  const publicKeyPath = join(keysDir, `${stem}.ed25519.pub.pem`)
  let created = false
  let pem: string
  try {
    pem = readFileSync(privateKeyPath, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    const pair = generateKeyPairSync('ed25519')
    pem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    try {
      // 'wx': two exports starting at once must not overwrite each other's new key.
      writeFileSync(privateKeyPath, pem, { mode: 0o600, flag: 'wx' })
      created = true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      pem = readFileSync(privateKeyPath, 'utf8')
    }
  }
  // A umask or a copy may have widened it; a signing key stays private to its owner.
  if ((statSync(privateKeyPath).mode & 0o077) !== 0) chmodSync(privateKeyPath, 0o600)
  const privateKey = createPrivateKey(pem)
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${privateKeyPath} is not an Ed25519 private key.`)
  const publicKey = createPublicKey(privateKey)
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  writeFileSync(publicKeyPath, publicKeyPem, { mode: 0o644 })
  return { examiner, privateKey, publicKeyPem, fingerprint: publicKeyFingerprint(publicKey), privateKeyPath, created }
}

export function signEd25519(data: Uint8Array, key: KeyObject): string {
  return sign(null, data, key).toString('base64')
}

export function verifyEd25519(data: Uint8Array, signatureBase64: string, publicKeyPem: string): boolean {
  const key = createPublicKey(publicKeyPem)
  if (key.asymmetricKeyType !== 'ed25519') return false
  return verify(null, data, key, Buffer.from(signatureBase64, 'base64'))
}
