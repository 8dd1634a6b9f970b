import { z } from "zod";
import { ESCALATION_STATES } from "~/domain/thread-view";
import { SETTING_LIMITS, SURFACING_SETTINGS, type SurfacingSettingName } from "~/domain/surfacing-rules";
import { choiceField, intField, multilineField, uuidField } from "./fields";

export const DESK_NOTE_MAX = 2000;

/** Moving an item on the deputy's desk to another state, with an optional note (one form per item). */
export const DeskStateSchema = z.object({
  escalationId: uuidField("desk_not_found"),
  state: choiceField(ESCALATION_STATES),
  note: multilineField({ max: DESK_NOTE_MAX, tooLong: "desk_note_too_long" }),
});

/** The desk's surfacing thresholds, each a whole number within its limits (typed in any digits). */
export const SurfacingSettingsSchema = z.object(
  Object.fromEntries(
    SURFACING_SETTINGS.map((name) => [
      name,
      intField(SETTING_LIMITS[name].min, SETTING_LIMITS[name].max, { required: "desk_setting_invalid", invalid: "desk_setting_invalid" }),
    ]),
  ) as Record<SurfacingSettingName, ReturnType<typeof intField>>,
);
