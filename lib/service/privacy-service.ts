import type { IdentifyRequest } from '../contacts/model.js';
import { type RetryOptions, retrying } from '../runtime/retry.js';
import type { AuditContext, Erased, PrivacyRepository, Unlinked, UnlinkRequest } from '../store/privacy-repository.js';
import type { IdentifyCall } from './identify-service.js';

export interface PrivacyServiceOptions {
  repository: Pick<PrivacyRepository, 'eraseRoots' | 'erase' | 'unlink' | 'block' | 'unblock'>;
  retry: Omit<RetryOptions, 'timeLeftMs' | 'onRetry'>;
}

/**
 * POST /erase, /unlink, /block and /unblock: each one transaction with its audit record, retried as one unit
 * (a deadlock, a group that moved between the read and the lock, the database resuming).
 */
export class PrivacyService {
  constructor(private readonly options: PrivacyServiceOptions) {}

  /** Every group that holds the email or the phone, erased as one serializable step. */
  erase(request: IdentifyRequest, suppress: boolean, audit: AuditContext, call: IdentifyCall): Promise<Erased> {
    const repository = this.options.repository;
    return this.retried(async () => repository.erase(request, await repository.eraseRoots(request), suppress, audit), call);
  }

  /** The value taken out of every live row, and the groups that held it split, as one serializable step. */
  unlink(request: UnlinkRequest, block: boolean, audit: AuditContext, call: IdentifyCall): Promise<Unlinked> {
    const repository = this.options.repository;
    return this.retried(async () => repository.unlink(request, await repository.eraseRoots(request), block, audit), call);
  }

  block(request: IdentifyRequest, audit: AuditContext, call: IdentifyCall): Promise<number> {
    return this.retried(() => this.options.repository.block(request, audit), call);
  }

  unblock(request: IdentifyRequest, audit: AuditContext, call: IdentifyCall): Promise<number> {
    return this.retried(() => this.options.repository.unblock(request, audit), call);
  }

  private retried<T>(work: () => Promise<T>, call: IdentifyCall): Promise<T> {
    return retrying(work, { ...this.options.retry, timeLeftMs: call.timeLeftMs, onRetry: call.onRetry });
  }
}
