import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { safeRedirect } from "~/utils/safe-redirect";
import { fallbackLng, isLocale } from "~/utils/i18n";
import { localeCookie } from "~/utils/i18n.server";

export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const lng = form.get("lng");
  return redirect(safeRedirect(form.get("redirectTo")), {
    headers: { "Set-Cookie": await localeCookie.serialize(isLocale(lng) ? lng : fallbackLng) },
  });
}

export async function loader() {
  return redirect("/");
}
