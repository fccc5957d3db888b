// The receipt printer in the UI: live status (from 'printer.status' and 'terminal.status'), the
// Devices screen, reprint and test print. Components select from here; only actions call the API.
import { createStore } from 'zustand/vanilla';
import type { PrinterStatusDto, ReceiptPreviewDto } from '../../contract/api';
import { call } from './call';
import { statusStore } from './status';

export interface PrinterState {
  devicesOpen: boolean;
  preview: ReceiptPreviewDto | null;
  /** A reprint or test print was just queued (for a short confirmation). */
  lastQueued: 'reprint' | 'test' | null;
}

export const initialPrinterState: PrinterState = { devicesOpen: false, preview: null, lastQueued: null };
export const printerStore = createStore<PrinterState>()(() => initialPrinterState);

/** A 'printer.status' event: patched into the terminal status the status bar already shows. */
export function setPrinterStatus(printer: PrinterStatusDto): void {
  const status = statusStore.getState().status;
  if (!status) return;
  statusStore.setState({ status: { ...status, printer, devices: { ...status.devices, printer: printer.state } } });
  // A receipt came out: the preview on an open Devices screen follows.
  if (printerStore.getState().devicesOpen && printer.lastPrintedAt !== status.printer.lastPrintedAt) {
    void loadPreview();
  }
}

export async function loadPreview(): Promise<void> {
  const preview = await call('printer.lastReceipt', {});
  if (preview) printerStore.setState({ preview });
}

export function openDevices(): void {
  printerStore.setState({ devicesOpen: true });
  void loadPreview();
}

export function closeDevices(): void {
  printerStore.setState({ devicesOpen: false, lastQueued: null });
}

export async function reprintLast(): Promise<void> {
  const accepted = await call('printer.reprintLast', {});
  if (accepted) {
    setPrinterStatus(accepted.printer);
    printerStore.setState({ lastQueued: 'reprint' });
  }
}

export async function testPrint(): Promise<void> {
  const accepted = await call('printer.testPrint', {});
  if (accepted) {
    setPrinterStatus(accepted.printer);
    printerStore.setState({ lastQueued: 'test' });
  }
}
