import { describe, expect, it } from 'vitest';
import { renderPaymentForm, renderPaymentPage, type PayRedirect } from '../../src/index.js';

const PAYMENT: PayRedirect = {
  kind: 'redirect',
  url: 'https://pay.example/assistant.htm?a=1&b=2',
  query: { MNT_ID: '13042359', 'MNT_"NAME"': '<script>alert(1)</script>' },
  method: 'POST',
};

describe('renderPaymentForm', () => {
  it('writes one hidden input per field', () => {
    const html = renderPaymentForm(PAYMENT);

    expect(html).toContain('method="post"');
    expect(html).toContain('action="https://pay.example/assistant.htm?a=1&amp;b=2"');
    expect(html).toContain('<input type="hidden" name="MNT_ID" value="13042359">');
  });

  it('escapes names and values', () => {
    const html = renderPaymentForm(PAYMENT);

    expect(html).toContain(
      'name="MNT_&quot;NAME&quot;" value="&lt;script&gt;alert(1)&lt;/script&gt;"',
    );
    expect(html).not.toContain('<script>alert');
  });

  it('submits itself unless told not to', () => {
    expect(renderPaymentForm(PAYMENT)).toContain('.submit();</script>');
    expect(renderPaymentForm(PAYMENT, { autoSubmit: false })).not.toContain('<script');
  });

  it('adds a CSP nonce to the script', () => {
    expect(renderPaymentForm(PAYMENT, { scriptNonce: 'abc"' })).toContain(
      '<script nonce="abc&quot;">',
    );
  });

  it('uses GET when the service asks', () => {
    expect(renderPaymentForm({ ...PAYMENT, method: 'GET' })).toContain('method="get"');
  });
});

describe('renderPaymentPage', () => {
  it('wraps the form in a document', () => {
    const page = renderPaymentPage(PAYMENT);

    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('id="lbc-payment-form"');
  });

  it('embeds the service HTML and clicks its button', () => {
    const html =
      '<form action="https://pay.example"><button class="lbc-payment-button">Pay</button></form>';
    const page = renderPaymentPage({ kind: 'html', html });

    expect(page).toContain(html);
    expect(page).toContain("querySelector('.lbc-payment-button')");
  });
});
