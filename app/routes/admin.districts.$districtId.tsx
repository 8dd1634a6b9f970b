import { getFormProps } from "@conform-to/react";
import { useIntentForm } from "~/components/app-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { RoleHolderList } from "~/components/role-holder-list";
import { getDistrict, updateDistrict } from "~/domain/districts.server";
import { listRoleHolders } from "~/domain/roles.server";
import { AssignManagerSchema, DistrictSchema } from "~/forms/admin";
import { notifyCityChanged } from "~/realtime/notify.server";
import type { FormReply } from "~/forms/reply";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { roleIntents } from "~/server/role-intents.server";
import { can } from "~/utils/permissions";
import { getT } from "~/utils/i18n.server";

async function loadDistrict(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getDistrict(context.db, id) : null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const district = await loadDistrict(context, params.districtId);
  const t = await getT(request);
  const staff = await listRoleHolders(context.db, { districtId: district.id });
  return {
    title: `${district.name} · ${t("admin.title")}`,
    district: { id: district.id, number: district.number, name: district.name, description: district.description },
    neighborhoodCount: district.neighborhoods.length,
    holders: staff,
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const district = await loadDistrict(context, params.districtId);
  // The admin area is closed to everyone else (an error page); each form's own permission is its guard.
  const user = await requireUserWith(request, context, "admin.access");
  const roles = roleIntents(context, user, { within: { districtId: district.id }, changed: () => notifyCityChanged(context.io) });
  return runIntent(await request.formData(), {
    edit: intent({
      schema: DistrictSchema,
      guard: () => can(user, "district.edit"),
      run: async (value) => {
        const outcome = await updateDistrict(context.db, user.id, district.id, value, context.requestId);
        if (!outcome.ok) return outcome;
        notifyCityChanged(context.io);
        return { ok: true, done: "saved" };
      },
    }),
    "assign-manager": roles.assign(
      AssignManagerSchema,
      (v) => ({ phone: v.phone, role: "district_manager", districtId: district.id }),
      "manager_assigned",
    ),
    revoke: roles.revoke,
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminDistrict() {
  const { district, holders, neighborhoodCount } = useLoaderData<typeof loader>();
  const actionData = useActionData<FormReply>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [editForm, editFields] = useIntentForm("edit", DistrictSchema, {
    id: "edit-district",
    defaultValue: { number: String(district.number), name: district.name, description: district.description },
  });
  const [managerForm, managerFields] = useIntentForm("assign-manager", AssignManagerSchema);
  const managers = holders.filter((h) => h.role === "district_manager");
  const others = holders.filter((h) => h.role !== "district_manager");

  return (
    <div className="stack">
      <p>
        <Link to="/admin/districts">{t("admin.back_to_districts")}</Link>
      </p>
      <h2 dir="auto">
        {district.name} <span className="muted small">{t("home.district_number", { number: district.number })}</span>
      </h2>
      {actionData?.done ? <Notice tone="success">{t(`admin.done_${actionData.done}`)}</Notice> : null}
      {actionData?.intent === "revoke" && actionData.result.error ? <FormErrors errors={actionData.result.error[""]} /> : null}
      <div className="columns">
        <section className="card">
          <h3>{t("admin.district_manager")}</h3>
          <RoleHolderList holders={managers} emptyText={t("admin.no_manager_long")} />
          <Form method="post" {...getFormProps(managerForm)} className="form">
            <FormErrors errors={managerForm.errors} />
            <TextField
              field={managerFields.phone}
              label={managers.length ? t("admin.replace_manager_phone") : t("admin.manager_phone")}
              hint={t("admin.assign_hint")}
              type="tel"
              ltr
              inputProps={{ inputMode: "tel", autoComplete: "off" }}
            />
            <button type="submit" name="intent" value="assign-manager" className="button" disabled={busy}>
              {managers.length ? t("admin.replace_manager") : t("admin.assign_manager")}
            </button>
          </Form>
          {others.length ? (
            <>
              <h3>{t("admin.district_staff")}</h3>
              <RoleHolderList holders={others} emptyText="" />
            </>
          ) : null}
        </section>
        <section className="card">
          <h3>{t("admin.district_edit")}</h3>
          <p className="muted small">{t("home.neighborhood_count", { count: neighborhoodCount })}</p>
          <Form method="post" {...getFormProps(editForm)} className="form">
            <FormErrors errors={editForm.errors} />
            <TextField
              field={editFields.number}
              label={t("admin.district_number")}
              ltr
              inputProps={{ inputMode: "numeric", maxLength: 4 }}
            />
            <TextField field={editFields.name} label={t("admin.district_name")} />
            <TextAreaField field={editFields.description} label={t("admin.description")} />
            <button type="submit" name="intent" value="edit" className="button" disabled={busy}>
              {t("common.save")}
            </button>
          </Form>
        </section>
      </div>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
