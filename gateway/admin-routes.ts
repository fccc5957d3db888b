// Admin routes (Authorization: Bearer <admin token>, checked in onRequest before any body is
// read): enrollment codes, terminals, reference data, settlement export and the sales summary.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkCatalog } from '../contract/catalog-check';
import { parseCatalogCsv, type CatalogBody } from '../contract/catalog-csv';
import {
  CreateCodeReply,
  CreateCodeRequest,
  ErrorReply,
  ExportQuery,
  ReferenceBodies,
  ReferenceKind,
  ReferencePutReply,
  RevokeReply,
  SETTLEMENT_COLUMNS,
  SummaryQuery,
  SummaryReport,
  TerminalList,
} from '../contract/gateway';
import { canonicalJson } from '../lib/canonical-json';
import { isoUtc } from '../lib/clock';
import type { GatewayContext } from './context';
import { enrollmentCodeHash, fingerprintGroup, newEnrollmentSecret } from './enrollment-code';
import { HttpError } from './errors';
import { settlementCsv } from './settlement-csv';
import { isTimeZone } from './venue-time';

const admin = { auth: 'admin' as const };
const security = [{ adminToken: [] }];

/**
 * Checks and normalises a report range: real calendar dates, readable instants (as UTC ISO text,
 * which the store compares as text), and from ≤ to when both are the same kind.
 */
export function checkRange<Q extends SummaryQuery>(query: Q): Q {
  const out = { ...query };
  for (const key of ['from', 'to'] as const) {
    const value = query[key];
    if (value === undefined) continue;
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const ms = Date.parse(`${value}T00:00:00Z`);
      if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
        throw new HttpError(400, 'query.bad_date', `${key}=${value} is not a calendar date`);
      }
    } else {
      const ms = Date.parse(value);
      if (!Number.isFinite(ms))
        throw new HttpError(400, 'query.bad_date', `${key}=${value} is not a readable instant`);
      out[key] = new Date(ms).toISOString();
    }
  }
  if (
    out.from !== undefined &&
    out.to !== undefined &&
    out.from.length === out.to.length &&
    out.from > out.to
  ) {
    throw new HttpError(400, 'query.bad_range', `from ${out.from} is after to ${out.to}`);
  }
  return out;
}

function validationError(kind: string, error: z.ZodError): HttpError {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `/${issue.path.join('/')}` : '';
  return new HttpError(
    400,
    'validation',
    `body${where}: ${issue?.message ?? `not a valid ${kind} body`}`,
  );
}

