import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PrinterStatusDto, ReceiptPreviewDto } from '../../contract/api';
import { catalog, createFakePos, ok, sale, status, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { startApp } from './boot';
import { closeDevices, openDevices, printerStore, reprintLast, testPrint } from './printer';
import { statusStore } from './status';
import { uiStore } from './ui';

let fake: FakePos;

beforeEach(() => {
  resetStores();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  fake.reply('terminal.getStatus', () => ok(status));
  fake.reply('catalog.list', () => ok(catalog));
  fake.reply('sale.get', () => ok(sale()));
});
afterEach(() => {
  vi.unstubAllGlobals();
});

const paperOut: PrinterStatusDto = { ...status.printer, state: 'error', problem: 'paper_out', queued: 1 };
const preview: ReceiptPreviewDto = { receiptRef: 'ABC123-000001', copy: false, printedAt: '2026-05-01T12:01:00.000Z', svg: '<svg/>' };

describe('printer state', () => {
  it('follows printer.status events into the terminal status (problem, queue, device state)', async () => {
    await startApp();
    fake.emit('printer.status', paperOut);
    expect(statusStore.getState().status?.printer).toMatchObject({ problem: 'paper_out', queued: 1 });
    expect(statusStore.getState().status?.devices.printer).toBe('error');
    fake.emit('printer.status', { ...status.printer, queued: 0 });
    expect(statusStore.getState().status?.printer.problem).toBeNull();
    expect(statusStore.getState().status?.devices.printer).toBe('ok');
  });

  it('opens the Devices screen with the last receipt, and refreshes it when a receipt prints', async () => {
    await startApp();
    let previews = 0;
    fake.reply('printer.lastReceipt', () => {
      previews += 1;
      return ok(preview);
    });
    openDevices();
    await vi.waitFor(() => expect(printerStore.getState().preview).toEqual(preview));
    fake.emit('printer.status', { ...status.printer, lastPrintedAt: '2026-05-01T12:05:00.000Z' });
    await vi.waitFor(() => expect(previews).toBe(2));
    closeDevices();
    expect(printerStore.getState().devicesOpen).toBe(false);
  });

  it('reprint and test print queue jobs; a refusal becomes a translated toast', async () => {
    await startApp();
    fake.reply('printer.reprintLast', () => ok({ jobId: 'J1', printer: { ...status.printer, queued: 1 } }));
    await reprintLast();
    expect(printerStore.getState().lastQueued).toBe('reprint');
    expect(statusStore.getState().status?.printer.queued).toBe(1);
    fake.reply('printer.testPrint', () => ({ ok: false, error: { code: 'printer.not_configured', message: 'no printer' } }));
    await testPrint();
    expect(uiStore.getState().toast?.code).toBe('printer.not_configured');
    expect(fake.calls.map((c) => c.method)).toContain('printer.testPrint');
  });
});
