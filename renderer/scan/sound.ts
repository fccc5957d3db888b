// Short sound cues for scans, drawn with WebAudio (no audio files to ship): a rising chirp when a
// scan did something, a low buzz when it did not. A cashier hears the result without looking up.
export type Cue = 'ok' | 'error';

interface Tone {
  freq: number;
  to: number;
  ms: number;
  type: OscillatorType;
}

const TONES: Record<Cue, Tone> = {
  ok: { freq: 1400, to: 2000, ms: 90, type: 'sine' },
  error: { freq: 220, to: 180, ms: 260, type: 'square' },
};

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (context) return context;
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return null;
  try {
    context = new Ctor();
  } catch {
    return null;
  }
  return context;
}

/** Plays a cue; silently nothing where there is no audio (tests, a PC without a sound card). */
export function playCue(cue: Cue): void {
  const ctx = audio();
  if (!ctx) return;
  try {
    if (ctx.state === 'suspended') void ctx.resume();
    const tone = TONES[cue];
    const start = ctx.currentTime;
    const end = start + tone.ms / 1000;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = tone.type;
    osc.frequency.setValueAtTime(tone.freq, start);
    osc.frequency.linearRampToValueAtTime(tone.to, end);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.2, start + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, end);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start);
    osc.stop(end + 0.02);
  } catch {
    // A cue is a courtesy: never let audio trouble stop a sale.
  }
}
