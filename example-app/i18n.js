/**
 * Texts of the example in English and Russian. `{name}` marks a value filled in by `translate`.
 * Keys under `message.` and `status.` are the codes and call statuses the sign-in router returns,
 * so pages and the script look them up by the code they receive.
 */
export const DICTIONARY = {
  en: {
    'app.title': 'Sign in by phone',
    'app.skip': 'Skip to content',
    'phone.label': 'Phone number',
    'phone.hint':
      'We will call this number. Do not answer: the last digits of the calling number are your code.',
    'phone.submit': 'Call me',
    'wait.heading': 'Waiting for a call from',
    'wait.code.label': 'Last {length} digits of the calling number',
    'wait.code.submit': 'Sign in',
    'wait.repeat': 'Call me again',
    'wait.repeat.in': 'You can ask for a new call in {seconds} s.',
    'wait.repeat.ready': 'You can ask for a new call now.',
    'wait.repeat.reload': 'Reload the page to update the timer.',
    'wait.cancel': 'Use another number',
    'wait.expires': 'The code is valid for {minutes} min.',
    'status.unknown': 'Checking the call…',
    'status.queued': 'The call is queued.',
    'status.dialing': 'Your phone is ringing.',
    'status.answered': 'The call was answered. Type the digits of the number that called.',
    'status.busy': 'The line was busy. Ask for a new call.',
    'status.notanswered': 'The call ended. Type the digits of the number that called.',
    'status.error': 'The call failed. Ask for a new call.',
    'status.rejected': 'The call was rejected. Ask for a new call.',
    'message.WRONG_CODE': 'Wrong code. Attempts left: {attemptsLeft}.',
    'message.LOCKED': 'Too many wrong codes. Ask for a new call.',
    'message.EXPIRED': 'The code has expired. Ask for a new call.',
    'message.RATE_LIMITED': 'Too many requests. Try again in {seconds} s.',
    'message.INVALID_PHONE': 'This is not a phone number we can call. Check it and try again.',
    'message.INVALID_CODE': 'Type the {length} digits of the calling number.',
    'message.NO_PENDING_CALL': 'There is no call waiting for a code. Ask for a new call.',
    'message.SERVICE_UNAVAILABLE': 'Calls are not available right now. Try again later.',
    'message.PHONE_REQUIRED': 'Type your phone number.',
    'message.COUNTRY_NOT_ALLOWED': 'We cannot call numbers of this country.',
    'message.USER_REJECTED': 'This number cannot sign in here.',
    'message.UPSTREAM_ERROR': 'The call service failed. Try again in a minute.',
    'message.UPSTREAM_TIMEOUT': 'The call service did not answer in time. Try again.',
    'message.STORE_UNAVAILABLE': 'Sign-in is not available right now. Try again later.',
    'message.UNKNOWN': 'Something went wrong. Try again.',
    'emulator.notice':
      'Emulator mode: no real call is placed. Open the virtual phone to see the calling number.',
    'emulator.open': 'Open the virtual phone for {number} (new tab)',
    'profile.title': 'Your profile',
    'profile.phone': 'Phone',
    'profile.id': 'User ID',
    'profile.created': 'Signed up',
    'profile.lastSignIn': 'Last sign-in',
    'profile.signOut': 'Sign out',
    'error.notFound': 'Page not found.',
    'error.server': 'Something went wrong on our side. Try again.',
  },
  ru: {
    'app.title': 'Вход по номеру телефона',
    'app.skip': 'Перейти к содержимому',
    'phone.label': 'Номер телефона',
    'phone.hint':
      'Мы позвоним на этот номер. Не отвечайте: последние цифры номера, с которого звонят, и есть код.',
    'phone.submit': 'Позвоните мне',
    'wait.heading': 'Ждите звонка с номера',
    'wait.code.label': 'Последние {length} цифры номера, с которого звонят',
    'wait.code.submit': 'Войти',
    'wait.repeat': 'Позвонить ещё раз',
    'wait.repeat.in': 'Новый звонок можно заказать через {seconds} с.',
    'wait.repeat.ready': 'Новый звонок можно заказать сейчас.',
    'wait.repeat.reload': 'Обновите страницу, чтобы обновить таймер.',
    'wait.cancel': 'Ввести другой номер',
    'wait.expires': 'Код действует {minutes} мин.',
    'status.unknown': 'Проверяем звонок…',
    'status.queued': 'Звонок в очереди.',
    'status.dialing': 'Ваш телефон звонит.',
    'status.answered': 'На звонок ответили. Введите цифры номера, с которого звонили.',
    'status.busy': 'Линия была занята. Закажите новый звонок.',
    'status.notanswered': 'Звонок завершён. Введите цифры номера, с которого звонили.',
    'status.error': 'Звонок не удался. Закажите новый звонок.',
    'status.rejected': 'Звонок отклонён. Закажите новый звонок.',
    'message.WRONG_CODE': 'Неверный код. Осталось попыток: {attemptsLeft}.',
    'message.LOCKED': 'Слишком много неверных кодов. Закажите новый звонок.',
    'message.EXPIRED': 'Срок действия кода истёк. Закажите новый звонок.',
    'message.RATE_LIMITED': 'Слишком много запросов. Повторите через {seconds} с.',
    'message.INVALID_PHONE': 'На этот номер нельзя позвонить. Проверьте его и повторите.',
    'message.INVALID_CODE': 'Введите {length} цифры номера, с которого звонят.',
    'message.NO_PENDING_CALL': 'Нет звонка, ожидающего код. Закажите новый звонок.',
    'message.SERVICE_UNAVAILABLE': 'Звонки сейчас недоступны. Повторите позже.',
    'message.PHONE_REQUIRED': 'Введите номер телефона.',
    'message.COUNTRY_NOT_ALLOWED': 'Мы не звоним на номера этой страны.',
    'message.USER_REJECTED': 'С этим номером здесь нельзя войти.',
    'message.UPSTREAM_ERROR': 'Сервис звонков не сработал. Повторите через минуту.',
    'message.UPSTREAM_TIMEOUT': 'Сервис звонков не ответил вовремя. Повторите попытку.',
    'message.STORE_UNAVAILABLE': 'Вход сейчас недоступен. Повторите позже.',
    'message.UNKNOWN': 'Что-то пошло не так. Повторите попытку.',
    'emulator.notice':
      'Режим эмулятора: настоящий звонок не совершается. Откройте виртуальный телефон, чтобы увидеть номер.',
    'emulator.open': 'Открыть виртуальный телефон для {number} (новая вкладка)',
    'profile.title': 'Ваш профиль',
    'profile.phone': 'Телефон',
    'profile.id': 'Номер пользователя',
    'profile.created': 'Регистрация',
    'profile.lastSignIn': 'Последний вход',
    'profile.signOut': 'Выйти',
    'error.notFound': 'Страница не найдена.',
    'error.server': 'На нашей стороне что-то пошло не так. Повторите попытку.',
  },
};

/** @typedef {keyof typeof DICTIONARY} Locale */

/** Locales in order of preference when the browser accepts several equally. */
export const LOCALES = /** @type {Locale[]} */ (Object.keys(DICTIONARY));

/**
 * Picks the locale from the request's Accept-Language header; English when none matches.
 *
 * @param {import('express').Request} req
 * @returns {Locale}
 */
export function pickLocale(req) {
  const accepted = req.acceptsLanguages(...LOCALES);
  return accepted === false ? 'en' : /** @type {Locale} */ (accepted);
}

/**
 * Returns the text for `key` in `locale` with `{name}` placeholders replaced. Falls back to
 * English, then to the key itself, so a missing text shows up on the page instead of failing.
 *
 * @param {Locale} locale
 * @param {string} key
 * @param {Record<string, string | number>} [values]
 * @returns {string}
 */
export function translate(locale, key, values = {}) {
  const texts = /** @type {Record<string, string>} */ (DICTIONARY[locale]);
  const fallback = /** @type {Record<string, string>} */ (DICTIONARY.en);
  const template = texts[key] ?? fallback[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) =>
    name in values ? String(values[name]) : match,
  );
}