export function registerAdminRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { store, clock } = ctx;

  r.post(
    '/v1/admin/enrollment-codes',
    {
      config: admin,
      schema: {
        summary: 'Create a one-time enrollment code',
        tags: ['admin'],
        security,
        body: CreateCodeRequest,
        response: { 201: CreateCodeReply, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const secret = newEnrollmentSecret();
      const code = ctx.certSha256 ? `${secret}-${fingerprintGroup(ctx.certSha256)}` : secret;
      const expiresAt = isoUtc(now + (request.body.ttlSeconds ?? 24 * 3600) * 1000);
      await store.insertEnrollmentCode({
        codeHash: enrollmentCodeHash(code),
        name: request.body.name,
        createdAt: isoUtc(now),
        expiresAt,
      });
      request.log.info({ name: request.body.name, expiresAt }, 'enrollment code created');
      return reply.code(201).send({ code, name: request.body.name, expiresAt });
    },
  );

  r.get(
    '/v1/admin/terminals',
    {
      config: admin,
      schema: {
        summary: 'List enrolled terminals',
        tags: ['admin'],
        security,
        response: { 200: TerminalList, 401: ErrorReply },
      },
    },
    async () => ({ terminals: await store.listTerminals() }),
  );

  r.post(
    '/v1/admin/terminals/:id/revoke',
    {
      config: admin,
      schema: {
        summary: 'Revoke a terminal: its signed requests get 401 terminal.revoked from now on',
        tags: ['admin'],
        security,
        params: z.object({ id: z.string().min(1).max(64) }),
        response: { 200: RevokeReply, 401: ErrorReply, 404: ErrorReply },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await store.revokeTerminal(id)))
        throw new HttpError(404, 'terminal.unknown', `no terminal ${id}`);
      request.log.warn({ terminalId: id }, 'terminal revoked');
      return { terminalId: id, status: 'revoked' as const };
    },
  );

  r.put(
    '/v1/admin/reference/:kind',
    {
      config: { ...admin, rawTypes: ['text/csv'] },
      bodyLimit: ctx.limits.referenceBodyLimitBytes,
      schema: {
        summary: 'Publish a new version of reference data',
        description:
          'JSON body per kind (ReferenceBodies in contract/gateway.ts). The catalog also accepts text/csv (docs/catalog-import.md).',
        tags: ['admin'],
        security,
        params: z.object({ kind: ReferenceKind }),
        consumes: ['application/json', 'text/csv'],
        response: {
          200: ReferencePutReply,
          400: ErrorReply,
          401: ErrorReply,
          413: ErrorReply,
          415: ErrorReply,
        },
      },
    },
    async (request) => {
      const { kind } = request.params;
      const raw: unknown = request.body;
      let body: unknown;
      if (Buffer.isBuffer(raw)) {
        if (kind !== 'catalog')
          throw new HttpError(
            415,
            'body.unsupported_media_type',
            `only the catalog accepts text/csv; send ${kind} as JSON`,
          );
        const venue = await ctx.venue();
        const result = parseCatalogCsv(raw.toString('utf8'), venue.currency);
        if (!result.ok) {
          const listed = result.problems.slice(0, 10).map((p) => `line ${p.line}: ${p.message}`);
          const more =
            result.problems.length > 10 ? `; and ${result.problems.length - 10} more` : '';
          throw new HttpError(400, 'catalog.csv_invalid', `${listed.join('; ')}${more}`);
        }
        body = result.catalog;
      } else {
        const parsed = ReferenceBodies[kind].safeParse(raw);
        if (!parsed.success) throw validationError(kind, parsed.error);
        body = parsed.data;
      }
      if (kind === 'catalog') {
        const check = checkCatalog(body as CatalogBody);
        if (!check.ok) {
          const listed = check.problems.slice(0, 10).map((p) => `${p.path}: ${p.message}`);
          const more = check.problems.length > 10 ? `; and ${check.problems.length - 10} more` : '';
          throw new HttpError(400, 'catalog.invalid', `${listed.join('; ')}${more}`);
        }
      }
      if (kind === 'config' && !isTimeZone((body as { timeZone: string }).timeZone)) {
        throw new HttpError(
          400,
          'validation',
          `body/timeZone: unknown time zone "${(body as { timeZone: string }).timeZone}"`,
        );
      }
      const version = await store.putReference(kind, canonicalJson(body), isoUtc(clock.now()));
      request.log.info({ kind, version }, 'reference data published');
      return { kind, version };
    },
  );

  r.get(
    '/v1/admin/export',
    {
      config: admin,
      schema: {
        summary: 'Settlement export: one CSV row per payment',
        tags: ['admin'],
        security,
        querystring: ExportQuery,
        produces: ['text/csv'],
        response: {
          200: z.string().describe(`CSV with the columns ${SETTLEMENT_COLUMNS.join(',')}`),
          400: ErrorReply,
          401: ErrorReply,
        },
      },
    },
    async (request, reply) => {
      const { format: _format, ...query } = checkRange(request.query);
      const rows = await store.settlement(query);
      const name = `settlement-${query.from?.slice(0, 10) ?? 'start'}-${query.to?.slice(0, 10) ?? 'now'}.csv`;
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(settlementCsv(rows));
    },
  );

  r.get(
    '/v1/reports/summary',
    {
      config: admin,
      schema: {
        summary: 'Sales summary across terminals',
        tags: ['admin'],
        security,
        querystring: SummaryQuery,
        response: { 200: SummaryReport, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const query = checkRange(request.query);
      const venue = await ctx.venue();
      return store.summary({ ...query, currency: venue.currency });
    },
  );
}
