// Improves the server-rendered pages; every form also works without this script.
// On the code page it: submits the code once all digits are typed, shows the live call status,
// counts down until a new call may be requested, and shows code errors without a reload.

/** Polling interval of the call status, in milliseconds. */
const STATUS_POLL_MS = 2000;

/** Statuses after which the call cannot change any more, so polling stops. */
const FINAL_STATUSES = new Set(['answered', 'busy', 'notanswered', 'error', 'rejected']);

const csrfToken = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';
const texts = JSON.parse(document.getElementById('texts')?.dataset.texts ?? '{}');

/** Fills `{name}` placeholders of a text from the page's dictionary. */
function text(key, values = {}) {
  const template = texts[key] ?? texts['message.UNKNOWN'] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    name in values ? String(values[name]) : match,
  );
}

function setupCodeForm() {
  const form = document.getElementById('verify-form');
  const input = document.getElementById('code');
  if (!form || !input) return;

  input.focus();
  input.addEventListener('input', () => {
    const digits = input.value.replace(/\D/g, '').slice(0, input.maxLength);
    if (digits !== input.value) input.value = digits;
    if (digits.length === input.maxLength) form.requestSubmit();
  });

  let sending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    try {
      await sendCode(form, input);
    } finally {
      sending = false;
    }
  });
}

/** Sends the code as JSON with the CSRF token in a header; falls back to the plain form post. */
async function sendCode(form, input) {
  let response;
  try {
    response = await fetch(form.action, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-CSRF-Token': csrfToken,
      },
      body: JSON.stringify({ code: input.value }),
      credentials: 'same-origin',
    });
  } catch {
    form.submit();
    return;
  }

  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    window.location.assign(body.redirect ?? '/profile');
    return;
  }
  showCodeError(body, response, input, form);
}

function showCodeError(body, response, input, form) {
  const error = body.error ?? {};
  const code = error.code ?? 'UNKNOWN';
  const retryAfter = Number(response.headers.get('Retry-After') ?? error.retryAfterSeconds ?? 0);
  const message = text(`message.${code}`, {
    attemptsLeft: error.attemptsLeft ?? body.attemptsLeft ?? 0,
    seconds: Math.max(1, Math.ceil(retryAfter)),
    length: input.maxLength,
  });

  const slot = document.getElementById('message-slot');
  const paragraph = document.createElement('p');
  paragraph.className = 'message';
  paragraph.id = 'message';
  paragraph.setAttribute('role', 'alert');
  paragraph.dataset.code = code;
  if (error.attemptsLeft !== undefined) paragraph.dataset.attemptsLeft = String(error.attemptsLeft);
  paragraph.textContent = message;
  slot.replaceChildren(paragraph);

  input.value = '';
  const finished = code === 'LOCKED' || code === 'EXPIRED' || code === 'NO_PENDING_CALL';
  if (finished) {
    input.disabled = true;
    form.querySelector('button[type="submit"]').disabled = true;
    document.getElementById('repeat')?.focus();
  } else {
    input.focus();
  }
}

function setupStatusPolling() {
  const status = document.getElementById('call-status');
  if (!status) return;

  let timer;
  const poll = async () => {
    try {
      const response = await fetch('/auth/phone/status', {
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!response.ok) return;
      const body = await response.json();
      const name = body.status;
      if (typeof name === 'string' && name !== status.dataset.status) {
        status.dataset.status = name;
        status.textContent = text(`status.${name}`);
      }
      if (body.phase !== 'pending' || FINAL_STATUSES.has(name)) clearInterval(timer);
    } catch {
      // A failed poll is retried at the next interval; the form works without the status.
    }
  };
  timer = setInterval(poll, STATUS_POLL_MS);
  poll();
}

function setupRepeatCountdown() {
  const countdown = document.getElementById('repeat-countdown');
  const button = document.getElementById('repeat');
  if (!countdown || !button) return;

  // The deadline comes from the page's seconds and this browser's clock, so clock skew between
  // browser and server does not matter.
  const deadline = Date.now() + Number(countdown.dataset.seconds ?? 0) * 1000;
  const tick = () => {
    const seconds = Math.ceil((deadline - Date.now()) / 1000);
    if (seconds > 0) {
      countdown.textContent = countdown.dataset.textWait.replace('{seconds}', String(seconds));
      button.disabled = true;
      return;
    }
    countdown.textContent = countdown.dataset.textReady;
    button.disabled = false;
    clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
  tick();
}

setupCodeForm();
setupStatusPolling();
setupRepeatCountdown();
