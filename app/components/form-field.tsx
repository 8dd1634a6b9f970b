import type { FieldMetadata } from "@conform-to/react";
import { getInputProps, getTextareaProps } from "@conform-to/react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { PASSWORD_MAX, PASSWORD_MIN } from "~/utils/password-policy";

export type ErrorParams = Record<string, string | number>;

/** Turns error keys from schemas and domain functions into sentences from the locale files. */
export function useErrorText() {
  const { t } = useTranslation();
  return (key: string, params?: ErrorParams) =>
    t(`errors.${key}`, { min: PASSWORD_MIN, max: PASSWORD_MAX, ...params, defaultValue: t("errors.field_invalid") });
}

export function FieldErrors({ id, errors, params }: { id?: string; errors?: string[] | null; params?: ErrorParams }) {
  const errorText = useErrorText();
  if (!errors?.length) return null;
  return (
    <ul className="field__errors" id={id} role="alert">
      {errors.map((e) => (
        <li key={e}>{errorText(e, params)}</li>
      ))}
    </ul>
  );
}

type InputType = "text" | "tel" | "password" | "number" | "email" | "search" | "url";

/**
 * A labelled input with its hint and errors, wired for screen readers. Numbers, phones and codes
 * are typed left to right; everything else follows the text (dir=auto).
 */
export function TextField({
  field,
  label,
  hint,
  type = "text",
  ltr,
  inputProps,
  errorParams,
}: {
  field: FieldMetadata<string | undefined | null | number>;
  label: ReactNode;
  hint?: ReactNode;
  type?: InputType;
  ltr?: boolean;
  inputProps?: InputHTMLAttributes<HTMLInputElement>;
  errorParams?: ErrorParams;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  const props = getInputProps(field as FieldMetadata<string>, { type: type as "text", ariaDescribedBy: hintId });
  return (
    <div className={`field${field.errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={field.id} className="field__label">
        {label}
      </label>
      <input
        {...props}
        key={props.key}
        className="field__input"
        dir={ltr ? "ltr" : "auto"}
        {...inputProps}
        aria-describedby={[hintId, field.errors?.length ? field.errorId : undefined].filter(Boolean).join(" ") || undefined}
      />
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} params={errorParams} />
    </div>
  );
}

export function FormErrors({ errors, params }: { errors?: string[] | null; params?: ErrorParams }) {
  const errorText = useErrorText();
  if (!errors?.length) return null;
  return (
    <div className="alert alert--error" role="alert">
      {errors.map((e) => (
        <p key={e}>{errorText(e, params)}</p>
      ))}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: "info" | "success" | "error" }) {
  return (
    <div className={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

export function TextAreaField({
  field,
  label,
  hint,
  rows = 4,
  errorParams,
}: {
  field: FieldMetadata<string | undefined | null>;
  label: ReactNode;
  hint?: ReactNode;
  rows?: number;
  errorParams?: ErrorParams;
}) {
  const hintId = hint ? `${field.id}-hint` : undefined;
  return (
    <div className={`field${field.errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={field.id} className="field__label">
        {label}
      </label>
      <textarea
        {...getTextareaProps(field as FieldMetadata<string>)}
        key={field.key}
        className="field__input field__input--area"
        dir="auto"
        rows={rows}
        aria-describedby={[hintId, field.errors?.length ? field.errorId : undefined].filter(Boolean).join(" ") || undefined}
      />
      {hint ? (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      <FieldErrors id={field.errorId} errors={field.errors} params={errorParams} />
    </div>
  );
}
