import type { Tx } from '../knex';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  platform_admin: boolean;
  email_verified_at: Date | null;
  disabled_at: Date | null;
  created_at: Date;
}

const columns = ['id', 'email', 'name', 'platform_admin', 'email_verified_at', 'disabled_at', 'created_at'];

export async function insertUser(
  db: Tx,
  row: { email: string; name: string; passwordHash: string | null; platformAdmin?: boolean; emailVerified?: boolean },
): Promise<UserRow> {
  const [inserted] = await db('users')
    .insert({
      email: row.email,
      name: row.name,
      password_hash: row.passwordHash,
      platform_admin: row.platformAdmin ?? false,
      email_verified_at: row.emailVerified ? db.fn.now() : null,
    })
    .returning(columns);
  return inserted as UserRow;
}

export async function findUserById(db: Tx, id: string): Promise<UserRow | undefined> {
  return db('users').where({ id }).first(columns);
}

export async function findUserByEmail(db: Tx, email: string): Promise<(UserRow & { password_hash: string | null }) | undefined> {
  return db('users').whereRaw('lower(email) = lower(?)', [email]).first([...columns, 'password_hash']);
}

export async function listUsers(db: Tx): Promise<UserRow[]> {
  return db('users').select(columns).orderBy('created_at');
}

export async function countUsers(db: Tx): Promise<number> {
  const row = await db('users').count<{ count: string }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

export async function setPasswordHash(db: Tx, userId: string, passwordHash: string): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: passwordHash });
}

export async function markEmailVerified(db: Tx, userId: string): Promise<void> {
  await db('users').where({ id: userId }).whereNull('email_verified_at').update({ email_verified_at: db.fn.now() });
}

/** The stored password hash (null: the user signs in only through SSO). */
export async function passwordHashOf(db: Tx, userId: string): Promise<string | null> {
  const row = await db('users').where({ id: userId }).first<{ password_hash: string | null } | undefined>('password_hash');
  return row?.password_hash ?? null;
}
