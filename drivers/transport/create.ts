// Address → transport for the kinds this folder implements. HID devices and simulators are
// opened by their own device modules.
import type { DeviceAddress } from '../address';
import { SerialTransport } from './serial';
import { TcpTransport } from './tcp';
import type { Transport } from './transport';
import { UsblpTransport } from './usblp';

export function createTransport(
  address: DeviceAddress,
  options: { connectTimeoutMs?: number } = {},
): Transport {
  switch (address.kind) {
    case 'serial':
      return new SerialTransport(address);
    case 'tcp':
      return new TcpTransport({ host: address.host, port: address.port, ...options });
    case 'usblp':
      return new UsblpTransport({ path: address.path });
    case 'hid':
    case 'sim':
      throw new Error(
        `${address.kind} addresses are opened by their device module, not as a byte transport`,
      );
  }
}
