/** One response of an app: status, parsed JSON body and headers. */
export interface AppResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/**
 * A browser with one cookie jar that may send each request to a different app instance, the
 * way a load balancer without sticky sessions would. Only the session cookie is kept.
 */
export class Browser {
  #cookie = '';

  get cookie(): string {
    return this.#cookie;
  }

  async request(
    baseUrl: string,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<AppResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#cookie) headers['cookie'] = this.#cookie;
    if (body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
    });
    const setCookie = response.headers.getSetCookie()[0];
    if (setCookie) this.#cookie = setCookie.split(';')[0] ?? '';

    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : {};
    return {
      status: response.status,
      body: parsed as Record<string, unknown>,
      headers: response.headers,
    };
  }
}
