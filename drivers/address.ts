// Device address strings (ARCHITECTURE §8). One parser for every device kind, so the CLI, the
// terminal's config and the simulators read the same text the same way.

export type Parity = 'none' | 'even' | 'odd' | 'mark' | 'space';
export type FlowControl = 'none' | 'rtscts' | 'xonxoff';
export type ScannerSuffix = 'cr' | 'lf' | 'crlf';

export interface SerialAddress {
  kind: 'serial';
  path: string;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: Parity;
  stopBits: 1 | 1.5 | 2;
  flow: FlowControl;
  /** Serial barcode scanners only: what ends one scan. */
  suffix?: ScannerSuffix;
}
export interface TcpAddress {
  kind: 'tcp';
  host: string;
  port: number;
}
export interface UsblpAddress {
  kind: 'usblp';
  path: string;
}
export interface HidAddress {
  kind: 'hid';
  vendorId: number;
  productId: number;
  serialNumber?: string;
}
export interface SimPrinterAddress {
  kind: 'sim';
  device: 'printer';
  paper?: 'out';
  cover?: 'open';
  offline?: boolean;
  /** `drawer=auto`: the simulated cashier closes the drawer a few seconds after it opens. */
  drawer?: 'auto';
}
export interface SimReaderAddress {
  kind: 'sim';
  device: 'reader';
  card?: string;
}
export interface SimScannerAddress {
  kind: 'sim';
  device: 'scanner';
}
export type SimAddress = SimPrinterAddress | SimReaderAddress | SimScannerAddress;
export type DeviceAddress = SerialAddress | TcpAddress | UsblpAddress | HidAddress | SimAddress;

export const DEFAULT_TCP_PORT = 9100;

export const ADDRESS_FORMS = [
  'serial:PATH?baud=115200&dataBits=8&parity=none&stopBits=1&flow=none|rtscts|xonxoff[&suffix=cr|lf|crlf]',
  'tcp:HOST[:PORT] (port 9100 when omitted)',
  'usblp:/dev/usb/lp0',
  'hid:VID:PID[?serial=SN] (VID and PID in hex)',
  'sim:printer[?paper=out|cover=open|offline=1|drawer=auto]',
  'sim:reader[?card=NAME]',
  'sim:scanner',
] as const;

/** A device address that cannot be read. `message` names the expected form. */
export class AddressError extends Error {
  readonly code = 'device.address_invalid';
  constructor(
    readonly address: string,
    problem: string,
    expected: string,
  ) {
    super(`bad device address "${address}": ${problem}; expected ${expected}`);
    this.name = 'AddressError';
  }
}

const SERIAL_FORM = ADDRESS_FORMS[0];
const TCP_FORM = ADDRESS_FORMS[1];
const USBLP_FORM = ADDRESS_FORMS[2];
const HID_FORM = ADDRESS_FORMS[3];
const SIM_FORM = ADDRESS_FORMS.slice(4).join(' or ');

export function parseAddress(text: string): DeviceAddress {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new AddressError(text, 'no scheme', `one of: ${ADDRESS_FORMS.join(', ')}`);
  const scheme = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (scheme) {
    case 'serial':
      return parseSerial(text, rest);
    case 'tcp':
      return parseTcp(text, rest);
    case 'usblp':
      return parseUsblp(text, rest);
    case 'hid':
      return parseHid(text, rest);
    case 'sim':
      return parseSim(text, rest);
    default:
      throw new AddressError(
        text,
        `unknown scheme "${scheme}"`,
        `one of: ${ADDRESS_FORMS.join(', ')}`,
      );
  }
}

