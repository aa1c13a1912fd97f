/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** Tagged template that escapes every interpolated value unless it is already `Html`. */
export class Html {
  constructor(readonly value: string) {}
  toString() {
    return this.value;
  }
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    const piece = Array.isArray(value)
      ? value.map((v) => (v instanceof Html ? v.value : escapeHtml(String(v)))).join('')
      : value instanceof Html
        ? value.value
        : value === undefined || value === null || value === false
          ? ''
          : escapeHtml(String(value));
    out += piece + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

/** The page frame every server-rendered page shares: no scripts, no external assets. */
export function page(title: string, body: Html, lang = 'en'): string {
  return `<!doctype html>${
    html`<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${title}</title><style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.5rem}.note{background:#fff4ce;border-left:4px solid #c19c00;padding:.75rem 1rem}
.error{background:#fde7e9;border-left:4px solid #a4262c;padding:.75rem 1rem}.ok{background:#dff6dd;border-left:4px solid #107c10;padding:.75rem 1rem}
label{display:block;margin:.75rem 0 .25rem}input[type=email],input[type=password]{width:100%;padding:.5rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font-size:1rem}
</style></head><body><main>${body}</main></body></html>`.value
  }`;
}

/** A page that asks for one click to confirm an emailed link: the click is a POST of the token. */
export function confirmPage(title: string, intro: Html, action: string, token: string): string {
  return page(
    title,
    html`<h1>${title}</h1>
${intro}
<form method="post" action="${action}">
<input type="hidden" name="token" value="${token}">
<button type="submit">Confirm</button>
</form>`,
  );
}

/** The page after a confirmed link. */
export const donePage = (title: string, text: string) =>
  page(title, html`<h1>${title}</h1><p class="ok">${text}</p>`);
