import { createStore } from 'zustand/vanilla';
import type { TerminalStatusDto } from '../../contract/api';
import { call } from './call';

export interface StatusState {
  status: TerminalStatusDto | null;
}

export const initialStatusState: StatusState = { status: null };
export const statusStore = createStore<StatusState>()(() => initialStatusState);

export function setStatus(status: TerminalStatusDto): void {
  statusStore.setState({ status });
}

/** Offline drill (ARCHITECTURE §6): the till stops sending, keeps selling, then catches up. */
export async function setForcedOffline(offline: boolean): Promise<void> {
  const status = await call('sync.setForcedOffline', { offline });
  if (status) setStatus(status);
}

export async function loadStatus(): Promise<TerminalStatusDto | null> {
  const status = await call('terminal.getStatus', {});
  if (status) setStatus(status);
  return status;
}
