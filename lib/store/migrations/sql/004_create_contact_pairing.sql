-- The (email, phone) pair of every merge by /identify, recorded with the merge in one transaction:
-- a merge may insert no row (the email in one group, the phone in another), and the request is then
-- the only evidence that the two belong together. /unlink unions the rows of a group over shared
-- emails, shared phones and these pairings, so a group splits only where the unlinked value held it.
-- Only the SHA-256 of each normalised value is kept (the bytes of UNHEX(SHA2(value, 256)), the same
-- as node:crypto's sha256 of the value as UTF-8), never a value in clear; each side is indexed, so
-- /erase and /unlink delete by either. Groups merged before this table existed have no pairings:
-- see docs/DECISIONS.md, "Recorded pairings".
CREATE TABLE IF NOT EXISTS ContactPairing (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  emailHash BINARY(32) NOT NULL,
  phoneHash BINARY(32) NOT NULL,
  createdAt TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY ContactPairingEmail (emailHash, phoneHash),
  KEY ContactPairingPhone (phoneHash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
