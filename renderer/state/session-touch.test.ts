import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createFakePos, ok, type FakePos } from '../testing/fake-pos';
import { resetStores } from '../testing/reset';
import { noteActivity, resetActivity, sessionStore, TOUCH_EVERY_MS } from './session';

let fake: FakePos;
beforeEach(() => {
  resetStores();
  resetActivity();
  fake = createFakePos();
  vi.stubGlobal('window', { pos: fake.api });
  fake.reply('staff.touch', () => ok({ state: 'active', staff: null, since: null, idleLockSeconds: 300 }));
});
afterEach(() => {
  resetStores();
  vi.unstubAllGlobals();
});

it('tells the terminal of taps while someone is signed in, at most every 15 s', () => {
  noteActivity(1_000_000);
  expect(fake.calls.filter((c) => c.method === 'staff.touch')).toHaveLength(0); // nobody signed in
  sessionStore.setState({ session: { state: 'active', staff: { id: 'c', name: 'Li Na', role: 'cashier' }, since: null, idleLockSeconds: 300 } });
  noteActivity(1_000_000);
  noteActivity(1_000_000 + TOUCH_EVERY_MS - 1);
  noteActivity(1_000_000 + TOUCH_EVERY_MS);
  expect(fake.calls.filter((c) => c.method === 'staff.touch')).toHaveLength(2);
});
