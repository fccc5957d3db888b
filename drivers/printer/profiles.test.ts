import { describe, expect, it } from 'vitest';
import { ProfileError, resolveProfile } from './profiles';

describe('resolveProfile', () => {
  it.each([
    ['80mm', 48, 64, 576, true],
    ['58mm', 32, 42, 384, false],
  ] as const)(
    '%s: %i/%i characters, %i dots, cut %s; neither process ID nor ASB by default',
    (name, a, b, dots, cut) => {
      const p = resolveProfile(name);
      expect(p.charsPerLine).toEqual({ A: a, B: b });
      expect(p.dots).toBe(dots);
      expect(p.supports).toMatchObject({
        cut,
        processId: false,
        asb: false,
        qr: true,
        hanzi: true,
      });
      expect(p.codePage).toBe('cp858');
    },
  );

  it('takes a technician’s overrides without touching the base profile', () => {
    const p = resolveProfile('80mm', {
      supports: { processId: true, asb: true },
      charsPerLine: { A: 42 },
      codePage: 'cp437',
    });
    expect(p.supports).toMatchObject({ processId: true, asb: true, cut: true });
    expect(p.charsPerLine).toEqual({ A: 42, B: 64 });
    expect(p.codePage).toBe('cp437');
    expect(resolveProfile('80mm').supports.processId).toBe(false);
  });

  it('picks the drawer open level from the drawer model, unless given outright', () => {
    expect(resolveProfile('80mm').drawer.openLevel).toBe('high');
    expect(resolveProfile('80mm', { drawer: { model: 'open-low' } }).drawer.openLevel).toBe('low');
    expect(
      resolveProfile('80mm', { drawer: { model: 'open-low', openLevel: 'high' } }).drawer.openLevel,
    ).toBe('high');
  });

  it('a printer without a cutter cannot partial-cut either', () => {
    expect(resolveProfile('80mm', { supports: { cut: false } }).supports.partialCut).toBe(false);
  });

  it.each<[string, () => unknown, RegExp]>([
    [
      'unknown name',
      () => resolveProfile('76mm'),
      /unknown printer profile "76mm"; known: 80mm, 58mm/,
    ],
    [
      'bad drawer',
      () => resolveProfile('80mm', { drawer: { model: 'x' as never } }),
      /unknown drawer model "x"/,
    ],
    [
      'bad width',
      () => resolveProfile('58mm', { charsPerLine: { A: 0 } }),
      /font A\) must be 8..128/,
    ],
  ])('refuses %s', (_n, f, message) => {
    expect(f).toThrow(ProfileError);
    expect(f).toThrow(message);
  });
});
