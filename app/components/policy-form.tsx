import { getCollectionProps, getFormProps, type FieldMetadata } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { z } from "zod";
import { useIntentForm } from "./app-form";
import { RadioGroupField } from "./choice-fields";
import { FieldErrors, FormErrors, TextAreaField, TextField } from "./form-field";
import { POLICY_AUDIENCES, POLICY_RECIPIENTS, PolicySchema } from "~/forms/policies";

/** The deputy's draft of a policy: title, text, the day it takes effect, and who it is for. */
export function PolicyForm({
  intent,
  districts,
  defaultValue,
  submitLabel,
}: {
  intent: string;
  districts: { id: string; name: string }[];
  defaultValue?: Partial<z.input<typeof PolicySchema>>;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm(intent, PolicySchema, { defaultValue: { audience: "all", recipients: "both", ...defaultValue } });
  const districtField = fields.districtIds as unknown as FieldMetadata<string[]>;
  const names = new Map(districts.map((d) => [d.id, d.name]));
  return (
    <Form method="post" {...getFormProps(form)} className="form">
      <FormErrors errors={form.errors} />
      <input type="hidden" name="intent" value={intent} />
      <TextField field={fields.title} label={t("policies.title_label")} />
      <TextAreaField field={fields.body} label={t("policies.body_label")} rows={6} />
      <TextField
        field={fields.effectiveOn}
        label={t("policies.effective_on")}
        hint={t("meetings.date_hint")}
        ltr
        inputProps={{ inputMode: "numeric" }}
      />
      <RadioGroupField
        field={fields.audience}
        legend={t("policies.audience")}
        options={POLICY_AUDIENCES.map((a) => ({ value: a, label: t(`policies.audience_${a}`) }))}
      />
      <fieldset className="field" aria-describedby={districtField.errors?.length ? districtField.errorId : undefined}>
        <legend className="field__label">{t("policies.districts")}</legend>
        {getCollectionProps(districtField, { type: "checkbox", options: districts.map((d) => d.id) }).map((props) => (
          <label key={props.key} className="decision-option">
            <input {...props} key={props.key} /> {names.get(props.value)}
          </label>
        ))}
        <FieldErrors id={districtField.errorId} errors={districtField.errors} />
      </fieldset>
      <RadioGroupField
        field={fields.recipients}
        legend={t("policies.recipients")}
        options={POLICY_RECIPIENTS.map((r) => ({ value: r, label: t(`policies.recipients_${r}`) }))}
      />
      <button type="submit" className="button" disabled={busy}>
        {submitLabel}
      </button>
    </Form>
  );
}
