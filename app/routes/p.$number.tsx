import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { proposalByNumber } from "~/domain/proposals.server";
import { invariantFound } from "~/server/guards.server";
import { foldDigits } from "~/utils/persian";

/** The short link an SMS carries (`/p/123`): the proposal with that number. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const text = foldDigits(params.number ?? "");
  const row = /^\d{1,9}$/.test(text) ? await proposalByNumber(context.db, Number(text)) : null;
  return redirect(`/proposals/${invariantFound(row).id}`);
}

/** Nothing to show: the loader and action always redirect (or answer 404). A component keeps React Router from warning about a leaf route without an element. */
export default function Redirecting() {
  return null;
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
