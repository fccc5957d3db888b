// The terminal's Ed25519 key: <data dir>/terminal.key (PKCS#8 PEM, mode 0600). It lives beside
// terminal.db so a dead counter's disk can be synced from any machine (ARCHITECTURE §6).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateTerminalKey, publicKeyOf } from '../lib/http-signature';

export const TERMINAL_KEY_FILE = 'terminal.key';

export interface TerminalKey {
  privateKey: KeyObject;
  /** SPKI DER, base64. */
  publicKey: string;
}

export function terminalKeyPath(dataDir: string): string {
  return join(dataDir, TERMINAL_KEY_FILE);
}

/** The key in dataDir, or undefined when there is none. A damaged file throws. */
export function loadTerminalKey(dataDir: string): TerminalKey | undefined {
  let pem: string;
  try {
    pem = readFileSync(terminalKeyPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new Error(`${terminalKeyPath(dataDir)} is not a readable private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${terminalKeyPath(dataDir)} holds a ${privateKey.asymmetricKeyType} key, not Ed25519`);
  }
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}

/** Loads the key, creating it (0600, fsynced, never overwriting) when absent. */
export function ensureTerminalKey(dataDir: string): TerminalKey {
  const existing = loadTerminalKey(dataDir);
  if (existing) return existing;
  const { privateKeyPem } = generateTerminalKey();
  let fd: number;
  try {
    // 'wx': if another process created it meanwhile, keep theirs (a key must never be replaced
    // once the gateway may know it).
    fd = openSync(terminalKeyPath(dataDir), 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadTerminalKey(dataDir)!;
    throw err;
  }
  try {
    writeSync(fd, privateKeyPem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return loadTerminalKey(dataDir)!;
}
