// `pos gateway sold-out`: a product sold out at every till of the venue, or back in stock
// (POST /v1/admin/sold-out). Travels with the stop-sale list, so tills apply it within seconds.
import { CatalogId } from '../../contract/menu';
import {
  adminOptions,
  adminOptionsHelp,
  adminTargetFrom,
  changeSoldOut,
  parseCommandLine,
} from '../admin-client';
import { UsageError, type Outcome, type Reporter } from '../output';
import {
  describeStatus,
  parseWait,
  stopSaleTable,
  waitForConfirmations,
} from './gateway-stop-sale';

export const usage = `Usage: pos gateway sold-out --product ID [--back] [--wait S] [--gateway URL] [--admin-token T] [--json]

Marks the product ID sold out at every till of the venue (or with --back, in stock again). Each
online till applies it within seconds and confirms; \`pos gateway stop-sale --status\` lists them.

Options:
  --product ID        the catalog's product id (e.g. tsingtao)
  --back              in stock again
  --wait S            then wait up to S seconds until every online till confirmed (exit 1 if not)
${adminOptionsHelp}`;

export async function run(argv: string[], out: Reporter): Promise<Outcome> {
  const { values } = parseCommandLine(
    argv,
    {
      ...adminOptions,
      product: { type: 'string' },
      back: { type: 'boolean' },
      wait: { type: 'string' },
    },
    usage,
    { min: 0, max: 0, names: '' },
  );
  if (values.product === undefined) throw new UsageError('--product ID is required', usage);
  if (!CatalogId.safeParse(values.product).success)
    throw new UsageError(`--product must be a catalog id, got "${values.product}"`, usage);
  const wait = parseWait(values.wait, usage);
  const target = adminTargetFrom(values, usage);
  let status = await changeSoldOut(target, { productId: values.product, soldOut: !values.back });
  if (wait !== undefined) status = await waitForConfirmations(target, status, wait);
  if (!out.json) for (const line of stopSaleTable(status)) out.info(line);
  return {
    message: `${values.product} ${values.back ? 'back in stock' : 'sold out'} venue-wide; ${describeStatus(status)}`,
    data: { ...status },
  };
}
