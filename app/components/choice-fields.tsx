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
