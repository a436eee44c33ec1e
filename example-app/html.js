/** Markup that `html` inserts as it is. Only `html` and `raw` create it. */
class SafeHtml {
  /** @param {string} value */
  constructor(value) {
    this.value = value;
  }

  toString() {
    return this.value;
  }
}

const ESCAPES = /** @type {Record<string, string>} */ ({
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
});

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * Template tag that escapes every interpolated value unless it is SafeHtml from another `html`
 * call. Arrays are joined, and null, undefined and false render nothing, so conditional parts
 * read as `${cond && html`...`}`.
 *
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new SafeHtml(out);
}

/**
 * Marks trusted markup, such as a constant, as safe. Never pass user input.
 *
 * @param {string} markup
 * @returns {SafeHtml}
 */
export function raw(markup) {
  return new SafeHtml(markup);
}

/**
 * @param {unknown} value
 * @returns {string}
 */
function render(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}
