-- An audit record keeps its answer's primary ids whole: an /unlink of a value that held 100,000
-- contacts together answers 100,000 primaries (about 800 KB of JSON), past TEXT's 64 KiB.
-- MEDIUMTEXT holds 16 MiB, past anything one Lambda can answer (6 MB).
ALTER TABLE AuditRecord MODIFY answer MEDIUMTEXT NOT NULL;
