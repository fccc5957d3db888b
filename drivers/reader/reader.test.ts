import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryPair } from '../transport/memory';
import type { Transport } from '../transport/transport';
import { createHidAssembler, encodeHidReports } from './hid-framing';
import { decodeMessage, encodeMessage, type MmsMessage } from './mms';
import { Reader, type ReaderFraming } from './reader';
import { createSerialDecoder, encodeSerialFrame } from './serial-framing';
import { fromHex, hex } from './tlv';
import type { ReaderEvent } from './types';

/** A tiny stand-in for the reader's firmware: answers commands the way `answer` says. */
class FakeDevice {
  received: MmsMessage[] = [];
  answer: (m: MmsMessage) => MmsMessage[] | 'silent' = (m) =>
    m.kind === 'request'
      ? [{ ...m, kind: 'response', fromDevice: true, status: { summary: 0, detail: 0 } }]
      : [];
  end: Transport | undefined;

  constructor(private readonly framing: ReaderFraming) {}

  attach(end: Transport): void {
    this.end = end;
    void end.open();
    const serial = createSerialDecoder();
    const hid = createHidAssembler();
    end.onData((chunk) => {
      const msgs =
        this.framing === 'serial'
          ? serial.push(chunk).flatMap((e) => (e.type === 'message' ? [e.message] : []))
          : hid.push(chunk).flatMap((e) => (e.type === 'message' ? [e.message] : []));
      for (const raw of msgs) {
        const r = decodeMessage(raw);
        if (!r.ok) continue;
        this.received.push(r.value);
        const out = this.answer(r.value);
        if (out !== 'silent') for (const m of out) this.send(encodeMessage(m));
      }
    });
  }

  send(message: Uint8Array): void {
    if (this.framing === 'serial') void this.end?.write(encodeSerialFrame(message, 0x02));
    else for (const r of encodeHidReports(message)) void this.end?.write(r);
  }

  raw(bytes: Uint8Array): void {
    void this.end?.write(bytes);
  }
}

const readers: Reader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.stop()));
});

async function setup(framing: ReaderFraming = 'serial', commandTimeoutMs = 200) {
  const device = new FakeDevice(framing);
  const reader = new Reader({
    framing,
    commandTimeoutMs,
    reconnect: { backoffBaseMs: 1, backoffCapMs: 5 },
    connect: () => {
      const [host, dev] = createMemoryPair('reader');
      device.attach(dev);
      return host;
    },
  });
  readers.push(reader);
  const events: ReaderEvent[] = [];
  reader.onEvent((e) => events.push(e));
  await reader.start();
  return { device, reader, events };
}

const until = async (cond: () => boolean, ms = 1000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 2));
  }
};

