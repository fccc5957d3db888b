import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeHidReports, HID_USAGE_PAGE, MAGTEK_VENDOR_ID } from '../reader/hid-framing';
import { fromHex, hex } from '../reader/tlv';
import { HidTransport, type HidBackend, type HidDeviceInfo, type HidHandle } from './hid';

class FakeHandle extends EventEmitter implements HidHandle {
  writes: Buffer[] = [];
  closed = false;
  failWrites = false;
  write(values: number[] | Buffer): Promise<number> {
    if (this.failWrites) return Promise.reject(new Error('could not write to HID device'));
    const b = Buffer.from(values);
    this.writes.push(b);
    return Promise.resolve(b.length);
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function backend(list: HidDeviceInfo[]) {
  const opened: { path: string; handle: FakeHandle }[] = [];
  const b: HidBackend = {
    devices: () => Promise.resolve(list),
    open: (path) => {
      const handle = new FakeHandle();
      opened.push({ path, handle });
      return Promise.resolve(handle);
    },
  };
  return { b, opened };
}

const DYNAPROX = 0x2023;
const devices: HidDeviceInfo[] = [
  {
    vendorId: MAGTEK_VENDOR_ID,
    productId: DYNAPROX,
    path: '/dev/hidraw3',
    usagePage: 0x0001,
    serialNumber: 'B1',
  },
  {
    vendorId: MAGTEK_VENDOR_ID,
    productId: DYNAPROX,
    path: '/dev/hidraw4',
    usagePage: HID_USAGE_PAGE,
    serialNumber: 'B1',
  },
  {
    vendorId: MAGTEK_VENDOR_ID,
    productId: DYNAPROX,
    path: '/dev/hidraw5',
    usagePage: HID_USAGE_PAGE,
    serialNumber: 'B2',
  },
];
const address = {
  kind: 'hid' as const,
  vendorId: MAGTEK_VENDOR_ID,
  productId: DYNAPROX,
  serialNumber: 'B2',
};

describe('HID transport (fake node-hid device)', () => {
  it('opens the interface on the vendor usage page with the right serial number', async () => {
    const { b, opened } = backend(devices);
    const t = new HidTransport({ address, usagePage: HID_USAGE_PAGE, backend: b });
    await t.open();
    expect(opened.map((o) => o.path)).toEqual(['/dev/hidraw5']);
    expect(t.description).toBe('hid 0801:2023 #B2');
    const { b: b2, opened: o2 } = backend(devices);
    await new HidTransport({
      address: { ...address, serialNumber: undefined },
      usagePage: HID_USAGE_PAGE,
      backend: b2,
    }).open();
    expect(o2[0]?.path).toBe('/dev/hidraw4');
  });

  it('says clearly when no such device is there', async () => {
    const { b } = backend(devices.slice(0, 1));
    await expect(
      new HidTransport({ address, usagePage: HID_USAGE_PAGE, backend: b }).open(),
    ).rejects.toMatchObject({
      code: 'transport.open_failed',
    });
  });

  it('writes each report with report ID 0 in front, and hands over input reports', async () => {
    const { b, opened } = backend(devices);
    const t = new HidTransport({ address, usagePage: HID_USAGE_PAGE, backend: b });
    await t.open();
    const echo = fromHex('AA0081040101DF018407DF018103010203');
    const [report] = encodeHidReports(echo);
    await t.write(report!);
    const sent = opened[0]!.handle.writes[0]!;
    expect(sent.length).toBe(65);
    expect(sent[0]).toBe(0);
    expect(hex(sent.subarray(1, 20))).toBe('0011AA0081040101DF018407DF018103010203');
    await expect(t.write(new Uint8Array(10))).rejects.toMatchObject({
      code: 'transport.write_failed',
    });
    const got: string[] = [];
    t.onData((c) => got.push(hex(c)));
    opened[0]!.handle.emit('data', Buffer.from(report!));
    expect(got).toEqual([hex(report!)]);
  });

  it('reports an unplug (read error) once and closes the handle', async () => {
    const { b, opened } = backend(devices);
    const t = new HidTransport({ address, usagePage: HID_USAGE_PAGE, backend: b });
    await t.open();
    const lost: (Error | undefined)[] = [];
    t.onDisconnect((e) => lost.push(e));
    opened[0]!.handle.emit('error', new Error('could not read from HID device'));
    opened[0]!.handle.emit('error', new Error('again'));
    expect(lost).toHaveLength(1);
    expect(t.isOpen).toBe(false);
    expect(opened[0]!.handle.closed).toBe(true);
  });

  it('node-hid loads here and enumerates (an array, maybe empty)', async () => {
    const HID = await import('node-hid');
    expect(Array.isArray(HID.devices())).toBe(true);
    expect(Array.isArray(await HID.devicesAsync())).toBe(true);
  });
});
