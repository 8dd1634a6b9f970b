import { useNavigate } from "@remix-run/react";
import { useCallback, type MouseEvent } from "react";

/**
 * One click handler for the plain links of a long list, in place of a `<Link>` per item: Remix's
 * `<Link>` resolves its address and sets up its handlers in every item's render, a large share of
 * a list page's render on the server. Put on the list's element, the handler follows a click on a
 * link of this site inside it as `<Link>` would (client-side, no reload), and leaves every other
 * click to the browser: another button, a modifier key (new tab or window), a link with a target
 * or a download, another site, a place on the same page, or a click already handled. Without JavaScript the links are
 * ordinary links. Give the links `data-discover` so Remix learns their routes ahead as for `<Link>`.
 */
export function useDelegatedLinks() {
  const navigate = useNavigate();
  return useCallback(
    (event: MouseEvent<HTMLElement>) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.altKey || event.ctrlKey || event.shiftKey) return;
      const link = event.target instanceof Element ? event.target.closest("a") : null;
      if (!link || !event.currentTarget.contains(link) || !link.hasAttribute("href")) return;
      if ((link.target && link.target !== "_self") || link.hasAttribute("download")) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      // A link to a place on this same page (only the hash differs) is the browser's to follow.
      if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
      event.preventDefault();
      navigate(url.pathname + url.search + url.hash);
    },
    [navigate],
  );
}
