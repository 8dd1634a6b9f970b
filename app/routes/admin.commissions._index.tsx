import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextAreaField, TextField } from "~/components/form-field";
import { createCommission, listCommissions } from "~/domain/commissions.server";
import { CommissionSchema } from "~/forms/admin";
import { requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const t = await getT(request);
  return { title: `${t("admin.commissions")} · ${t("admin.title")}`, commissions: await listCommissions(context.db) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUserWith(request, context, "commission.create");
  const submission = parseWithZod(await request.formData(), { schema: CommissionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), created: null }, { status: 400 });
  const outcome = await createCommission(context.db, user.id, submission.value, context.requestId);
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.error] }), created: null }, { status: 409 });
  return { result: submission.reply({ resetForm: true }), created: submission.value.name };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminCommissions() {
  const { commissions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "create-commission",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CommissionSchema }),
  });
  return (
    <div className="columns">
      <section className="card">
        <h2>{t("admin.commissions_list")}</h2>
        {commissions.length === 0 ? (
          <p className="empty">{t("admin.commissions_empty")}</p>
        ) : (
          <ul className="list">
            {commissions.map((c) => (
              <li key={c.id} className="list__item">
                <Link to={`/admin/commissions/${c.id}`} className="list__link">
                  <strong dir="auto">{c.name}</strong>
                  <span className="muted small">{t("admin.member_count", { count: c.memberCount })}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>{t("admin.commission_create")}</h2>
        {actionData?.created ? <Notice tone="success">{t("admin.commission_created", { name: actionData.created })}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <TextField field={fields.name} label={t("admin.commission_name")} hint={t("admin.commission_name_hint")} />
          <TextAreaField field={fields.description} label={t("admin.description")} />
          <button type="submit" className="button" disabled={busy}>
            {t("admin.commission_create_submit")}
          </button>
        </Form>
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
