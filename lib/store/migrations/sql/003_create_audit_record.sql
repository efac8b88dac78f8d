-- One row per /erase, /block and /unblock (and /unlink): when, which route, who called (as the logs
-- name the caller), the Lambda request id, and the answer's counts and primary ids. Never an email or
-- a phone, so the records survive erasure as they are.
CREATE TABLE IF NOT EXISTS AuditRecord (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  route VARCHAR(32) NOT NULL,
  caller VARCHAR(2048) NULL,
  requestId VARCHAR(128) NULL,
  answer TEXT NOT NULL,
  KEY AuditRecordAt (at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
