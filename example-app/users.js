import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * @typedef {object} User
 * @property {number} id
 * @property {string} phone E.164 number with a leading `+`.
 * @property {string} createdAt ISO 8601 time of the first sign-in.
 * @property {string} lastSignInAt ISO 8601 time of the latest sign-in.
 */

/**
 * @typedef {object} UserRepository
 * @property {(phone: string) => User} signIn Finds the user with this phone, or creates one, and
 *   records the sign-in time.
 * @property {(id: number) => User | undefined} findById
 * @property {() => void} close
 */

/**
 * Opens the SQLite users database, creating the file and the table on first use.
 *
 * @param {string} path File of the database; its folder is created when missing.
 * @returns {UserRepository}
 */
export function openUserRepository(path) {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  // WAL lets the profile page read while a sign-in writes.
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      id INTEGER PRIMARY KEY,
      phone TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      last_sign_in_at TEXT NOT NULL
    )
  `);

  // One statement, so two parallel first sign-ins of a number cannot create two users.
  const upsert = db.prepare(`
    INSERT INTO users (phone, created_at, last_sign_in_at) VALUES (@phone, @now, @now)
    ON CONFLICT (phone) DO UPDATE SET last_sign_in_at = excluded.last_sign_in_at
    RETURNING id, phone, created_at, last_sign_in_at
  `);
  const selectById = db.prepare(
    'SELECT id, phone, created_at, last_sign_in_at FROM users WHERE id = ?',
  );

  return {
    signIn(phone) {
      return toUser(upsert.get({ phone, now: new Date().toISOString() }));
    },
    findById(id) {
      const row = selectById.get(id);
      return row === undefined ? undefined : toUser(row);
    },
    close() {
      db.close();
    },
  };
}

/**
 * @param {any} row
 * @returns {User}
 */
function toUser(row) {
  return {
    id: row.id,
    phone: row.phone,
    createdAt: row.created_at,
    lastSignInAt: row.last_sign_in_at,
  };
}
