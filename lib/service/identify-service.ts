import type { ContactRow, IdentifyRequest, IdentifyResponse } from '../contacts/model.js';
import { applyPlan, type Plan, type PlanKind, planKind, reconcile, view } from '../contacts/reconcile.js';
import { withoutBlocked } from '../contacts/request.js';
import { escapedBodyBytes, MAX_ESCAPED_BODY_BYTES } from '../contacts/response-size.js';
import { GroupTooLarge } from '../errors.js';
import { type RetryOptions, retrying, type TransientKind } from '../runtime/retry.js';
import { type ContactRepository, rootsAreLivePrimaries } from '../store/contact-repository.js';

/**
 * The use case: read -> plan -> write -> view, retried as one unit.
 *
 * The first attempt is optimistic: a repeat customer is answered from one read; a new customer or a
 * new detail is one conditional INSERT, and a merge one conditional UPDATE (in one transaction with
 * the INSERT of its recorded pairing), that re-checks the plan's premises under locks. A merge that must also insert, groups left untidy (a soft-deleted primary),
 * or any attempt after a conflict take the transactional path (lock, re-check, write, commit).
 * An answer too large for a Lambda response is refused (GroupTooLarge) before anything is written.
 */

export type Outcome = 'read' | 'created' | 'linked' | 'merged';

const OUTCOME: Record<PlanKind, Outcome> = { read: 'read', create: 'created', link: 'linked', merge: 'merged' };

export interface IdentifyResult {
  response: IdentifyResponse;
  outcome: Outcome;
  attempts: number;
}

export interface IdentifyServiceOptions {
  repository: ContactRepository;
  retry: Omit<RetryOptions, 'timeLeftMs' | 'onRetry'>;
}

export interface IdentifyCall {
  timeLeftMs: () => number;
  onRetry?: (kind: TransientKind, attempt: number) => void;
}

export class IdentifyService {
  constructor(private readonly options: IdentifyServiceOptions) {}

  identify(request: IdentifyRequest, call: IdentifyCall): Promise<IdentifyResult> {
    let attempts = 0;
    return retrying(
      async (attempt) => {
        attempts = attempt;
        const result = await this.attempt(request, attempt > 1);
        return { ...result, attempts };
      },
      { ...this.options.retry, timeLeftMs: call.timeLeftMs, onRetry: call.onRetry },
    );
  }

  private async attempt(request: IdentifyRequest, afterConflict: boolean): Promise<Omit<IdentifyResult, 'attempts'>> {
    const repository = this.options.repository;
    const read = await repository.findGroups(request);
    // A stored blocked value matched nothing and is stored nowhere: the request goes on without it, and
    // every write below re-checks that it is still blocked (`dropped`), as it re-checks the rest of the read.
    const dropped = { email: read.blocked.email ? request.email : null, phoneNumber: read.blocked.phone ? request.phoneNumber : null };
    request = withoutBlocked(request, read.blocked);
    const rows = read.rows;
    const plan = reconcile(rows, request);
    const kind = planKind(plan);
    if (kind === 'read') return settled(rows, plan, request);

    if (!afterConflict && kind === 'create') {
      return settled(rows, plan, request, await repository.insertPrimaryIfAbsent(request, dropped));
    }
    if (!afterConflict && kind === 'link') {
      assertReturnable(rows, plan, request);
      return carriedOut(rows, plan, request, await repository.insertSecondaryIfUnchanged(request, rows, plan.primaryId!, dropped, read.blockedVersion));
    }
    if (!afterConflict && kind === 'merge' && !plan.insert && rootsAreLivePrimaries(read)) {
      assertReturnable(rows, plan, request);
      await repository.relinkGroupsIfUnchanged(request, read, plan.primaryId!, plan.relink.length, dropped);
      return carriedOut(rows, plan, request);
    }
    const written = await repository.withLockedGroups(
      request,
      read,
      (locked) => {
        const lockedPlan = reconcile(locked, request);
        assertReturnable(locked, lockedPlan, request); // before any write: a refused answer writes nothing
        return lockedPlan;
      },
      dropped,
    );
    return carriedOut(written.rows, written.plan, request, written.insertedId);
  }
}

/** The answer and outcome once `plan` is carried out over `rows` (`insertedId`: the new row, if any). */
function settled(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest, insertedId?: number): Omit<IdentifyResult, 'attempts'> {
  const result = carriedOut(rows, plan, request, insertedId);
  refuseIfTooLarge(result.response);
  return result;
}

/** The same, where assertReturnable already sized this answer before the write (with the longest possible new id). */
function carriedOut(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest, insertedId?: number): Omit<IdentifyResult, 'attempts'> {
  return { response: answer(rows, plan, request, insertedId), outcome: OUTCOME[planKind(plan)] };
}

function answer(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest, insertedId?: number): IdentifyResponse {
  const group = applyPlan(rows, plan, request, insertedId);
  return view(group, plan.primaryId ?? insertedId!);
}

/** The largest id an INSERT can return (INT): a stand-in for the row not inserted yet, never shorter than the real one. */
const LONGEST_ID = 2_147_483_647;

/** Throws GroupTooLarge when the answer after `plan` could not be returned; called before writing. */
function assertReturnable(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest): void {
  refuseIfTooLarge(answer(rows, plan, request, plan.insert ? LONGEST_ID : undefined));
}

function refuseIfTooLarge(response: IdentifyResponse): void {
  const bytes = escapedBodyBytes(response);
  if (bytes > MAX_ESCAPED_BODY_BYTES) {
    throw new GroupTooLarge(response.contact.secondaryContactIds.length + 1, bytes, MAX_ESCAPED_BODY_BYTES);
  }
}
