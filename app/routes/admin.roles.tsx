import { getFormProps, getSelectProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FieldErrors, FormErrors, Notice, TextField } from "~/components/form-field";
import { RoleHolderList } from "~/components/role-holder-list";
import { listRoleHolders } from "~/domain/roles.server";
import { AssignCityRoleSchema, CITY_ROLES } from "~/forms/admin";
import type { FormReply } from "~/forms/reply";
import { requireUserWith } from "~/server/guards.server";
import { runIntent } from "~/server/intent.server";
import { roleIntents } from "~/server/role-intents.server";
import { getT } from "~/utils/i18n.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const t = await getT(request);
  return { title: `${t("admin.roles")} · ${t("admin.title")}`, holders: await listRoleHolders(context.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The admin area is closed to everyone else (an error page); each form's own permission is its guard.
  const user = await requireUserWith(request, context, "admin.access");
  const roles = roleIntents(context, user);
  return runIntent(await request.formData(), {
    assign: roles.assign(AssignCityRoleSchema, (v) => v, "role_assigned"),
    revoke: roles.revoke,
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminRoles() {
  const { holders } = useLoaderData<typeof loader>();
  const actionData = useActionData<FormReply>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "assign-role",
    lastResult: actionData?.intent === "assign" ? actionData.result : undefined,
    defaultValue: { role: "deputy" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignCityRoleSchema }),
  });
  const cityHolders = holders.filter((h) => (CITY_ROLES as readonly string[]).includes(h.role));
  const scopedHolders = holders.filter((h) => !(CITY_ROLES as readonly string[]).includes(h.role));
  return (
    <div className="stack">
      {actionData?.done ? <Notice tone="success">{t(`admin.done_${actionData.done}`)}</Notice> : null}
      {actionData?.intent === "revoke" && actionData.result.error ? <FormErrors errors={actionData.result.error[""]} /> : null}
      <div className="columns">
        <section className="card">
          <h2>{t("admin.city_roles")}</h2>
          <p className="muted small">{t("admin.city_roles_intro")}</p>
          <RoleHolderList holders={cityHolders} emptyText={t("admin.city_roles_empty")} />
        </section>
        <section className="card">
          <h2>{t("admin.assign_city_role")}</h2>
          <Form method="post" {...getFormProps(form)} className="form">
            <FormErrors errors={form.errors} />
            <TextField
              field={fields.phone}
              label={t("admin.person_phone")}
              hint={t("admin.assign_hint")}
              type="tel"
              ltr
              inputProps={{ inputMode: "tel", autoComplete: "off" }}
            />
            <div className="field">
              <label htmlFor={fields.role.id} className="field__label">
                {t("admin.role")}
              </label>
              <select {...getSelectProps(fields.role)} key={fields.role.key} className="field__input">
                {CITY_ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t(`roles.${role}`)}
                  </option>
                ))}
              </select>
              <FieldErrors id={fields.role.errorId} errors={fields.role.errors} />
            </div>
            <button type="submit" name="intent" value="assign" className="button" disabled={busy}>
              {t("admin.assign")}
            </button>
          </Form>
        </section>
      </div>
      <section className="card">
        <h2>{t("admin.scoped_roles")}</h2>
        <p className="muted small">{t("admin.scoped_roles_intro")}</p>
        <RoleHolderList holders={scopedHolders} showScope emptyText={t("admin.scoped_roles_empty")} />
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
