// `pos gateway stop-sale`: stop (or resume) selling every product with a tag, venue-wide, and see
// which tills confirmed it (POST / GET /v1/admin/stop-sale).
import type { StopSaleStatus } from '../../contract/gateway';
import { Tag } from '../../contract/menu';
import {
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  changeStopSale,
  getStopSaleStatus,
  parseCommandLine,
  type AdminTarget,
} from '../admin-client';
import { CliError, UsageError, type Outcome, type Reporter } from '../output';

export const usage = `Usage: pos gateway stop-sale --tag TAG [--resume] [--wait S] [--gateway URL] [--admin-token T] [--json]
       pos gateway stop-sale --status [--wait S] [--gateway URL] [--admin-token T] [--json]

Stops selling every product tagged TAG at every till of the venue (the demo tags its beers
"alcohol"), or with --resume sells them again. Each online till applies it within seconds, even
to a sale in progress (a stopped item cannot be paid for), and confirms. --status lists the
stopped tags, the products sold out venue-wide, and every till: confirmed (has the current
list), pending (online, not yet confirmed) or offline (not seen for 30 s).

Options:
  --tag TAG           the tag to stop (lower-case letters, digits, _ -)
  --resume            sell the tag's products again
  --status            only show the current list and the tills' confirmations
  --wait S            then wait up to S seconds until every online till confirmed (exit 1 if not)
${adminOptionsHelp}`;

export const stopSaleTable = (status: StopSaleStatus): string[] =>
  status.terminals.map(
    (t) =>
      `${t.state.padEnd(9)}  ${t.name.padEnd(20)}  ${t.terminalId}  confirmed ${t.confirmedVersion === null ? '-' : `v${t.confirmedVersion}`}${t.confirmedAt ? ` at ${t.confirmedAt}` : ''}  last seen ${t.lastSeenAt ?? 'never'}`,
  );

const counts = (status: StopSaleStatus): Record<'confirmed' | 'pending' | 'offline', number> => ({
  confirmed: status.terminals.filter((t) => t.state === 'confirmed').length,
  pending: status.terminals.filter((t) => t.state === 'pending').length,
  offline: status.terminals.filter((t) => t.state === 'offline').length,
});

export function parseWait(value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds > 3600)
    throw new UsageError(`--wait must be 0-3600 seconds, got "${value}"`, usage);
  return seconds;
}

/** Polls the status until no online till is pending, or the wait is over (then exit 1). */
export async function waitForConfirmations(
  target: AdminTarget,
  first: StopSaleStatus,
  seconds: number,
): Promise<StopSaleStatus> {
  const until = Date.now() + seconds * 1000;
  let status = first;
  while (counts(status).pending > 0) {
    if (Date.now() >= until) {
      const pending = status.terminals.filter((t) => t.state === 'pending').map((t) => t.name);
      throw new CliError(
        `after ${seconds} s, ${pending.length} online till(s) have not confirmed version ${status.version}: ${pending.join(', ')}`,
        'stop_sale.unconfirmed',
        { ...status },
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(250, Math.max(0, until - Date.now()))),
    );
    status = await getStopSaleStatus(target);
  }
  return status;
}

export function describeStatus(status: StopSaleStatus): string {
  const c = counts(status);
  const tags = status.tags.length > 0 ? `stopped: ${status.tags.join(', ')}` : 'nothing stopped';
  const soldOut =
    status.soldOut.length > 0 ? `; sold out venue-wide: ${status.soldOut.join(', ')}` : '';
  return `${tags}${soldOut} (version ${status.version}); tills: ${c.confirmed} confirmed, ${c.pending} pending, ${c.offline} offline`;
}

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(
    argv,
    {
      ...adminOptions,
      tag: { type: 'string' },
      resume: { type: 'boolean' },
      status: { type: 'boolean' },
      wait: { type: 'string' },
    },
    usage,
    { min: 0, max: 0, names: '' },
  );
  if (values.status && (values.tag !== undefined || values.resume))
    throw new UsageError('--status only shows; it does not go with --tag or --resume', usage);
  if (!values.status && values.tag === undefined)
    throw new UsageError('give --tag TAG (to stop or --resume it) or --status', usage);
  if (values.tag !== undefined && !Tag.safeParse(values.tag).success)
    throw new UsageError(
      `--tag must be lower-case letters, digits, _ or -, got "${values.tag}"`,
      usage,
    );
  const wait = parseWait(values.wait, usage);
  const target = adminTargetFrom(values, usage);

  let status =
    values.tag !== undefined
      ? await changeStopSale(target, {
          tag: values.tag,
          ...(values.resume ? { resume: true } : {}),
        })
      : await getStopSaleStatus(target);
  if (wait !== undefined) status = await waitForConfirmations(target, status, wait);
  if (!out.json) for (const line of stopSaleTable(status)) out.info(line);
  const did =
    values.tag === undefined
      ? ''
      : `${values.tag} ${values.resume ? 'resumed' : 'stopped'} venue-wide; `;
  return { message: `${did}${describeStatus(status)}`, data: { ...status } };
}
