// Shifts and the business day (issue 7): the opening float counted by denomination, cash drops,
// paid-in and paid-out, the drawer opened with no sale, the X report, the blind count with
// over/short, and the Z that closes the terminal's day. Every step is one transaction with its
// journal entry and outbox event; supervisor approvals are journaled naming both people.
import { PosError, type ShiftDto } from '../../contract/api';
import type { Role } from '../../contract/menu';
import {
  CountError,
  countTotal,
  denominationsOf,
  type DenominationCount,
  type ReportDto,
} from '../../contract/shifts';
import type { VenueConfig } from '../../contract/venue';
import { appendJournal } from '../../db/journal';
import type { Db } from '../../db/open';
import { appendOutbox } from '../../db/outbox';
import { shiftFigures } from '../../db/reports';
import { buildReport } from './report-build';
import {
  closeShiftRow,
  getShift,
  insertCashMovement,
  insertShift,
  insertZ,
  lastZ,
  openShiftOf,
  openShifts,
  recordCount,
  markRefusalsReported,
  unreportedRefusals,
  shiftReport,
  shiftsAwaitingZ,
  zReport,
  type CashMovementKind,
  type ShiftRow,
} from '../../db/shifts';
import { staffMembers } from '../../db/staff';
import { businessDate, isoUtc, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { enqueuePrintJob } from '../../db/print-jobs';
import { enqueueDrawerKick, type ReportJobPayload } from '../printing/print-worker';
import type { StaffService } from '../staff/staff-service';

export interface ShiftServiceDeps {
  db: Db;
  clock: Clock;
  terminalId: string;
  venue: () => VenueConfig;
  staff: StaffService;
  /** The drawer this till uses (one open shift per drawer). */
  drawerId?: string;
  /** A card payment is between start and outcome: the day cannot close. */
  cardInProgress: () => boolean;
  /** Outbox events not yet at the gateway; offline card payments not yet forwarded. */
  unsynced: () => number;
  unforwarded: () => number;
  printReceipts?: boolean;
  onChanged: (shift: ShiftDto | null) => void;
}

export interface ShiftService {
  current(): ShiftDto | null;
  /** The open (not counted) shift of this drawer, for sales and refunds; null when none. */
  selling(): ShiftRow | null;
  open(cashierId: string, float: DenominationCount[], supervisorPin?: string): Promise<ShiftDto>;
  cashMovement(input: {
    kind: 'drop' | 'paid_in' | 'paid_out';
    amount?: number | undefined;
    counts?: DenominationCount[] | undefined;
    reason?: string | undefined;
    supervisorPin?: string | undefined;
  }): Promise<ShiftDto>;
  noSale(reason: string, supervisorPin?: string): Promise<ShiftDto>;
  x(): ReportDto;
  count(counts: DenominationCount[]): ShiftDto;
  close(note: string, supervisorPin?: string): Promise<ReportDto>;
  closeDay(supervisorPin?: string): Promise<ReportDto>;
  /** A closed shift's or Z's report (latest when no id/number). */
  report(kind: 'shift' | 'z', id?: string | number): ReportDto | undefined;
}

export function createShiftService(deps: ShiftServiceDeps): ShiftService {
  const { db, clock, staff } = deps;
  const drawerId = deps.drawerId ?? 'main';
  const now = (): string => isoUtc(clock.now());
  const venue = deps.venue;
  const denominations = (): readonly number[] => denominationsOf(venue().currency, venue().denominations);
  const today = (): string => businessDate(clock.now(), venue().timeZone, venue().dayChange);

  function toDto(s: ShiftRow): ShiftDto {
    const counted = s.counts !== null;
    return {
      shiftId: s.shiftId,
      drawerId: s.drawerId,
      cashier: { id: s.cashierId, name: s.cashierName },
      openedBy: s.openedBy,
      openedAt: s.openedAt,
      businessDate: s.businessDate,
      openingFloat: s.openingFloat,
      status: s.status === 'closed' ? 'closed' : counted ? 'counted' : 'open',
      // Blind: nothing about expected cash before the count.
      counted: counted ? s.counted : null,
      expected: counted ? s.expected : null,
      overShort: counted ? s.overShort : null,
      denominations: [...denominations()],
    };
  }

  function publish(): ShiftDto | null {
    const s = openShiftOf(db, drawerId);
    const dto = s ? toDto(s) : null;
    deps.onChanged(dto);
    return dto;
  }

  function total(counts: DenominationCount[]): number {
    try {
      return countTotal(counts, denominations());
    } catch (err) {
      if (err instanceof CountError) throw new PosError('shift.bad_count', err.message);
      throw err;
    }
  }

  function event(type: string, at: string, data: Record<string, unknown>): void {
    const record = { terminalId: deps.terminalId, ...data };
    appendJournal(db, at, type, record);
    appendOutbox(db, { terminalId: deps.terminalId, type, at, businessDate: today(), data: record });
  }

  /**
   * The report's paper copy: a print job in the caller's transaction, so a report that is stored
   * is also queued, and nothing prints for one that did not commit. Without a printer the job is
   * recorded as cancelled, as sale receipts are.
   */
  function queueReport(report: ReportDto, at: string): void {
    const payload: ReportJobPayload = { report };
    enqueuePrintJob(db, {
      kind: 'report',
      payload,
      at,
      ...(deps.printReceipts === false ? { cancelledReason: 'no printer configured' } : {}),
    });
  }

  function openShift(): ShiftRow {
    const s = openShiftOf(db, drawerId);
    if (!s) throw new PosError('shift.not_open', 'no shift is open on this drawer');
    return s;
  }

  function sellingShift(): ShiftRow {
    const s = openShift();
    if (s.counts !== null) throw new PosError('shift.not_open', 'the shift is counted and waits to be closed');
    return s;
  }

  function build(kind: ReportDto['kind'], shifts: readonly ShiftRow[], extra: Partial<ReportDto> = {}): ReportDto {
    return {
      ...buildReport({
        kind,
        shifts,
        figures: shiftFigures(db, shifts.map((x) => x.shiftId)),
        venue: venue(),
        terminalId: deps.terminalId,
        now: now(),
        today: today(),
        unsynced: deps.unsynced(),
        unforwarded: deps.unforwarded(),
      }),
      ...extra,
    };
  }

  async function move(
    kind: CashMovementKind,
    amount: number,
    counts: DenominationCount[] | null,
    reason: string | null,
    pin: string | undefined,
    role: Role,
  ): Promise<ShiftDto> {
    const { actor, approver } = await staff.authorize(pin, role, kind === 'no_sale' ? 'drawer.no_sale' : `cash.${kind}`, reason);
    const at = now();
    db.transaction(() => {
      const shift = sellingShift();
      const movementId = newId();
      insertCashMovement(db, {
        movementId,
        shiftId: shift.shiftId,
        kind,
        amount,
        counts,
        reason,
        staffId: actor.id,
        approvedBy: approver.id === actor.id ? null : approver.id,
        at,
        businessDate: today(),
      });
      event('cash.movement', at, { movementId, shiftId: shift.shiftId, kind, amount, reason, by: actor, approvedBy: approver });
      // Every movement needs the drawer open: the kick is a row of this same commit.
      enqueueDrawerKick(db, at, deps.printReceipts === false ? { cancelledReason: 'no printer configured' } : {});
    })();
    return publish()!;
  }

  return {
    current() {
      const s = openShiftOf(db, drawerId);
      return s ? toDto(s) : null;
    },

    selling() {
      const s = openShiftOf(db, drawerId);
      return s && s.counts === null ? s : null;
    },

    async open(cashierId, float, supervisorPin) {
      // What can be refused is refused before anyone is asked to approve it.
      staff.require('cashier');
      const cashier = staffMembers(db).find((m) => m.id === cashierId);
      if (!cashier) throw new PosError('validation', `no staff member ${cashierId}`);
      const openingFloat = total(float);
      if (openShiftOf(db, drawerId)) throw new PosError('shift.already_open', `drawer ${drawerId} already has a shift`);
      const { approver } = await staff.authorize(supervisorPin, 'supervisor', 'shift.open', null);
      const at = now();
      db.transaction(() => {
        if (openShiftOf(db, drawerId)) throw new PosError('shift.already_open', `drawer ${drawerId} already has a shift`);
        const shiftId = newId();
        insertShift(db, {
          shiftId,
          drawerId,
          cashierId: cashier.id,
          cashierName: cashier.name,
          openedBy: approver.id,
          openedAt: at,
          businessDate: today(),
          openingFloat,
          floatCounts: float,
        });
        event('shift.opened', at, {
          shiftId,
          drawerId,
          cashier: { id: cashier.id, name: cashier.name },
          openedBy: approver,
          openingFloat,
          floatCounts: float,
        });
      })();
      return publish()!;
    },

    cashMovement(input) {
      sellingShift();
      const amount = input.counts ? total(input.counts) : (input.amount ?? 0);
      if (amount <= 0) throw new PosError('shift.bad_count', 'the amount must be positive');
      if (input.kind !== 'drop' && input.reason === undefined) {
        throw new PosError('validation', `a ${input.kind.replace('_', '-')} needs a reason`);
      }
      return move(
        input.kind,
        amount,
        input.counts ?? null,
        input.reason ?? null,
        input.supervisorPin,
        input.kind === 'paid_in' ? 'cashier' : 'supervisor',
      );
    },

    noSale(reason, supervisorPin) {
      sellingShift();
      return move('no_sale', 0, null, reason, supervisorPin, 'supervisor');
    },

    x() {
      staff.require('cashier');
      const report = db.transaction(() => {
        const r = build('x', [openShift()]);
        queueReport(r, r.generatedAt);
        return r;
      })();
      publish();
      return report;
    },

    count(counts) {
      const actor = staff.require('cashier');
      if (deps.cardInProgress()) throw new PosError('day.not_ready', 'a card payment is in progress: finish it before counting');
      const counted = total(counts);
      const at = now();
      const shiftId = db.transaction(() => {
        const shift = sellingShift();
        const expected = build('x', [shift]).expectedCash;
        recordCount(db, shift.shiftId, counts, counted, expected);
        event('shift.counted', at, { shiftId: shift.shiftId, counts, counted, expected, overShort: counted - expected, by: actor });
        if (Math.abs(counted - expected) <= venue().overShortTolerance) {
          const closed = { ...shift, counts, counted, expected, overShort: counted - expected };
          const report = build('shift', [{ ...closed, closedAt: at }]);
          closeShiftRow(db, shift.shiftId, { closedAt: at, closedBy: actor.id, approvedBy: null, note: null, report });
          event('shift.closed', at, { shiftId: shift.shiftId, report });
          queueReport(report, at);
        }
        return shift.shiftId;
      })();
      publish();
      return toDto(getShift(db, shiftId)!);
    },

    async close(note, supervisorPin) {
      if (openShift().counts === null) throw new PosError('shift.not_open', 'count the drawer first (blind count)');
      const { actor, approver } = await staff.authorize(supervisorPin, 'supervisor', 'shift.close', note);
      const at = now();
      const shiftId = db.transaction(() => {
        const shift = openShift();
        if (shift.counts === null) throw new PosError('shift.not_open', 'count the drawer first (blind count)');
        const report = build('shift', [{ ...shift, closedAt: at }]);
        closeShiftRow(db, shift.shiftId, { closedAt: at, closedBy: actor.id, approvedBy: approver.id, note, report });
        event('shift.closed', at, { shiftId: shift.shiftId, report, approvedBy: approver, note });
        queueReport(report, at);
        return shift.shiftId;
      })();
      publish();
      return report('shift', shiftId)!;
    },

    async closeDay(supervisorPin) {
      staff.require('cashier');
      if (deps.cardInProgress()) throw new PosError('day.not_ready', 'a card payment is in progress: finish it first');
      if (openShifts(db).length > 0) throw new PosError('day.not_ready', 'close every shift first');
      const { approver } = await staff.authorize(supervisorPin, 'supervisor', 'day.close', null);
      const at = now();
      const zNo = db.transaction(() => {
        const open = openShifts(db);
        if (open.length > 0) {
          throw new PosError('day.not_ready', `close every shift first (${open.map((s) => s.cashierName).join(', ')} still open)`);
        }
        const shifts = shiftsAwaitingZ(db);
        const previous = lastZ(db);
        const no = (previous?.zNo ?? 0) + 1;
        const base = build('z', shifts);
        // Refusals no Z has shown yet: those of this Z's own shifts are in its figures; the others
        // came after their shift's day closed (late refusals), charged to their own shift.
        const unreported = unreportedRefusals(db);
        const late = unreported.filter((r) => !shifts.some((s) => s.shiftId === r.shiftId));
        const grandTotal = (previous?.grandTotal ?? 0) + base.sales.amount - base.refunds.amount;
        const report: ReportDto = {
          ...base,
          zNumber: no,
          lateRefusals: late.map(({ paymentId, shiftId, amount }) => ({ paymentId, shiftId, amount })),
          grandTotal,
          from: shifts[0]?.openedAt ?? previous?.closedAt ?? null,
          to: at,
        };
        markRefusalsReported(db, unreported.map((r) => r.paymentId), no);
        insertZ(db, { zNo: no, businessDate: report.businessDate, closedAt: at, closedBy: approver.id, grandTotal, report, shiftIds: shifts.map((s) => s.shiftId) });
        event('day.closed', at, { zNumber: no, report });
        queueReport(report, at);
        return no;
      })();
      publish();
      return report('z', zNo)!;
    },

    report,
  };

  function report(kind: 'shift' | 'z', id?: string | number): ReportDto | undefined {
    if (kind === 'shift') return shiftReport(db, typeof id === 'string' ? id : undefined) as ReportDto | undefined;
    return zReport(db, typeof id === 'number' ? id : undefined) as ReportDto | undefined;
  }
}
