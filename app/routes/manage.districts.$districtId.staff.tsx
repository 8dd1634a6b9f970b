import { getCollectionProps, getFormProps, type FieldMetadata } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, FormErrors, Notice, TextField } from "~/components/form-field";
import { getDistrict } from "~/domain/districts.server";
import { assignRole, listRoleHolders, revokeRole, setStaffPowers } from "~/domain/roles.server";
import { RevokeSchema } from "~/forms/admin";
import { StaffPowersSchema, StaffSchema } from "~/forms/councils";
import type { FormReply } from "~/forms/reply";
import { notifyAuthChanged } from "~/realtime/notify.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { getT } from "~/utils/i18n.server";
import { can, STAFF_POWERS } from "~/utils/permissions";
import { formatDate } from "~/utils/persian";

async function guard({ request, context, params }: LoaderFunctionArgs) {
  const districtId = invariantFound(isUuid(params.districtId) ? params.districtId : null);
  const user = await requireUserWith(request, context, "district.staff.assign", { kind: "district", districtId });
  return { user, districtId };
}

function listStaff(db: LoaderFunctionArgs["context"]["db"], districtId: string) {
  return listRoleHolders(db, { districtId, role: "district_staff" });
}

export async function loader(args: LoaderFunctionArgs) {
  const { districtId } = await guard(args);
  const { context, request } = args;
  const [district, staff, t] = await Promise.all([getDistrict(context.db, districtId), listStaff(context.db, districtId), getT(request)]);
  return {
    title: `${t("manage.tab_staff")} · ${invariantFound(district).name}`,
    districtId,
    // Names and powers only: the manager knows their colleagues' numbers already.
    staff: staff.map((s) => ({ id: s.id, name: s.displayName, powers: s.powers ?? [], grantedAt: s.grantedAt })),
  };
}

type Done = "staff_added" | "powers_saved" | "staff_removed";

export async function action(args: ActionFunctionArgs) {
  const { user, districtId } = await guard(args);
  const { context, request } = args;
  const mayAssign = () => can(user, "district.staff.assign", { kind: "district", districtId });
  return runIntent<Done>(await request.formData(), {
    add: intent({
      schema: StaffSchema,
      guard: mayAssign,
      run: async (value) => {
        const input = { phone: value.phone, role: "district_staff" as const, districtId, powers: value.powers };
        const outcome = await assignRole(context.db, user.id, input, context.requestId);
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        return { ok: true, done: "staff_added", resetForm: true };
      },
    }),
    powers: intent({
      schema: StaffPowersSchema,
      key: "assignmentId",
      guard: mayAssign,
      run: async (value) => {
        const outcome = await setStaffPowers(context.db, user.id, { ...value, districtId }, context.requestId);
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        return { ok: true, done: "powers_saved" };
      },
    }),
    revoke: intent({
      schema: RevokeSchema,
      key: "assignmentId",
      guard: mayAssign,
      run: async (value) => {
        // A manager ends staff roles only: not their own manager role, nor anything outside the district.
        const staff = await listStaff(context.db, districtId);
        if (!staff.some((s) => s.id === value.assignmentId)) return { ok: false, error: "not_found" };
        const outcome = await revokeRole(context.db, user.id, value.assignmentId, context.requestId, { districtId });
        if (!outcome.ok) return outcome;
        notifyAuthChanged(context.io, outcome.userId);
        return { ok: true, done: "staff_removed" };
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type ActionData = FormReply<Done>;

export default function DistrictStaff() {
  const { staff } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "add-staff",
    lastResult: actionData?.intent === "add" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: StaffSchema }),
  });
  // A refusal for someone no longer listed (removed in another tab) is shown above the list.
  const orphan =
    actionData && actionData.intent !== "add" && !actionData.done && !staff.some((s) => s.id === actionData.key)
      ? actionData.result.error?.[""]
      : null;

  return (
    <div className="stack">
      {actionData?.done ? <Notice tone="success">{t(`manage.done_${actionData.done}`)}</Notice> : null}
      <FormErrors errors={orphan} />
      <div className="columns">
        <section className="card stack" aria-labelledby="staff-title">
          <h2 id="staff-title">{t("manage.staff_title")}</h2>
          <p className="muted small">{t("manage.staff_intro")}</p>
          {staff.length === 0 ? (
            <p className="empty">{t("manage.staff_empty")}</p>
          ) : (
            <ul className="list">
              {staff.map((s) => (
                <li key={s.id} className="list__item">
                  <StaffRow person={s} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card stack" aria-labelledby="add-staff-title">
          <h2 id="add-staff-title">{t("manage.add_staff")}</h2>
          <Form method="post" {...getFormProps(form)} className="form">
            <FormErrors errors={form.errors} />
            <TextField
              field={fields.phone}
              label={t("manage.staff_phone")}
              hint={t("manage.staff_phone_hint")}
              type="tel"
              ltr
              inputProps={{ inputMode: "tel", autoComplete: "off", placeholder: t("auth.phone_placeholder") }}
            />
            <PowerChoices field={fields.powers} />
            <button type="submit" name="intent" value="add" className="button" disabled={busy}>
              {t("manage.add_staff_submit")}
            </button>
          </Form>
        </section>
      </div>
    </div>
  );
}

function StaffRow({ person }: { person: { id: string; name: string; powers: string[]; grantedAt: string | Date } }) {
  const { t, i18n } = useTranslation();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const reply = actionData?.intent === "powers" && actionData.key === person.id ? actionData : undefined;
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: `powers-${person.id}`,
    lastResult: reply?.result,
    defaultValue: { powers: person.powers },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: StaffPowersSchema }),
  });
  const revokeError = actionData?.intent === "revoke" && actionData.key === person.id ? actionData.result.error?.[""] : null;
  return (
    <div className="stack staff-row">
      <div>
        <strong dir="auto">{person.name}</strong>
        <div className="muted small">{t("manage.staff_since", { date: formatDate(person.grantedAt, i18n.language) })}</div>
        {person.powers.length ? (
          <ul className="chips staff-row__powers">
            {person.powers.map((p) => (
              <li key={p} className="chip chip--accent">
                {t(`manage.power_${p}`)}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted small">{t("manage.no_powers")}</p>
        )}
      </div>
      <details className="manage-details" open={reply && !reply.done ? true : undefined}>
        <summary>{t("manage.change_powers")}</summary>
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <input type="hidden" name="assignmentId" value={person.id} />
          <PowerChoices field={fields.powers} />
          <button type="submit" name="intent" value="powers" className="button button--ghost button--small" disabled={busy}>
            {t("common.save")}
          </button>
        </Form>
      </details>
      <Form method="post" className="staff-row__remove" noValidate>
        <FormErrors errors={revokeError} />
        <input type="hidden" name="assignmentId" value={person.id} />
        <button type="submit" name="intent" value="revoke" className="button button--danger button--small" disabled={busy}>
          {t("manage.remove_staff")}
        </button>
      </Form>
    </div>
  );
}

function PowerChoices({ field }: { field: FieldMetadata<string[] | undefined> }) {
  const { t } = useTranslation();
  return (
    <fieldset className="choice">
      <legend className="field__label">{t("manage.powers_legend")}</legend>
      {getCollectionProps(field, { type: "checkbox", options: [...STAFF_POWERS] }).map((props) => (
        <label key={props.key} className="choice__option">
          <input {...props} key={props.key} />
          <span>
            <span className="choice__title">{t(`manage.power_${props.value}`)}</span>
            <span className="choice__hint">{t(`manage.power_${props.value}_hint`)}</span>
          </span>
        </label>
      ))}
      <FieldErrors id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
