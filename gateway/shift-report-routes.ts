// The venue's shifts and Z reports: `GET /v1/reports/shifts` (JSON, admin bearer token) and the
// page `GET /reports/shifts` (HTML, the admin token as bearer or as `?token=`, so a browser can open
// it; the token is cut from the request log like a receipt token).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorReply, ShiftsQuery, ShiftsReport } from '../contract/gateway';
import { checkRange } from './admin-routes';
import type { GatewayContext } from './context';
import { HttpError } from './errors';
import { adminTokenMatches } from './request-auth';
import { renderShiftsPage, SHIFTS_PAGE_HEADERS } from './shifts-page';

const security = [{ adminToken: [] }];

export function registerShiftReportRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { store } = ctx;

  r.get(
    '/v1/reports/shifts',
    {
      config: { auth: 'admin' as const },
      schema: {
        summary: "Every terminal's shifts: sales, over/short, Z number, late card refusals",
        description:
          'Business dates `from`/`to` (inclusive) and `terminal` narrow the list. A closed shift shows its report\'s figures; an open one what the gateway holds of its sales so far.',
        tags: ['admin'],
        security,
        querystring: ShiftsQuery,
        response: { 200: ShiftsReport, 400: ErrorReply, 401: ErrorReply },
      },
    },
    async (request) => {
      const query = checkRange(request.query);
      const shifts = await store.shifts(query);
      return {
        shifts: shifts.map((s) => ({
          terminalId: s.terminalId,
          shiftId: s.shiftId,
          businessDate: s.businessDate,
          status: s.status,
          sales: s.sales,
          overShort: s.overShort,
          zNumber: s.zNumber,
          lateRefusals: s.lateRefusals,
        })),
      };
    },
  );

  r.get(
    '/reports/shifts',
    {
      schema: {
        summary: "Page (HTML, Chinese and English): every terminal's shifts and Z reports",
        description: 'The admin token as `Authorization: Bearer` or as the `token` query parameter.',
        tags: ['admin'],
        security,
        querystring: ShiftsQuery.extend({ token: z.string().max(512).optional() }),
        produces: ['text/html'],
      },
    },
    async (request, reply) => {
      pageAuth(ctx, request, request.query.token);
      const { token: _token, ...rest } = request.query;
      const query = checkRange(rest);
      const [venue, shifts, zReports, terminals] = await Promise.all([
        ctx.venue(),
        store.shifts(query),
        store.zReports(query),
        store.listTerminals(),
      ]);
      void reply.headers(SHIFTS_PAGE_HEADERS);
      return reply.send(
        renderShiftsPage({
          venue,
          terminals: new Map(terminals.map((t) => [t.terminalId, t.name])),
          shifts,
          zReports,
          query,
        }),
      );
    },
  );
}

function pageAuth(ctx: GatewayContext, request: FastifyRequest, token: string | undefined): void {
  const header = request.headers.authorization;
  const ok = header !== undefined ? adminTokenMatches(header, ctx.adminToken) : adminTokenMatches(`Bearer ${token ?? ''}`, ctx.adminToken);
  if (!ok) {
    throw new HttpError(401, 'admin.unauthorized', 'this page needs the admin token (Authorization: Bearer, or ?token=)', {
      headers: { 'www-authenticate': 'Bearer realm="venue-pos-gateway"' },
    });
  }
}
