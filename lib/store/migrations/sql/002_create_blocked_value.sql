-- Values that identify nobody, blocked through POST /block or /erase with "suppress" (the operator's
-- configured lists are configuration, not data). Only the SHA-256 of the normalised value is kept,
-- never the value in clear: an erased customer's suppressed email leaves no trace that reads as one.
CREATE TABLE IF NOT EXISTS BlockedValue (
  kind ENUM('email', 'phone') NOT NULL,
  valueHash BINARY(32) NOT NULL,
  createdAt TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (kind, valueHash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
