import { getCollectionProps, getSelectProps, type FieldMetadata } from "@conform-to/react";
import type { ReactNode } from "react";
import { FieldErrors } from "./form-field";

/** A labelled drop-down of choices, with its message beside it. */
export function SelectField({
  field,
  label,
  options,
}: {
  field: FieldMetadata<string | undefined | null>;
  label: ReactNode;
  options: { value: string; label: string }[];
}) {
  return (
    <div className={`field${field.errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={field.id} className="field__label">
        {label}
      </label>
      <select {...getSelectProps(field as FieldMetadata<string>)} key={field.key} className="field__input">
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldErrors id={field.errorId} errors={field.errors} />
    </div>
  );
}

/** One choice of a few, as radio buttons under a legend, with its message below them. */
export function RadioGroupField({
  field,
  legend,
  options,
}: {
  field: FieldMetadata<string | undefined | null>;
  legend: ReactNode;
  options: { value: string; label: string }[];
}) {
  const labels = new Map(options.map((o) => [o.value, o.label]));
  return (
    <fieldset className="field" aria-describedby={field.errors?.length ? field.errorId : undefined}>
      <legend className="field__label">{legend}</legend>
      {getCollectionProps(field as FieldMetadata<string>, { type: "radio", options: options.map((o) => o.value) }).map((props) => (
        <label key={props.key} className="decision-option">
          <input {...props} key={props.key} /> {labels.get(props.value)}
        </label>
      ))}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}

/**
 * One filter of a list (a GET form): a labelled drop-down whose first choice, the empty value, is
 * "all". `layout` is the look of the form it sits in: a row of small filters above a list, or the
 * full-size fields of a card.
 */
export function FilterSelect({
  name,
  label,
  anyLabel,
  value,
  options,
  layout = "row",
  wide = false,
}: {
  name: string;
  label: ReactNode;
  anyLabel: string;
  value?: string | null;
  options: { id: string; name: string }[];
  layout?: "row" | "card";
  wide?: boolean;
}) {
  const row = layout === "row";
  return (
    <label className={row ? `filters__item${wide ? " filters__item--wide" : ""}` : "field"}>
      <span className={row ? "small muted" : "field__label"}>{label}</span>
      <select name={name} defaultValue={value ?? ""} className="field__input">
        <option value="">{anyLabel}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