describe('Reader', () => {
  for (const framing of ['serial', 'hid'] as const) {
    it(`echoes over ${framing} framing, sending the manual's Echo bytes`, async () => {
      const { device, reader } = await setup(framing);
      expect(hex(await reader.echo(Uint8Array.of(1, 2, 3)))).toBe('010203');
      expect(hex(encodeMessage(device.received[0]!))).toBe('AA0081040100DF018407DF018103010203');
    });
  }

  it('starts a Quick Chip contactless transaction with the final amount, currency and type', async () => {
    const { device, reader } = await setup();
    device.answer = (m) =>
      m.kind === 'request'
        ? [{ ...m, kind: 'response', fromDevice: true, status: { summary: 0x01, detail: 0 } }]
        : [];
    await reader.startTransaction({ amount: 1250, currency: 978, type: 'purchase' });
    const sent = device.received[0]!;
    expect(sent).toMatchObject({ kind: 'request', commandId: 0x1001 });
    expect(hex(sent.payload!.data)).toContain('9F0206000000001250');
    expect(hex(sent.payload!.data)).toContain('5F2A020978');
    expect(hex(sent.payload!.data)).toContain('9C0100');
    expect(hex(sent.payload!.data)).toContain('8402' + '0003');
    await expect(
      reader.startTransaction({ amount: 0, currency: 978, type: 'purchase' }),
    ).rejects.toMatchObject({
      code: 'reader.rejected',
    });
  });

  it('sends one command at a time, each with its own reference number', async () => {
    const { device, reader } = await setup();
    let inFlight = 0;
    let most = 0;
    device.answer = (m) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        if (m.kind === 'request')
          device.send(
            encodeMessage({
              ...m,
              kind: 'response',
              fromDevice: true,
              status: { summary: 0, detail: 0 },
            }),
          );
      }, 5);
      return 'silent';
    };
    await Promise.all([reader.echo(), reader.cancelTransaction(), reader.echo()]);
    expect(most).toBe(1);
    expect(device.received.map((m) => (m.kind === 'request' ? m.ref : -1))).toEqual([0, 1, 2]);
  });

  it('times out a command, ignores its late answer, and carries on', async () => {
    const { device, reader, events } = await setup('serial', 50);
    let late: MmsMessage | undefined;
    device.answer = (m) => {
      late = m;
      return 'silent';
    };
    await expect(reader.echo()).rejects.toMatchObject({ code: 'reader.timeout' });
    device.answer = (m) =>
      m.kind === 'request'
        ? [{ ...m, kind: 'response', fromDevice: true, status: { summary: 0, detail: 0 } }]
        : [];
    device.send(
      encodeMessage({
        ...(late as MmsMessage & { kind: 'request' }),
        kind: 'response',
        fromDevice: true,
        status: { summary: 0, detail: 0 },
      }),
    );
    expect(hex(await reader.echo(Uint8Array.of(9)))).toBe('09');
    expect(
      events.some((e) => e.type === 'protocol_error' && e.code === 'reader.unexpected_response'),
    ).toBe(true);
  });

  it('turns a refused command into a ReaderError with the status (low battery, manual Table 70)', async () => {
    const { device, reader } = await setup();
    device.answer = () => 'silent';
    const p = reader.startTransaction({ amount: 100, currency: 840, type: 'purchase' });
    await until(() => device.received.length === 1);
    device.raw(encodeSerialFrame(fromHex('AA 00 81 04 82 00 10 01 82 04 80 02 03 16'), 2));
    await expect(p).rejects.toMatchObject({
      code: 'reader.rejected',
      status: { summary: 0x80, detail: 0x020316, ok: false },
    });
  });

  it('routes notifications to typed events and reports garbage without throwing', async () => {
    const { device, events } = await setup();
    device.send(fromHex('AA 00 81 04 83 00 01 01 82 04 20 01 04 00'));
    device.raw(fromHex('C0 01 02 03 C0 DE AD'));
    device.send(fromHex('AA 00 81 04 83 00 01 05 82 04 00 03 01 00'));
    device.send(fromHex('AB CD'));
    await until(() => events.filter((e) => e.type !== 'connected').length >= 5);
    expect(events.filter((e) => e.type !== 'connected').map((e) => e.type)).toEqual([
      'card_detected',
      'protocol_error', // C0 01 02 03 C0: too short for a frame
      'protocol_error', // DE AD before the next C0
      'operation_complete',
      'protocol_error',
    ]);
  });

  it('fails the command in flight on unplug, reconnects, and works again', async () => {
    const { device, reader, events } = await setup('serial', 1000);
    device.answer = () => 'silent';
    const p = reader.echo();
    await until(() => device.received.length === 1);
    await device.end!.close();
    await expect(p).rejects.toMatchObject({ code: 'reader.not_connected' });
    await until(() => events.filter((e) => e.type === 'connected').length === 2);
    expect(events.some((e) => e.type === 'disconnected')).toBe(true);
    device.answer = (m) =>
      m.kind === 'request'
        ? [{ ...m, kind: 'response', fromDevice: true, status: { summary: 0, detail: 0 } }]
        : [];
    expect(hex(await reader.echo(Uint8Array.of(7)))).toBe('07');
  });
});
