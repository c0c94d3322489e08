import type { Tx } from '../knex';

/** The user an identity provider's subject signed in as before, if any. */
export async function findUserIdBySsoSubject(db: Tx, provider: string, subject: string): Promise<string | undefined> {
  const row = await db('sso_identities').where({ provider, subject }).first('user_id');
  return row?.user_id as string | undefined;
}

/** Links a provider's subject to a user (a second link of the same subject is ignored). */
export async function linkSsoIdentity(db: Tx, provider: string, subject: string, userId: string): Promise<void> {
  await db('sso_identities').insert({ provider, subject, user_id: userId }).onConflict(['provider', 'subject']).ignore();
}
