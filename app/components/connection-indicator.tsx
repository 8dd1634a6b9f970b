import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSocket } from "~/realtime/socket-provider";

/**
 * A small dot that tells whether live updates are arriving. It appears only once the page's script
 * runs: without JavaScript there are no live updates to wait for, and "connecting" would never end.
 */
export function ConnectionIndicator() {
  const { status } = useSocket();
  const { t } = useTranslation();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  if (!hydrated) return null;
  return (
    <span className={`conn conn--${status}`} role="status" aria-live="polite" data-connection={status}>
      <span className="conn__dot" aria-hidden="true" />
      <span className="conn__label">{t(`connection.${status}`)}</span>
    </span>
  );
}
