// `pos gateway summary`: the sales summary across terminals (GET /v1/reports/summary).
import type { SummaryReport } from '../../contract/gateway';
import {
  adminJson,
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  parseCommandLine,
} from '../admin-client';
import type { Outcome, Reporter } from '../output';
import { rangeOptions } from './gateway-export';

export const usage = `Usage: pos gateway summary [--from D] [--to D] [--terminal ID] [--gateway URL] [--admin-token T] [--json]

Prints the gateway's sales summary as JSON: currency, sales and refunds (count, gross amount in
minor units), and the breakdowns by tender, terminal, category and hour. Run it while tills
sell to watch their sales arrive.

Options:
  --from D, --to D    inclusive business dates YYYY-MM-DD or RFC 3339 instants (default: all)
  --terminal ID       one terminal only
${adminOptionsHelp}`;

export async function run(argv: string[], _out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(argv, { ...adminOptions, ...rangeOptions }, usage, {
    min: 0,
    max: 0,
    names: '',
  });
  const target = adminTargetFrom(values, usage);
  const summary = await adminJson<SummaryReport>(target, {
    method: 'GET',
    path: '/v1/reports/summary',
    query: { from: values.from, to: values.to, terminal: values.terminal },
  });
  return {
    message: `${summary.sales.count} sale(s), ${summary.sales.amount} ${summary.currency} minor units, over ${summary.byTerminal.length} terminal(s)`,
    data: { summary },
    output: `${JSON.stringify(summary, null, 2)}\n`,
  };
}
