import type { Migration } from '../migrate';
import { migration001 } from './001-initial';
import { migration002 } from './002-print-jobs';
import { migration003 } from './003-card-payments';
import { migration004 } from './004-refunds';
import { migration005 } from './005-menu';
import { migration006 } from './006-staff-shifts';
import { migration007 } from './007-refusals-on-z';
import { migration008 } from './008-wallet-payments';

/** Every terminal migration in order. Append only: never edit one that has shipped. */
export const terminalMigrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
];
