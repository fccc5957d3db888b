import { describe, expect, it } from 'vitest';
import { AddressError, formatAddress, parseAddress, type DeviceAddress } from './address';

const serialDefaults = {
  kind: 'serial',
  baudRate: 115200,
  dataBits: 8,
  parity: 'none',
  stopBits: 1,
  flow: 'none',
} as const;

describe('parseAddress', () => {
  it.each<[string, DeviceAddress]>([
    ['serial:/dev/ttyUSB0', { ...serialDefaults, path: '/dev/ttyUSB0' }],
    [
      'serial:/dev/ttyS1?baud=19200&dataBits=7&parity=even&stopBits=2&flow=rtscts',
      {
        kind: 'serial',
        path: '/dev/ttyS1',
        baudRate: 19200,
        dataBits: 7,
        parity: 'even',
        stopBits: 2,
        flow: 'rtscts',
      },
    ],
    [
      'serial:/dev/ttyS1?flow=xonxoff&stopBits=1.5',
      { ...serialDefaults, path: '/dev/ttyS1', flow: 'xonxoff', stopBits: 1.5 },
    ],
    [
      'serial:/dev/ttyACM0?baud=9600&suffix=crlf',
      { ...serialDefaults, path: '/dev/ttyACM0', baudRate: 9600, suffix: 'crlf' },
    ],
    ['serial:COM3', { ...serialDefaults, path: 'COM3' }],
    ['tcp:192.168.1.50', { kind: 'tcp', host: '192.168.1.50', port: 9100 }],
    ['tcp:printer-3.venue.lan:9101', { kind: 'tcp', host: 'printer-3.venue.lan', port: 9101 }],
    ['tcp:[::1]:9100', { kind: 'tcp', host: '::1', port: 9100 }],
    ['tcp:[fe80::1]', { kind: 'tcp', host: 'fe80::1', port: 9100 }],
    ['usblp:/dev/usb/lp0', { kind: 'usblp', path: '/dev/usb/lp0' }],
    ['hid:0801:2011', { kind: 'hid', vendorId: 0x0801, productId: 0x2011 }],
    [
      'hid:5e0:1200?serial=AB%2012',
      { kind: 'hid', vendorId: 0x05e0, productId: 0x1200, serialNumber: 'AB 12' },
    ],
    ['sim:printer', { kind: 'sim', device: 'printer' }],
    ['sim:printer?paper=out', { kind: 'sim', device: 'printer', paper: 'out' }],
    [
      'sim:printer?cover=open&offline=1',
      { kind: 'sim', device: 'printer', cover: 'open', offline: true },
    ],
    ['sim:printer?offline=0', { kind: 'sim', device: 'printer' }],
    ['sim:printer?drawer=auto', { kind: 'sim', device: 'printer', drawer: 'auto' }],
    ['sim:reader', { kind: 'sim', device: 'reader' }],
    ['sim:reader?card=visa-approved', { kind: 'sim', device: 'reader', card: 'visa-approved' }],
    ['sim:scanner', { kind: 'sim', device: 'scanner' }],
  ])('%s', (text, expected) => {
    const parsed = parseAddress(text);
    expect(parsed).toEqual(expected);
    expect(parseAddress(formatAddress(parsed))).toEqual(parsed);
  });

  it.each<[string, RegExp]>([
    ['', /no scheme.*serial:PATH/],
    ['/dev/ttyUSB0', /no scheme/],
    ['lpt:1', /unknown scheme "lpt"/],
    ['serial:', /no port path.*serial:PATH\?baud=115200/],
    ['serial:/dev/ttyUSB0?baud=fast', /baud=fast is not a positive whole number/],
    ['serial:/dev/ttyUSB0?baud=0', /baud=0/],
    ['serial:/dev/ttyUSB0?parity=maybe', /parity=maybe is not one of none, even, odd, mark, space/],
    ['serial:/dev/ttyUSB0?dataBits=9', /dataBits=9/],
    ['serial:/dev/ttyUSB0?flow=hardware', /flow=hardware is not one of none, rtscts, xonxoff/],
    ['serial:/dev/ttyUSB0?suffix=tab', /suffix=tab/],
    ['serial:/dev/ttyUSB0?speed=9600', /unknown option "speed"/],
    ['serial:/dev/ttyUSB0?baud=9600&baud=19200', /given twice/],
    ['tcp:', /no host/],
    ['tcp:host:0', /port "0" is not 1-65535/],
    ['tcp:host:70000', /port "70000"/],
    ['tcp:host:abc', /port "abc"/],
    ['tcp:::1', /IPv6 host must be in brackets/],
    ['tcp:[::1', /unclosed/],
    ['usblp:lp0', /not an absolute device path.*usblp:\/dev\/usb\/lp0/],
    ['hid:zz:1', /must be hex/],
    ['hid:0801', /must be hex/],
    ['hid:0801:2011?serial=', /empty serial/],
    ['sim:toaster', /unknown simulated device "toaster".*sim:printer/],
    ['sim:printer?paper=low', /paper=low is not one of out/],
    ['sim:printer?jam=1', /unknown option "jam"/],
    ['sim:scanner?card=x', /unknown option "card"/],
  ])('refuses %j with the expected form', (text, message) => {
    const err = (() => {
      try {
        parseAddress(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AddressError);
    expect((err as AddressError).code).toBe('device.address_invalid');
    expect((err as AddressError).message).toMatch(message);
    expect((err as AddressError).message).toMatch(/expected/);
  });
});
