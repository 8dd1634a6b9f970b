import { getSelectProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, TextAreaField, TextField } from "./form-field";

// Any form whose schema has these four fields.
type Field = FieldMetadata<string, any, string[]>;

export interface ProposalFieldset {
  title: Field;
  body: Field;
  categoryId: Field;
  place: Field;
}

/** The fields of a proposal, the same when filing and when editing. */
export function ProposalFields({
  fields,
  categories,
  limits,
  choosePrompt,
}: {
  fields: ProposalFieldset;
  categories: { id: string; name: string }[];
  limits: { titleMax: number; bodyMax: number };
  choosePrompt?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <>
      <TextField
        field={fields.title}
        label={t("proposal.title_label")}
        hint={t("proposal.title_hint", limits)}
        errorParams={limits}
        inputProps={{ maxLength: 400 }}
      />
      <TextAreaField
        field={fields.body}
        label={t("proposal.body_label")}
        hint={t("proposal.body_hint", limits)}
        rows={8}
        errorParams={limits}
      />
      <div className="field">
        <label htmlFor={fields.categoryId.id} className="field__label">
          {t("proposal.category_label")}
        </label>
        <select {...getSelectProps(fields.categoryId)} key={fields.categoryId.key} className="field__input">
          {choosePrompt ? <option value="">{t("proposal.category_choose")}</option> : null}
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <FieldErrors id={fields.categoryId.errorId} errors={fields.categoryId.errors} />
      </div>
      <TextField field={fields.place} label={t("proposal.place_label")} hint={t("proposal.place_hint")} />
    </>
  );
}
