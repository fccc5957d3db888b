// What a printer model can do and how wide it prints. A profile picks the defaults; a technician
// can override any field from the terminal's config (e.g. turn on process ID for a TM-T88VI).
import type { CodePage } from '../escpos/commands';

export type Font = 'A' | 'B';
export type PinLevel = 'high' | 'low';

/**
 * Which pin-3 level (DLE EOT 1 bit 2) means "drawer open" differs by drawer: the drawer's switch
 * either closes or opens the circuit when the drawer is out. Named here so a technician picks
 * the drawer, not a bit.
 */
export const DRAWER_MODELS = {
  /** Switch closes when the drawer opens: pin 3 reads high while open (most Epson-compatible drawers). */
  'open-high': 'high',
  /** Switch opens when the drawer opens: pin 3 reads low while open. */
  'open-low': 'low',
} as const satisfies Record<string, PinLevel>;
export type DrawerModel = keyof typeof DRAWER_MODELS;

export interface PrinterSupports {
  cut: boolean;
  partialCut: boolean;
  qr: boolean;
  /** Automatic status back (GS a). */
  asb: boolean;
  /** Process-ID replies (GS ( H fn 48): a job counts as printed only when its ID comes back. */
  processId: boolean;
  /** Chinese firmware with GB18030 Hanzi (FS &). */
  hanzi: boolean;
}

export interface DrawerSettings {
  model: DrawerModel;
  openLevel: PinLevel;
  pin: 2 | 5;
  pulseOnMs: number;
  pulseOffMs: number;
}

export interface PrinterProfile {
  name: string;
  paperWidthMm: 80 | 58;
  /** Printable dots per line (raster width). */
  dots: number;
  charsPerLine: Record<Font, number>;
  codePage: CodePage;
  supports: PrinterSupports;
  drawer: DrawerSettings;
  /** Extra feed (in 0.125 mm motion units) after reaching the cutter, for GS V 65/66. */
  cutFeed: number;
}

export interface ProfileOverrides {
  paperWidthMm?: 80 | 58;
  dots?: number;
  charsPerLine?: Partial<Record<Font, number>>;
  codePage?: CodePage;
  supports?: Partial<PrinterSupports>;
  drawer?: Partial<DrawerSettings>;
  cutFeed?: number;
}

const drawerDefaults: DrawerSettings = {
  model: 'open-high',
  openLevel: 'high',
  pin: 2,
  pulseOnMs: 100,
  pulseOffMs: 200,
};

// The default profiles use neither process ID nor ASB (issue 4): success is a clean DLE EOT reply
// after the cut. Chinese firmware is the common case at our venues, hence hanzi on.
const PROFILES: Record<string, PrinterProfile> = {
  '80mm': {
    name: '80mm',
    paperWidthMm: 80,
    dots: 576,
    charsPerLine: { A: 48, B: 64 },
    codePage: 'cp858',
    supports: { cut: true, partialCut: true, qr: true, asb: false, processId: false, hanzi: true },
    drawer: drawerDefaults,
    cutFeed: 0,
  },
  '58mm': {
    name: '58mm',
    paperWidthMm: 58,
    dots: 384,
    charsPerLine: { A: 32, B: 42 },
    codePage: 'cp858',
    supports: {
      cut: false,
      partialCut: false,
      qr: true,
      asb: false,
      processId: false,
      hanzi: true,
    },
    drawer: drawerDefaults,
    cutFeed: 0,
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES);

export class ProfileError extends Error {
  readonly code = 'printer.profile_invalid';
}

export function resolveProfile(name: string, overrides: ProfileOverrides = {}): PrinterProfile {
  const base = PROFILES[name];
  if (!base)
    throw new ProfileError(`unknown printer profile "${name}"; known: ${PROFILE_NAMES.join(', ')}`);
  const drawer: DrawerSettings = { ...base.drawer, ...overrides.drawer };
  if (overrides.drawer?.model !== undefined && overrides.drawer.openLevel === undefined) {
    const level = (DRAWER_MODELS as Record<string, PinLevel | undefined>)[overrides.drawer.model];
    if (!level)
      throw new ProfileError(
        `unknown drawer model "${overrides.drawer.model}"; known: ${Object.keys(DRAWER_MODELS).join(', ')}`,
      );
    drawer.openLevel = level;
  }
  const profile: PrinterProfile = {
    ...base,
    ...(overrides.paperWidthMm !== undefined ? { paperWidthMm: overrides.paperWidthMm } : {}),
    ...(overrides.dots !== undefined ? { dots: overrides.dots } : {}),
    ...(overrides.codePage !== undefined ? { codePage: overrides.codePage } : {}),
    ...(overrides.cutFeed !== undefined ? { cutFeed: overrides.cutFeed } : {}),
    charsPerLine: { ...base.charsPerLine, ...overrides.charsPerLine },
    supports: { ...base.supports, ...overrides.supports },
    drawer,
  };
  for (const font of ['A', 'B'] as const) {
    const n = profile.charsPerLine[font];
    if (!Number.isInteger(n) || n < 8 || n > 128)
      throw new ProfileError(`characters per line (font ${font}) must be 8..128, got ${n}`);
  }
  if (!Number.isInteger(profile.dots) || profile.dots < 8 || profile.dots > 2048)
    throw new ProfileError(`dots must be 8..2048, got ${profile.dots}`);
  if (!profile.supports.cut) profile.supports.partialCut = false;
  return profile;
}
