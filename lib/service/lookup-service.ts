import { type LookupResponse, lookupView } from '../contacts/lookup-view.js';
import type { IdentifyRequest } from '../contacts/model.js';
import { withoutBlocked } from '../contacts/request.js';
import { escapedBodyBytes, MAX_ESCAPED_BODY_BYTES } from '../contacts/response-size.js';
import { GroupTooLarge } from '../errors.js';
import { type RetryOptions, retrying } from '../runtime/retry.js';
import type { ContactRepository } from '../store/contact-repository.js';
import type { IdentifyCall } from './identify-service.js';

export interface LookupServiceOptions {
  repository: Pick<ContactRepository, 'findGroups'>;
  retry: Omit<RetryOptions, 'timeLeftMs' | 'onRetry'>;
}

/**
 * POST /lookup: the groups that hold the email or the phone, read as one snapshot (the read of
 * /identify: one Data API call for ordinary groups, pages in one transaction's snapshot for large
 * ones), never written to. An answer too large for one Lambda response is refused with 422.
 */
export class LookupService {
  constructor(private readonly options: LookupServiceOptions) {}

  lookup(request: IdentifyRequest, call: IdentifyCall): Promise<LookupResponse> {
    return retrying(
      async () => {
        const { rows, blocked } = await this.options.repository.findGroups(request);
        withoutBlocked(request, blocked); // only stored blocked values given: bad input, as in /identify
        const response = lookupView(rows);
        const bytes = escapedBodyBytes(response);
        if (bytes > MAX_ESCAPED_BODY_BYTES) throw new GroupTooLarge(rows.length, bytes, MAX_ESCAPED_BODY_BYTES);
        return response;
      },
      { ...this.options.retry, timeLeftMs: call.timeLeftMs, onRetry: call.onRetry },
    );
  }
}
