/**
 * A browser without JavaScript: keeps cookies, posts forms, does not follow redirects by itself
 * (so tests can see them), and sends the Origin a browser would.
 */
let clientSeq = 0;

export class Browserless {
  cookies = new Map<string, string>();
  /** Each client looks like its own device on the network (the test app trusts one proxy hop). */
  readonly ip = `10.${(clientSeq >> 16) & 255}.${(clientSeq >> 8) & 255}.${clientSeq++ & 255}`;
  constructor(readonly baseUrl: string) {}

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(this.baseUrl + path, {
      redirect: "manual",
      headers: { cookie: this.cookieHeader(), "x-forwarded-for": this.ip, ...headers },
    });
    this.remember(response);
    return response;
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(this.baseUrl + path, {
      method: "POST",
      redirect: "manual",
      headers: {
        cookie: this.cookieHeader(),
        "x-forwarded-for": this.ip,
        origin: this.baseUrl,
        "content-type": "application/x-www-form-urlencoded",
        ...headers,
      },
      body: new URLSearchParams(fields).toString(),
    });
    this.remember(response);
    return response;
  }

  /** GETs the page at a redirect's Location, as a browser would. */
  async follow(response: Response) {
    const location = response.headers.get("location");
    if (!location) throw new Error(`expected a redirect, got ${response.status}`);
    return this.get(location.startsWith("http") ? new URL(location).pathname + new URL(location).search : location);
  }
}

/** The text a person would read, from server-rendered HTML (tags out, entities decoded). */
export function visibleText(html: string) {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, " ")
    .replace(/<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

export function inputValue(html: string, name: string) {
  const match = html.match(new RegExp(`<input[^>]*name="${name}"[^>]*>`));
  if (!match) return null;
  const value = match[0].match(/value="([^"]*)"/);
  return value
    ? value[1]!
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
    : "";
}
