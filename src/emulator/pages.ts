import { escapeHtml, scriptJson } from './html.js';
import { SCENARIO_NUMBERS } from './scenarios.js';
import type { EmulatorCall } from './types.js';

const STYLE = `body{font:16px/1.4 system-ui,sans-serif;margin:2rem auto;max-width:46rem;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}
code{background:#f3f3f3;padding:0 .2rem}.phone{border:2px solid #333;border-radius:1.5rem;padding:1.5rem;max-width:20rem}
.ringing{animation:ring 1s infinite}@keyframes ring{50%{background:#e8f5e9}}
.code{font-weight:bold;font-size:1.3em;color:#1b5e20}button{font-size:1rem;margin-right:.5rem}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** Renders the index at `/emulator`: the development account's id, the latest calls and the scenario numbers. */
export function indexPage(base: string, callApiId: string, calls: EmulatorCall[]): string {
  const rows = calls
    .slice(0, 20)
    .map(
      (call) =>
        `<tr><td><a href="${escapeHtml(`${base}/emulator/phone/${call.msisdn}`)}">${escapeHtml(call.msisdn)}</a></td><td>${escapeHtml(call.mask)}</td><td>${escapeHtml(call.status)}</td><td>${escapeHtml(new Date(call.createdAt).toISOString())}</td></tr>`,
    )
    .join('');
  const scenarios = Object.entries(SCENARIO_NUMBERS)
    .map(
      ([outcome, msisdn]) =>
        `<tr><td><code>${msisdn}</code></td><td>${escapeHtml(outcome)}</td></tr>`,
    )
    .join('');
  return page(
    'LoginByCall emulator',
    `<h1>LoginByCall emulator</h1>
<p>API: <code>${escapeHtml(`${base}/callapi/v2.0/`)}</code>, development call-api-id <code>${escapeHtml(callApiId)}</code>.</p>
<p>Calls as JSON: <a href="${escapeHtml(`${base}/emulator/calls`)}">/emulator/calls</a>. Open <code>/emulator/phone/&lt;msisdn&gt;</code> to see a phone ring.</p>
<h2>Latest calls</h2><table><tr><th>Number</th><th>Caller</th><th>Status</th><th>Placed</th></tr>${rows || '<tr><td colspan="4">No calls yet.</td></tr>'}</table>
<h2>Scenario numbers</h2><table><tr><th>Number</th><th>Outcome</th></tr>${scenarios}</table>`,
  );
}

/**
 * Renders the virtual phone at `/emulator/phone/<msisdn>`. The page polls its state endpoint every second and
 * shows the ringing call with its caller number, the code digits marked, and buttons that
 * pick it up or reject it. Data reaches the page only through textContent, never as markup.
 */
export function phonePage(base: string, msisdn: string): string {
  const stateUrl = `${base}/emulator/phone/${msisdn}/state`;
  const actionUrl = `${base}/emulator/phone/${msisdn}/`;
  const script = `const stateUrl=${scriptJson(stateUrl)};const actionUrl=${scriptJson(actionUrl)};
const $=(id)=>document.getElementById(id);
function show(state){const call=state.call;const box=$('phone');
if(!call){$('status').textContent='No calls yet';$('caller').textContent='';$('prefix').textContent='';$('code').textContent='';$('actions').hidden=true;box.className='phone';return;}
const ringing=call.status==='dialing';box.className=ringing?'phone ringing':'phone';
$('status').textContent=ringing?'Incoming call':call.status==='queued'?'Call queued':'Last call: '+call.status+(call.lastError?' ('+call.lastError+')':'');
$('caller').textContent='+';$('prefix').textContent=call.mask.slice(0,call.mask.length-call.codeLength);$('code').textContent=call.mask.slice(call.mask.length-call.codeLength);
$('actions').hidden=!ringing;}
async function poll(){try{const res=await fetch(stateUrl,{cache:'no-store'});show(await res.json());$('error').textContent='';}catch(e){$('error').textContent='Emulator not reachable';}}
async function act(action){await fetch(actionUrl+action,{method:'POST'});await poll();}
$('answer').onclick=()=>act('answer');$('reject').onclick=()=>act('reject');
poll();setInterval(poll,1000);`;
  return page(
    `Phone ${msisdn}`,
    `<h1>Phone +${escapeHtml(msisdn)}</h1>
<div id="phone" class="phone"><p id="status">Loading…</p><p><span id="caller"></span><span id="prefix"></span><span id="code" class="code"></span></p>
<p id="actions" hidden><button id="answer" type="button">Answer</button><button id="reject" type="button">Reject</button></p></div>
<p>The last digits of the caller number, in bold, are the code.</p><p id="error"></p>
<script>${script}</script>`,
  );
}

/** Renders the payment page behind `pay`: submitting it credits the balance. */
export function paymentPage(
  base: string,
  paymentId: string,
  amount: number,
  domain: string,
): string {
  const action = `${base}/emulator/pay`;
  const usd = (amount / 10_000).toFixed(2);
  return page(
    'Payment',
    `<h1>Payment of ${escapeHtml(usd)} USD</h1><p>Account ${escapeHtml(domain)}, ${escapeHtml(String(amount))} credits. No money moves: this is the emulator.</p>
<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="payment_id" value="${escapeHtml(paymentId)}">
<button type="submit" name="action" value="pay" class="lbc-payment-button">Pay</button><button type="submit" name="action" value="fail">Fail</button><button type="submit" name="action" value="cancel">Cancel</button></form>`,
  );
}

/** Renders the page shown after a payment form was submitted and no redirect URL was given. */
export function paymentResultPage(message: string): string {
  return page('Payment', `<h1>${escapeHtml(message)}</h1>`);
}
