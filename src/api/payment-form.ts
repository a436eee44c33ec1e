import type { PayRedirect, PayResult } from './types.js';

/** Options of {@link renderPaymentForm}. */
export interface PaymentFormOptions {
  /** Add a script that submits the form as soon as the page loads. Default: true. */
  autoSubmit?: boolean;
  /** CSP nonce for that script, for pages served with `script-src 'nonce-…'`. Default: none. */
  scriptNonce?: string;
  /** Text of the submit button, shown when scripts are off. Default: `Pay`. */
  buttonText?: string;
}

/**
 * Renders the payment form that a `pay` result of the English revision describes: the action,
 * the method and one hidden input per `query` field, all HTML-escaped. With `autoSubmit` the
 * browser submits it on load, and the button remains for browsers without scripts.
 */
export function renderPaymentForm(payment: PayRedirect, options: PaymentFormOptions = {}): string {
  const inputs = Object.entries(payment.query).map(
    ([name, value]) =>
      `  <input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
  );
  const button = escapeHtml(options.buttonText ?? 'Pay');
  const lines = [
    `<form id="lbc-payment-form" method="${payment.method.toLowerCase()}" action="${escapeHtml(payment.url)}">`,
    ...inputs,
    `  <button type="submit" class="lbc-payment-button">${button}</button>`,
    '</form>',
  ];

  if (options.autoSubmit ?? true) {
    const nonce = options.scriptNonce ? ` nonce="${escapeHtml(options.scriptNonce)}"` : '';
    lines.push(`<script${nonce}>document.getElementById('lbc-payment-form').submit();</script>`);
  }
  return lines.join('\n');
}

/**
 * Renders a whole HTML page that opens the payment system. For the later revision's `html`
 * result the service's form is embedded as is and its `lbc-payment-button` is clicked on load.
 */
export function renderPaymentPage(result: PayResult): string {
  const content =
    result.kind === 'redirect'
      ? renderPaymentForm(result)
      : [
          result.html,
          '<script>',
          "  const button = document.querySelector('.lbc-payment-button');",
          '  if (button) button.click();',
          '</script>',
        ].join('\n');

  return [
    '<!doctype html>',
    '<html>',
    '<head><meta charset="utf-8"><title>LoginByCall payment</title></head>',
    '<body>',
    content,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
