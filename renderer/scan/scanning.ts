// Scanning on: both kinds of scanner feed the one router. Keyboard-wedge scans are recognised
// here in the renderer; HID and serial scanners come from the terminal as 'scanner.scan'. Both
// queue, so scans are handled one at a time in the order they were read.
import { useEffect } from 'react';
import { pos } from '../pos';
import { showError } from '../state/ui';
import { installWedge } from './dom';
import { queueScan, snapshotTyped } from './router';
import { loadWedgeSettings, saveWedgeSettings } from './settings';
import { playCue } from './sound';
import type { WedgeDetector, WedgeSettings } from './wedge';

let live: WedgeDetector | null = null;

/** Starts both scanner paths; returns how to stop them. */
export function startScanning(): () => void {
  const offScan = pos().on('scanner.scan', (scan) => void queueScan(scan.text));
  const wedge = installWedge(
    {
      onScan: (text) => void queueScan(text),
      snapshot: snapshotTyped,
      onBroken: () => {
        playCue('error');
        showError({ code: 'not_found', message: 'a wedge scan was cut by another key' }, { key: 'scan.broken' });
      },
    },
    loadWedgeSettings(),
  );
  live = wedge.detector;
  return () => {
    offScan();
    wedge.stop();
    if (live === wedge.detector) live = null;
  };
}

/** Changes this counter's wedge settings now and for the next start. */
export function setWedgeSettings(settings: Partial<WedgeSettings>): WedgeSettings {
  const next = saveWedgeSettings(settings);
  live?.configure(next);
  return next;
}

/** The app's scanning, for as long as the app is on screen. */
export function useScanning(): void {
  useEffect(() => startScanning(), []);
}
