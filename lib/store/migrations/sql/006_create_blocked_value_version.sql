-- One row whose version every change of the stored blocked values bumps (/block, /unblock, /erase with
-- "suppress", /unlink with "block"), in the same transaction. An /identify that writes re-checks, inside
-- its write, the version its read saw: the blocked state of the group's values that it answers is still
-- the one it read, or it writes nothing and reads again (docs/CONCURRENCY.md).
CREATE TABLE IF NOT EXISTS BlockedValueVersion (
  id TINYINT NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
) ENGINE = InnoDB;

INSERT IGNORE INTO BlockedValueVersion (id, version) VALUES (1, 0);
