// Address → scanner options for real hardware. sim:scanner is wired by whoever runs the
// simulator (the CLI, tests), since drivers/scanner does not depend on drivers/sim.
import type { HidAddress, SerialAddress } from '../address';
import { HidTransport, type HidBackend } from '../transport/hid';
import { SerialTransport } from '../transport/serial';
import { HID_POS_USAGE_PAGE } from './hid-pos';
import type { ScannerOptions } from './scanner';

export function scannerOptionsFor(
  address: SerialAddress | HidAddress,
  extra: Omit<ScannerOptions, 'connect' | 'framing' | 'suffix'> & { hidBackend?: HidBackend } = {},
): ScannerOptions {
  const { hidBackend, ...rest } = extra;
  if (address.kind === 'hid')
    return {
      ...rest,
      framing: 'hid',
      connect: () =>
        new HidTransport({
          address,
          usagePage: HID_POS_USAGE_PAGE,
          ...(hidBackend ? { backend: hidBackend } : {}),
        }),
    };
  return {
    ...rest,
    framing: 'serial',
    ...(address.suffix ? { suffix: address.suffix } : {}),
    connect: () =>
      new SerialTransport({
        path: address.path,
        baudRate: address.baudRate,
        dataBits: address.dataBits,
        parity: address.parity,
        stopBits: address.stopBits,
        flow: address.flow,
        presenceCheckMs: 500,
      }),
  };
}
