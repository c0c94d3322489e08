/**
 * Server answers are printed to a terminal: a hostile or compromised server could otherwise move the cursor,
 * rewrite earlier lines, set the window title, plant OSC 8 links or OSC 52 clipboard writes through any string
 * it returns. Every server-supplied string goes through here before the CLI prints it.
 */

// Whole sequences first, so their parameters do not survive as visible garbage: CSI (ESC [ or 8-bit 0x9B),
// OSC/DCS/SOS/PM/APC strings up to their terminator (BEL or ST) or the end of the text, then 2-byte escapes.
const SEQUENCES = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[0-?]*[ -/]*[@-~]?',
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[\\s\\S]*?(?:\\u0007|\\u001b\\\\|\\u009c|$)',
    '\\u001b[ -/]*[0-~]?',
  ].join('|'),
  'g',
);
// Any other C0 control (tab and newline kept), DEL, C1 controls, and the Unicode bidirectional overrides that
// make a terminal show text in another order than it is.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** The text without terminal control sequences; newlines and tabs are kept. */
export function terminalSafe(text: string): string {
  return text.replace(SEQUENCES, '').replace(CONTROLS, '');
}

/** A single-line value (a table cell, a name): also folds newlines and tabs into spaces. */
export function oneLine(text: string): string {
  return terminalSafe(text).replace(/[\t\n]+/g, ' ');
}

/** Every string inside a parsed JSON answer made terminal-safe (keys included), so no command can forget one. */
export function terminalSafeDeep<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v) => terminalSafeDeep(v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [terminalSafe(k), terminalSafeDeep(v)])) as T;
  }
  return value;
}
