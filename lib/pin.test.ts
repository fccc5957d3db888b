import { describe, expect, it } from 'vitest';
import { demoStaff } from '../contract/demo-venue';
import { hashPin, isPinShaped, parsePinHash, verifyPin } from './pin';

const FAST = { N: 1024, r: 8, p: 1 };

describe('PIN hashes', () => {
  it('verifies the demo staff PINs and nothing else', async () => {
    const [cashier, supervisor, admin] = demoStaff;
    expect(await verifyPin('1111', cashier!.pinHash)).toBe(true);
    expect(await verifyPin('2222', supervisor!.pinHash)).toBe(true);
    expect(await verifyPin('9999', admin!.pinHash)).toBe(true);
    expect(await verifyPin('2222', cashier!.pinHash)).toBe(false);
    expect(await verifyPin('11111', cashier!.pinHash)).toBe(false);
  });

  it('hashes with a fresh salt each time, in the documented format', async () => {
    const a = await hashPin('482913', FAST);
    const b = await hashPin('482913', FAST);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPin('482913', a)).toBe(true);
    expect(await verifyPin('482914', a)).toBe(false);
  });

  it('refuses what is not a PIN and hashes it cannot trust', async () => {
    for (const pin of ['', '123', '123456789', '12a4', ' 1234']) expect(isPinShaped(pin)).toBe(false);
    await expect(hashPin('12')).rejects.toThrow(/4 to 8 digits/);
    for (const bad of [
      'bcrypt$10$x',
      'scrypt$1000$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5',
      'scrypt$2097152$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5',
      'scrypt$16384$64$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5',
      'scrypt$16384$8$1$$a2V5a2V5a2V5a2V5a2V5',
    ]) {
      expect(parsePinHash(bad), bad).toBeNull();
      expect(await verifyPin('1234', bad)).toBe(false);
    }
  });
});
