import type { Tx } from '../db/knex';
import { findUserByEmail, insertUser, type UserRow } from '../db/repos/users';
import { Conflict, Invalid } from '../errors';
import { hashPassword, passwordProblem } from './passwords';

/** Creates a user with a password (checked against the policy); 409 when the email has an account already. */
export async function createPasswordUser(
  db: Tx,
  input: { email: string; name: string; password: string; platformAdmin?: boolean },
): Promise<UserRow> {
  const problem = passwordProblem(input.password, { email: input.email, name: input.name });
  if (problem) throw new Invalid(problem, 'weak_password');
  if (await findUserByEmail(db, input.email)) throw new Conflict(`a user with email ${input.email} exists already`, 'user_exists');
  return insertUser(db, { email: input.email, name: input.name, passwordHash: await hashPassword(input.password), platformAdmin: input.platformAdmin });
}
