import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { getLocale, i18nInstance } from "./utils/i18n.server";
import { NonceProvider } from "./utils/nonce";
import { stripNul } from "./utils/strip-nul.server";

const ABORT_DELAY = 5_000;
export const streamTimeout = ABORT_DELAY;

/**
 * Pages are rendered whole, then sent as one buffer: nothing on a page waits for slow data (the
 * loaders have run), so streaming bought nothing but hundreds of small writes per page, each one
 * through the Web-stream conversion, the compressor and the socket.
 * See docs/decisions/012-request-cost-and-load-shedding.md.
 */
export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // One initialized instance per language, shared: no i18next is built per request.
  const instance = i18nInstance(await getLocale(request));
  const nonce = loadContext.cspNonce;

  return new Promise<Response>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let failed = false;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
      final(callback) {
        clearTimeout(timer);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        // A Buffer is a Uint8Array: the Response reads it as is, without a copy.
        const html = stripNul(Buffer.concat(chunks)) as Uint8Array as BodyInit;
        resolve(new Response(html, { headers: responseHeaders, status: responseStatusCode }));
        callback();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <I18nextProvider i18n={instance}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </I18nextProvider>
      </NonceProvider>,
      {
        nonce,
        onAllReady() {
          if (!failed) pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          failed = true;
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (!failed) loadContext.logger?.error({ err: error, requestId: loadContext.requestId }, "render error");
        },
      },
    );
    const timer = setTimeout(abort, ABORT_DELAY + 1000);
  });
}

export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted) return;
  context.logger.error({ err: error, requestId: context.requestId, url: request.url }, "unhandled error in a loader or action");
}