/** The canonical text of an address: `parseAddress(formatAddress(a))` equals `a`. */
export function formatAddress(a: DeviceAddress): string {
  switch (a.kind) {
    case 'serial': {
      const q = `baud=${a.baudRate}&dataBits=${a.dataBits}&parity=${a.parity}&stopBits=${a.stopBits}&flow=${a.flow}`;
      return `serial:${a.path}?${q}${a.suffix ? `&suffix=${a.suffix}` : ''}`;
    }
    case 'tcp':
      return `tcp:${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
    case 'usblp':
      return `usblp:${a.path}`;
    case 'hid': {
      const hex = (n: number) => n.toString(16).padStart(4, '0');
      const sn =
        a.serialNumber !== undefined ? `?serial=${encodeURIComponent(a.serialNumber)}` : '';
      return `hid:${hex(a.vendorId)}:${hex(a.productId)}${sn}`;
    }
    case 'sim': {
      const q = new URLSearchParams();
      if (a.device === 'printer') {
        if (a.paper) q.set('paper', a.paper);
        if (a.cover) q.set('cover', a.cover);
        if (a.offline) q.set('offline', '1');
        if (a.drawer) q.set('drawer', a.drawer);
      } else if (a.device === 'reader' && a.card !== undefined) q.set('card', a.card);
      const s = q.toString();
      return `sim:${a.device}${s ? `?${s}` : ''}`;
    }
  }
}

function splitQuery(rest: string): [string, URLSearchParams] {
  const q = rest.indexOf('?');
  return q < 0
    ? [rest, new URLSearchParams()]
    : [rest.slice(0, q), new URLSearchParams(rest.slice(q + 1))];
}

function checkKeys(
  text: string,
  params: URLSearchParams,
  allowed: readonly string[],
  form: string,
): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw new AddressError(text, `unknown option "${key}"`, form);
    if (seen.has(key)) throw new AddressError(text, `option "${key}" given twice`, form);
    seen.add(key);
  }
}

function pick<T extends string | number>(
  text: string,
  params: URLSearchParams,
  key: string,
  allowed: readonly T[],
  fallback: T,
  form: string,
): T {
  const raw = params.get(key);
  if (raw === null) return fallback;
  const found = allowed.find((v) => String(v) === raw);
  if (found === undefined) {
    throw new AddressError(text, `${key}=${raw} is not one of ${allowed.join(', ')}`, form);
  }
  return found;
}

function parseSerial(text: string, rest: string): SerialAddress {
  const [path, params] = splitQuery(rest);
  if (!path) throw new AddressError(text, 'no port path', SERIAL_FORM);
  checkKeys(
    text,
    params,
    ['baud', 'dataBits', 'parity', 'stopBits', 'flow', 'suffix'],
    SERIAL_FORM,
  );
  let baudRate = 115200;
  const baud = params.get('baud');
  if (baud !== null) {
    if (!/^[1-9]\d{1,6}$/.test(baud))
      throw new AddressError(text, `baud=${baud} is not a positive whole number`, SERIAL_FORM);
    baudRate = Number(baud);
  }
  const suffixRaw = params.get('suffix');
  const address: SerialAddress = {
    kind: 'serial',
    path,
    baudRate,
    dataBits: pick(text, params, 'dataBits', [5, 6, 7, 8] as const, 8, SERIAL_FORM),
    parity: pick(
      text,
      params,
      'parity',
      ['none', 'even', 'odd', 'mark', 'space'] as const,
      'none',
      SERIAL_FORM,
    ),
    stopBits: pick(text, params, 'stopBits', [1, 1.5, 2] as const, 1, SERIAL_FORM),
    flow: pick(text, params, 'flow', ['none', 'rtscts', 'xonxoff'] as const, 'none', SERIAL_FORM),
  };
  if (suffixRaw !== null)
    address.suffix = pick(text, params, 'suffix', ['cr', 'lf', 'crlf'] as const, 'cr', SERIAL_FORM);
  return address;
}

function parseTcp(text: string, rest: string): TcpAddress {
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    // IPv6 literal: tcp:[::1]:9100
    const end = rest.indexOf(']');
    if (end < 0) throw new AddressError(text, 'unclosed "["', TCP_FORM);
    host = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after !== '' && !after.startsWith(':'))
      throw new AddressError(text, `unexpected "${after}"`, TCP_FORM);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const parts = rest.split(':');
    if (parts.length > 2)
      throw new AddressError(text, 'an IPv6 host must be in brackets', TCP_FORM);
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (!host || /[\s/?#@]/.test(host))
    throw new AddressError(text, 'no host or a bad host', TCP_FORM);
  let port = DEFAULT_TCP_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw new AddressError(text, `port "${portText}" is not 1-65535`, TCP_FORM);
    }
    port = Number(portText);
  }
  return { kind: 'tcp', host, port };
}

function parseUsblp(text: string, rest: string): UsblpAddress {
  if (!rest.startsWith('/') || rest.includes('?'))
    throw new AddressError(text, 'not an absolute device path', USBLP_FORM);
  return { kind: 'usblp', path: rest };
}

function parseHid(text: string, rest: string): HidAddress {
  const [ids, params] = splitQuery(rest);
  const m = /^([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})$/.exec(ids);
  if (!m)
    throw new AddressError(
      text,
      'vendor and product ids must be hex, e.g. hid:0801:2011',
      HID_FORM,
    );
  checkKeys(text, params, ['serial'], HID_FORM);
  const address: HidAddress = {
    kind: 'hid',
    vendorId: parseInt(m[1] ?? '', 16),
    productId: parseInt(m[2] ?? '', 16),
  };
  const sn = params.get('serial');
  if (sn !== null) {
    if (sn === '') throw new AddressError(text, 'empty serial number', HID_FORM);
    address.serialNumber = sn;
  }
  return address;
}

function parseSim(text: string, rest: string): SimAddress {
  const [device, params] = splitQuery(rest);
  switch (device) {
    case 'printer': {
      checkKeys(text, params, ['paper', 'cover', 'offline', 'drawer'], SIM_FORM);
      const a: SimPrinterAddress = { kind: 'sim', device: 'printer' };
      if (params.has('paper'))
        a.paper = pick(text, params, 'paper', ['out'] as const, 'out', SIM_FORM);
      if (params.has('cover'))
        a.cover = pick(text, params, 'cover', ['open'] as const, 'open', SIM_FORM);
      if (params.has('offline')) {
        const v = pick(
          text,
          params,
          'offline',
          ['1', '0', 'true', 'false'] as const,
          '1',
          SIM_FORM,
        );
        if (v === '1' || v === 'true') a.offline = true;
      }
      if (params.has('drawer'))
        a.drawer = pick(text, params, 'drawer', ['auto'] as const, 'auto', SIM_FORM);
      return a;
    }
    case 'reader': {
      checkKeys(text, params, ['card'], SIM_FORM);
      const card = params.get('card');
      if (card === '') throw new AddressError(text, 'empty card name', SIM_FORM);
      return card === null
        ? { kind: 'sim', device: 'reader' }
        : { kind: 'sim', device: 'reader', card };
    }
    case 'scanner':
      checkKeys(text, params, [], SIM_FORM);
      return { kind: 'sim', device: 'scanner' };
    default:
      throw new AddressError(text, `unknown simulated device "${device}"`, SIM_FORM);
  }
}
