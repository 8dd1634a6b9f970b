import { getCollectionProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, TextField } from "./form-field";

export type CharterFieldset = {
  termStart: FieldMetadata<string>;
  termEnd: FieldMetadata<string>;
  quorumPercent: FieldMetadata<string>;
  votingPeriodDays: FieldMetadata<string>;
  majorityRule: FieldMetadata<string>;
  proposers: FieldMetadata<string>;
  supportThreshold: FieldMetadata<string>;
  ballot: FieldMetadata<string>;
  reportsToHide: FieldMetadata<string>;
  authorMaySupport: FieldMetadata<string>;
  threadPosters: FieldMetadata<string>;
  chairsModerate: FieldMetadata<string>;
};

export type MeetingFieldset = {
  meetingsPerMonth: FieldMetadata<string>;
  meetingQuorumKind: FieldMetadata<string>;
  meetingQuorum: FieldMetadata<string>;
  absencesInRow: FieldMetadata<string>;
  absencesInYear: FieldMetadata<string>;
  minutesApprovalDays: FieldMetadata<string>;
  meetingsAdopt: FieldMetadata<string>;
};

/**
 * The whole charter: term, voting rules, who may file, moderation, and — for a council that exists —
 * its meeting rules (a council being formed starts at the bylaws' defaults).
 */
export function CharterFields({ fields, meetings }: { fields: CharterFieldset; meetings?: MeetingFieldset }) {
  const { t } = useTranslation();
  const numeric = { inputMode: "numeric" as const, autoComplete: "off", maxLength: 7 };
  return (
    <>
      <fieldset className="charter-group">
        <legend>{t("manage.charter_term")}</legend>
        <div className="charter-pair">
          <TextField
            field={fields.termStart}
            label={t("manage.term_start")}
            hint={t("manage.date_hint")}
            ltr
            inputProps={{ autoComplete: "off", maxLength: 12 }}
          />
          <TextField field={fields.termEnd} label={t("manage.term_end")} ltr inputProps={{ autoComplete: "off", maxLength: 12 }} />
        </div>
      </fieldset>
      <fieldset className="charter-group">
        <legend>{t("manage.charter_voting")}</legend>
        <div className="charter-pair">
          <TextField field={fields.quorumPercent} label={t("manage.quorum")} hint={t("manage.quorum_hint")} ltr inputProps={numeric} />
          <TextField
            field={fields.votingPeriodDays}
            label={t("manage.voting_period")}
            hint={t("manage.voting_period_hint")}
            ltr
            inputProps={numeric}
          />
        </div>
        <Choice
          field={fields.majorityRule}
          legend={t("manage.majority_rule")}
          options={["simple", "absolute", "two_thirds"]}
          prefix="majority"
        />
        <Choice field={fields.ballot} legend={t("manage.ballot")} options={["open", "secret"]} prefix="ballot" />
      </fieldset>
      <fieldset className="charter-group">
        <legend>{t("manage.charter_proposals")}</legend>
        <Choice field={fields.proposers} legend={t("manage.proposers")} options={["residents", "members"]} prefix="proposers" />
        <TextField
          field={fields.supportThreshold}
          label={t("manage.support_threshold")}
          hint={t("manage.support_threshold_hint")}
          ltr
          inputProps={numeric}
        />
        <Choice field={fields.authorMaySupport} legend={t("manage.author_may_support")} options={["yes", "no"]} prefix="author_support" />
      </fieldset>
      <fieldset className="charter-group">
        <legend>{t("manage.charter_threads")}</legend>
        <Choice
          field={fields.threadPosters}
          legend={t("manage.thread_posters")}
          options={["residents", "members"]}
          prefix="thread_posters"
        />
        <TextField
          field={fields.reportsToHide}
          label={t("manage.reports_to_hide")}
          hint={t("manage.reports_to_hide_hint")}
          ltr
          inputProps={numeric}
        />
        <Choice field={fields.chairsModerate} legend={t("manage.chairs_moderate")} options={["no", "yes"]} prefix="chairs_moderate" />
      </fieldset>
      {meetings ? (
        <fieldset className="charter-group">
          <legend>{t("manage.charter_meetings")}</legend>
          <TextField
            field={meetings.meetingsPerMonth}
            label={t("manage.meetings_per_month")}
            hint={t("manage.meetings_per_month_hint")}
            ltr
            inputProps={numeric}
          />
          <Choice
            field={meetings.meetingQuorumKind}
            legend={t("manage.meeting_quorum_kind")}
            options={["count", "percent"]}
            prefix="meeting_quorum_kind"
          />
          <TextField
            field={meetings.meetingQuorum}
            label={t("manage.meeting_quorum")}
            hint={t("manage.meeting_quorum_hint")}
            ltr
            inputProps={numeric}
          />
          <div className="charter-pair">
            <TextField
              field={meetings.absencesInRow}
              label={t("manage.absences_in_row")}
              hint={t("manage.absences_in_row_hint")}
              ltr
              inputProps={numeric}
            />
            <TextField
              field={meetings.absencesInYear}
              label={t("manage.absences_in_year")}
              hint={t("manage.absences_in_year_hint")}
              ltr
              inputProps={numeric}
            />
          </div>
          <TextField
            field={meetings.minutesApprovalDays}
            label={t("manage.minutes_approval_days")}
            hint={t("manage.minutes_approval_days_hint")}
            ltr
            inputProps={numeric}
          />
          <Choice field={meetings.meetingsAdopt} legend={t("manage.meetings_adopt")} options={["no", "yes"]} prefix="meetings_adopt" />
        </fieldset>
      ) : null}
    </>
  );
}

function Choice({ field, legend, options, prefix }: { field: FieldMetadata<string>; legend: string; options: string[]; prefix: string }) {
  const { t } = useTranslation();
  return (
    <fieldset className="choice" aria-describedby={field.errors?.length ? field.errorId : undefined}>
      <legend className="field__label">{legend}</legend>
      {getCollectionProps(field, { type: "radio", options }).map((props) => (
        <label key={props.key} className="choice__option">
          <input {...props} key={props.key} />
          <span>
            <span className="choice__title">{t(`manage.${prefix}_${props.value}`)}</span>
            <span className="choice__hint">{t(`manage.${prefix}_${props.value}_hint`)}</span>
          </span>
        </label>
      ))}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}
