import { describe, expect, it } from 'vitest';
import { UsageError } from './output';
import { parseTillArgs } from './till';

const usage = 'usage: pos start';

describe('till options: the receipt printer', () => {
  it('gives the demo the in-process simulated printer unless told otherwise', () => {
    expect(parseTillArgs([], usage, { dataDir: '.data/demo', demo: true }).printer).toEqual({
      address: 'sim:printer?drawer=auto',
    });
    expect(
      parseTillArgs(['--printer', 'none'], usage, { dataDir: '.data/demo', demo: true }).printer,
    ).toBeUndefined();
    expect(parseTillArgs([], usage, { dataDir: '.data/t', demo: false }).printer).toBeUndefined();
  });

  it('passes an address, profile and receipt language through', () => {
    expect(
      parseTillArgs(
        ['--printer', 'tcp:192.168.1.50', '--printer-profile', '58mm', '--receipt-language', 'en'],
        usage,
        {
          dataDir: '.data/t',
          demo: false,
        },
      ).printer,
    ).toEqual({ address: 'tcp:192.168.1.50', profile: '58mm', language: 'en' });
  });

  it('refuses a language it cannot print and a profile without a printer', () => {
    expect(() =>
      parseTillArgs(['--printer', 'sim:printer', '--receipt-language', 'fr'], usage, {
        dataDir: 'd',
        demo: false,
      }),
    ).toThrow(UsageError);
    expect(() =>
      parseTillArgs(['--printer-profile', '58mm'], usage, { dataDir: 'd', demo: false }),
    ).toThrow(/need --printer/);
  });
});

describe('till options: the card reader', () => {
  it('gives the demo the in-process simulated reader unless told otherwise', () => {
    expect(parseTillArgs([], usage, { dataDir: '.data/demo', demo: true }).reader).toEqual({ address: 'sim:reader' });
    expect(parseTillArgs(['--reader', 'none'], usage, { dataDir: '.data/demo', demo: true }).reader).toBeUndefined();
    expect(parseTillArgs([], usage, { dataDir: '.data/t', demo: false }).reader).toBeUndefined();
    expect(
      parseTillArgs(['--reader', 'serial:/dev/ttyUSB0'], usage, { dataDir: '.data/t', demo: false }).reader,
    ).toEqual({ address: 'serial:/dev/ttyUSB0' });
  });
});

describe('till options: the barcode scanner', () => {
  const demo = { dataDir: '.data/demo', demo: true };
  const till = { dataDir: '.data/t', demo: false };

  it('gives the demo the in-process simulated scanner unless told otherwise', () => {
    expect(parseTillArgs([], usage, demo).scanner).toEqual({ address: 'sim:scanner' });
    expect(parseTillArgs(['--scanner', 'none'], usage, demo).scanner).toBeUndefined();
    expect(parseTillArgs([], usage, till).scanner).toBeUndefined();
    expect(parseTillArgs(['--scanner', 'none'], usage, till).scanner).toBeUndefined();
  });

  it('passes serial (with a suffix), HID and sim addresses through as given', () => {
    for (const address of [
      'serial:/dev/ttyACM0',
      'serial:/dev/ttyACM0?baud=9600&suffix=crlf',
      'serial:/dev/ttyACM0?suffix=cr',
      'hid:05e0:1200',
      'sim:scanner',
    ]) {
      expect(parseTillArgs(['--scanner', address], usage, till).scanner).toEqual({ address });
    }
  });

  it('refuses an address no scanner can be on, naming the forms that work', () => {
    for (const bad of [
      'sim:reader',
      'tcp:192.168.1.50',
      'usblp:/dev/usb/lp0',
      'serial:/dev/ttyACM0?suffix=tab',
      'ttyACM0',
    ]) {
      expect(() => parseTillArgs(['--scanner', bad], usage, till)).toThrow(UsageError);
    }
    expect(() => parseTillArgs(['--scanner', 'sim:printer'], usage, demo)).toThrow(
      /hid:VID:PID, serial:PATH or sim:scanner/,
    );
  });
});
