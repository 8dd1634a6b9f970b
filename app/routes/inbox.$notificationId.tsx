import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { markRead } from "~/domain/notifications.server";
import { InboxItemSchema } from "~/forms/inbox";
import { publishUnreadCount } from "~/server/inbox-worker.server";
import { intent, runIntent } from "~/server/intent.server";
import { safeRedirectWithAnchor } from "~/utils/safe-redirect";
import { requireUser } from "~/server/session.server";

/** Reading an item is a change: only by POST. A visit goes to the inbox. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(request, context);
  return redirect("/inbox");
}

/**
 * One of the person's own items (the id from the address): open it (marked read, then to its place)
 * or only mark it read. Anyone else's item, or none, is "not found" alike.
 */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requireUser(request, context);
  const id = params.notificationId ?? "";
  const read = async () => {
    const result = await markRead(context.db, user.id, id);
    if (!result.ok) throw new Response("Not Found", { status: 404, statusText: "Not Found" });
    await publishUnreadCount(context.io, context.db, user.id);
    return result.link;
  };
  return runIntent(await request.formData(), {
    open: intent({ schema: InboxItemSchema, run: async () => redirect(safeRedirectWithAnchor(await read(), "/inbox", "main")) }),
    read: intent({ schema: InboxItemSchema, run: async () => (await read(), redirect("/inbox")) }),
  });
}

/** Nothing to show: the loader and action always redirect (or answer 404). A component keeps React Router from warning about a leaf route without an element. */
export default function Redirecting() {
  return null;
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
