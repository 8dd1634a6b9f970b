import { useTranslation } from "react-i18next";
import { useSocket } from "~/realtime/socket-provider";

/** A small dot that tells whether live updates are arriving. Before hydration it shows "connecting". */
export function ConnectionIndicator() {
  const { status } = useSocket();
  const { t } = useTranslation();
  return (
    <span className={`conn conn--${status}`} role="status" aria-live="polite" data-connection={status}>
      <span className="conn__dot" aria-hidden="true" />
      <span className="conn__label">{t(`connection.${status}`)}</span>
    </span>
  );
}
