import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const marked = new Marked({ gfm: true, breaks: false, async: false });

let hooked = false;
function hookOnce(): void {
  if (hooked) return;
  hooked = true;
  // Links out of the README never hand this page to the target (window.opener) nor vouch for it.
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && /^https?:/i.test(node.getAttribute('href') ?? '')) {
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

/**
 * Module READMEs are written by whoever can publish, and read by everyone: rendered from markdown, then
 * sanitised with DOMPurify (no script, no event handlers, no `javascript:` URLs, no forms, no inline styles,
 * ids prefixed so they cannot clobber the page's globals). The page's CSP is the second line of defence.
 */
export function renderMarkdown(markdown: string): string {
  hookOnce();
  const html = marked.parse(markdown, { async: false });
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option'],
    FORBID_ATTR: ['style'],
    SANITIZE_NAMED_PROPS: true,
  });
}
