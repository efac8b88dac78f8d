'use strict';

// SHA-256 over the migration files (names and contents, in the order they are applied), for the
// SchemaMigrations custom resource: a deploy that changes the SQL changes this value, and
// CloudFormation then calls the migrate function again. Same file filter as lib/store/migrations/index.ts.
const { createHash } = require('node:crypto');
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const MIGRATIONS_DIR = join(__dirname, '..', '..', 'lib', 'store', 'migrations', 'sql');

function migrationsHash(dir = MIGRATIONS_DIR) {
  const hash = createHash('sha256');
  for (const file of readdirSync(dir)
    .filter((name) => /^\d+_.*\.sql$/.test(name))
    .sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(dir, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

module.exports = () => migrationsHash();
module.exports.migrationsHash = migrationsHash;
