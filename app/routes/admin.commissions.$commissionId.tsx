import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { RoleHolderList } from "~/components/role-holder-list";
import { getCommission, updateCommission } from "~/domain/commissions.server";
import { listRoleHolders } from "~/domain/roles.server";
import { AssignMemberSchema, CommissionSchema } from "~/forms/admin";
import type { FormReply } from "~/forms/reply";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { roleIntents } from "~/server/role-intents.server";
import { can } from "~/utils/permissions";
import { getT } from "~/utils/i18n.server";

async function loadCommission(context: LoaderFunctionArgs["context"], id: string | undefined) {
  return invariantFound(isUuid(id) ? await getCommission(context.db, id) : null);
}

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const commission = await loadCommission(context, params.commissionId);
  const t = await getT(request);
  return {
    title: `${commission.name} · ${t("admin.title")}`,
    commission: { id: commission.id, name: commission.name, description: commission.description },
    members: await listRoleHolders(context.db, { commissionId: commission.id, role: "commission_member" }),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const commission = await loadCommission(context, params.commissionId);
  // The admin area is closed to everyone else (an error page); each form's own permission is its guard.
  const user = await requireUserWith(request, context, "admin.access");
  const roles = roleIntents(context, user, { within: { commissionId: commission.id } });
  return runIntent(await request.formData(), {
    edit: intent({
      schema: CommissionSchema,
      guard: () => can(user, "commission.edit"),
      run: async (value) => {
        const outcome = await updateCommission(context.db, user.id, commission.id, value, context.requestId);
        return outcome.ok ? { ok: true, done: "saved" } : outcome;
      },
    }),
    "add-member": roles.assign(
      AssignMemberSchema,
      (v) => ({ phone: v.phone, role: "commission_member", commissionId: commission.id }),
      "member_added",
    ),
    revoke: roles.revoke,
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminCommission() {
  const { commission, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<FormReply>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [editForm, editFields] = useAppForm({
    id: "edit-commission",
    lastResult: actionData?.intent === "edit" ? actionData.result : undefined,
    defaultValue: { name: commission.name, description: commission.description },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CommissionSchema }),
  });
  const [memberForm, memberFields] = useAppForm({
    id: "add-member",
    lastResult: actionData?.intent === "add-member" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: AssignMemberSchema }),
  });
  return (
    <div className="stack">
      <p>
        <Link to="/admin/commissions">{t("admin.back_to_commissions")}</Link>
      </p>
      <h2 dir="auto">{commission.name}</h2>
      {actionData?.done ? <Notice tone="success">{t(`admin.done_${actionData.done}`)}</Notice> : null}
      {actionData?.intent === "revoke" && actionData.result.error ? <FormErrors errors={actionData.result.error[""]} /> : null}
      <div className="columns">
        <section className="card">
          <h3>{t("admin.commission_members")}</h3>
          <RoleHolderList holders={members} emptyText={t("admin.commission_no_members")} />
          <Form method="post" {...getFormProps(memberForm)} className="form">
            <FormErrors errors={memberForm.errors} />
            <TextField
              field={memberFields.phone}
              label={t("admin.member_phone")}
              hint={t("admin.assign_hint")}
              type="tel"
              ltr
              inputProps={{ inputMode: "tel", autoComplete: "off" }}
            />
            <button type="submit" name="intent" value="add-member" className="button" disabled={busy}>
              {t("admin.add_member")}
            </button>
          </Form>
        </section>
        <section className="card">
          <h3>{t("admin.commission_edit")}</h3>
          <Form method="post" {...getFormProps(editForm)} className="form">
            <FormErrors errors={editForm.errors} />
            <TextField field={editFields.name} label={t("admin.commission_name")} />
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
