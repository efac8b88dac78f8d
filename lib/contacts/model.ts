/** The shapes the rules work on: a stored contact, a normalised request, the answer for a group. Types only. */

type LinkPrecedence = 'primary' | 'secondary';

/** A live Contact row, as the repository reads it. */
export interface ContactRow {
  id: number;
  email: string | null;
  phoneNumber: string | null;
  linkedId: number | null;
  linkPrecedence: LinkPrecedence;
}

/** A request after normalisation: at least one of the two is non-null. */
export interface IdentifyRequest {
  email: string | null;
  phoneNumber: string | null;
}

/** The contract's answer for one group. */
export interface IdentifyResponse {
  contact: {
    primaryContactId: number;
    emails: string[];
    phoneNumbers: string[];
    secondaryContactIds: number[];
  };
}
