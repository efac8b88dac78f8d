import type { ContactRepository } from './contact-repository.js';
import { applyPlan, planKind, reconcile, view, type ContactRow, type IdentifyResponse, type Plan, type PlanKind } from './reconcile.js';
import type { IdentifyRequest } from './request.js';
import { retrying, type RetryOptions, type TransientKind } from './retry.js';

/**
 * The use case: read -> plan -> write -> view, retried as one unit.
 *
 * The first attempt is optimistic: a repeat customer is answered from one read; a new customer or a
 * new detail is one conditional INSERT that re-checks the plan's premises under locks. A merge, or
 * any attempt after a conflict, takes the transactional path (lock, re-check, write, commit).
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
    const rows = await repository.findGroups(request);
    const plan = reconcile(rows, request);
    const kind = planKind(plan);
    if (kind === 'read') return settled(rows, plan, request);

    if (!afterConflict && kind === 'create') {
      return settled(rows, plan, request, await repository.insertPrimaryIfAbsent(request));
    }
    if (!afterConflict && kind === 'link') {
      return settled(rows, plan, request, await repository.insertSecondaryIfUnchanged(request, rows, plan.primaryId!));
    }
    return repository.withLockedGroups(
      request,
      roots(rows),
      (locked) => reconcile(locked, request),
      (locked, lockedPlan, insertedId) => settled(locked, lockedPlan, request, insertedId),
    );
  }
}

/** The answer and outcome once `plan` is carried out over `rows` (`insertedId`: the new row, if any). */
function settled(rows: readonly ContactRow[], plan: Plan, request: IdentifyRequest, insertedId?: number): Omit<IdentifyResult, 'attempts'> {
  const group = applyPlan(rows, plan, request, insertedId);
  return { response: view(group, plan.primaryId ?? insertedId!), outcome: OUTCOME[planKind(plan)] };
}

function roots(rows: readonly ContactRow[]): number[] {
  return [...new Set(rows.map((row) => row.linkedId ?? row.id))];
}
