type Argon2 = typeof import('@node-rs/argon2');

let argon2: Promise<Argon2> | undefined;

/** Loaded at the first password operation: its native library is resident memory an idle API does not need. */
function loadArgon2(): Promise<Argon2> {
  argon2 ??= import('@node-rs/argon2');
  return argon2;
}

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
// algorithm 2 is Argon2id (the package exports it as an ambient const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON = new Set(['password1234', '123456789012', 'qwertyuiopas', 'passwordpassword', 'letmeinletmein', 'changemechangeme', 'administrator']);

/** Why a password is refused (null: acceptable). NIST 800-63B: length over composition rules, no known-bad values. */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `the password must have at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `the password must have at most ${PASSWORD_MAX_LENGTH} characters`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return 'the password is too easy to guess';
  if (context.email && lower.includes(context.email.toLowerCase().split('@')[0]!) && lower.length < 20) {
    return 'the password must not be based on the email address';
  }
  return null;
}

export async function hashPassword(password: string): Promise<string> {
  return (await loadArgon2()).hash(password, OPTIONS);
}

// A real hash of a random password: verifying against it when the account does not exist takes as long as a
// real check, so timing does not reveal which emails have accounts.
let dummy: Promise<string> | null = null;

/** Constant-time verification (argon2's own comparison); `stored` null checks against a dummy and fails. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (password.length > PASSWORD_MAX_LENGTH) return false;
  const { verify } = await loadArgon2();
  if (!stored) {
    dummy ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
