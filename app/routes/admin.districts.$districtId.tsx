import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { RoleHolderList } from "~/components/role-holder-list";
import { getDistrict, updateDistrict } from "~/domain/districts.server";
import { assignRole, listRoleHolders, revokeRole } from "~/domain/roles.server";
import { AssignManagerSchema, DistrictSchema, RevokeSchema } from "~/forms/admin";
import { notifyAuthChanged, notifyCityChanged } from "~/realtime/notify.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
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
  const form = await request.formData();
  const intent = form.get("intent");
  const district = await loadDistrict(context, params.districtId);

  if (intent === "edit") {
    const user = await requireUserWith(request, context, "district.edit");
    const submission = parseWithZod(form, { schema: DistrictSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const outcome = await updateDistrict(context.db, user.id, district.id, submission.value, context.requestId);
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    notifyCityChanged(context.io);
    return { intent, result: submission.reply(), done: "saved" as const };
  }

  const user = await requireUserWith(request, context, "role.assign");
  if (intent === "assign-manager") {
    const submission = parseWithZod(form, { schema: AssignManagerSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const outcome = await assignRole(
      context.db,
      user.id,
      { phone: submission.value.phone, role: "district_manager", districtId: district.id },
      context.requestId,
    );
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    notifyAuthChanged(context.io, outcome.userId);
    if (outcome.replaced) notifyAuthChanged(context.io, outcome.replaced);
    notifyCityChanged(context.io);
    return { intent, result: submission.reply({ resetForm: true }), done: "manager_assigned" as const };
  }
  if (intent === "revoke") {
    const submission = parseWithZod(form, { schema: RevokeSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    // Only roles of this district can be ended from its page.
    const outcome = await revokeRole(context.db, user.id, submission.value.assignmentId, context.requestId, { districtId: district.id });
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    notifyAuthChanged(context.io, outcome.userId);
    notifyCityChanged(context.io);
    return { intent, result: submission.reply(), done: "revoked" as const };
  }
  throw new Response("Bad Request", { status: 400 });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminDistrict() {
  const { district, holders, neighborhoodCount } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [editForm, editFields] = useAppForm({
    id: "edit-district",
    lastResult: actionData?.intent === "edit" ? actionData.result : undefined,
    defaultValue: { number: String(district.number), name: district.name, description: district.description },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DistrictSchema }),
  });
  const [managerForm, managerFields] = useAppForm({
    id: "assign-manager",
    lastResult: actionData?.intent === "assign-manager" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignManagerSchema }),
  });
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
            <TextField field={editFields.number} label={t("admin.district_number")} ltr inputProps={{ inputMode: "numeric", maxLength: 4 }} />
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
