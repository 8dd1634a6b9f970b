import { useRouteLoaderData } from "@remix-run/react";
import type { FlashKey } from "~/utils/flash.server";
import type { Locale } from "~/utils/i18n";
import type { RoleGrant } from "~/utils/permissions";

/**
 * What the root loader gives every page: the language, the city, who is signed in and which work
 * screens they may open. Here, not in root.tsx, so the shell and the pages read it without
 * importing the root route (which imports them).
 */
export interface RootData {
  locale: Locale;
  cityName: string;
  user: {
    id: string;
    displayName: string;
    roles: RoleGrant[];
    isAdmin: boolean;
    isDeputy: boolean;
    commissionId: string | null;
    manages: boolean;
    receivesPolicies: boolean;
  } | null;
  showDevOutbox: boolean;
  flash: FlashKey | null;
  /** Unread items in the signed-in person's inbox (0 for visitors). */
  unread: number;
}

export function useRootData() {
  return useRouteLoaderData<RootData>("root");
}
