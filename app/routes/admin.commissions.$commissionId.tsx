import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { RoleHolderList } from "~/components/role-holder-list";
import { getCommission, updateCommission } from "~/domain/commissions.server";
import { assignRole, listRoleHolders, revokeRole } from "~/domain/roles.server";
import { AssignMemberSchema, CommissionSchema, RevokeSchema } from "~/forms/admin";
import { notifyAuthChanged } from "~/realtime/notify.server";
import { invariantFound, isUuid, requireUserWith } from "~/server/guards.server";
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
  const form = await request.formData();
  const intent = form.get("intent");
  const commission = await loadCommission(context, params.commissionId);
  if (intent === "edit") {
    const user = await requireUserWith(request, context, "commission.edit");
    const submission = parseWithZod(form, { schema: CommissionSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const outcome = await updateCommission(context.db, user.id, commission.id, submission.value, context.requestId);
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    return { intent, result: submission.reply(), done: "saved" as const };
  }
  const user = await requireUserWith(request, context, "role.assign");
  if (intent === "add-member") {
    const submission = parseWithZod(form, { schema: AssignMemberSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    const outcome = await assignRole(
      context.db,
      user.id,
      { phone: submission.value.phone, role: "commission_member", commissionId: commission.id },
      context.requestId,
    );
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    notifyAuthChanged(context.io, outcome.userId);
    return { intent, result: submission.reply({ resetForm: true }), done: "member_added" as const };
  }
  if (intent === "revoke") {
    const submission = parseWithZod(form, { schema: RevokeSchema });
    if (submission.status !== "success") return data({ intent, result: submission.reply(), done: null }, { status: 400 });
    // Only roles of this commission can be ended from its page.
    const outcome = await revokeRole(context.db, user.id, submission.value.assignmentId, context.requestId, { commissionId: commission.id });
    if (!outcome.ok) return data({ intent, result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
    notifyAuthChanged(context.io, outcome.userId);
    return { intent, result: submission.reply(), done: "revoked" as const };
  }
  throw new Response("Bad Request", { status: 400 });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminCommission() {
  const { commission, members } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
