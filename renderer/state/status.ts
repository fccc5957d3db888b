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

export async function loadStatus(): Promise<TerminalStatusDto | null> {
  const status = await call('terminal.getStatus', {});
  if (status) setStatus(status);
  return status;
}
