import { getFormProps } from "@conform-to/react";
import { useAppForm } from "~/components/app-form";
import { parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { listCommissions } from "~/domain/commissions.server";
import { createCategory, listCategories, setCategoryActive, setCategoryCommission } from "~/domain/proposals.server";
import { textField, uuidField } from "~/forms/fields";
import { isUuid, requireUserWith } from "~/server/guards.server";
import { getT } from "~/utils/i18n.server";

const CategorySchema = z.object({
  name: textField({ min: 2, max: 60, required: "name_required", tooShort: "name_too_short", tooLong: "name_too_long" }),
});
const ToggleSchema = z.object({ categoryId: uuidField(), active: z.enum(["true", "false"]) });

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const t = await getT(request);
  return {
    title: `${t("admin.categories")} · ${t("admin.title")}`,
    categories: await listCategories(context.db, true),
    commissions: (await listCommissions(context.db)).map((c) => ({ id: c.id, name: c.name })),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  await requireUserWith(request, context, "admin.access");
  const form = await request.formData();
  if (form.get("intent") === "commission") {
    const categoryId = form.get("categoryId");
    const commissionId = form.get("commissionId");
    // A refusal is answered beside the topic's own row, not on the form for adding topics.
    const refuse = (error: string, status: number) =>
      data({ result: undefined, done: null, rowError: { categoryId: String(categoryId ?? ""), error } }, { status });
    if (!isUuid(categoryId)) return refuse("category_unknown", 400);
    if (commissionId !== "" && !isUuid(commissionId)) return refuse("commission_unknown", 400);
    const outcome = await setCategoryCommission(context.db, categoryId, commissionId === "" ? null : (commissionId as string));
    if (!outcome.ok) return refuse(outcome.error, 409);
    return { result: undefined, done: "saved" as const, rowError: null };
  }
  if (form.get("intent") === "toggle") {
    const submission = parseWithZod(form, { schema: ToggleSchema });
    if (submission.status !== "success") return data({ result: submission.reply(), done: null }, { status: 400 });
    await setCategoryActive(context.db, submission.value.categoryId, submission.value.active === "true");
    return { result: submission.reply(), done: "saved" as const };
  }
  const submission = parseWithZod(form, { schema: CategorySchema });
  if (submission.status !== "success") return data({ result: submission.reply(), done: null }, { status: 400 });
  const existing = await listCategories(context.db, true);
  const outcome = await createCategory(context.db, submission.value.name, existing.length);
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.error] }), done: null }, { status: 409 });
  return { result: submission.reply({ resetForm: true }), done: "category_added" as const };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminCategories() {
  const { categories: list, commissions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const rowError = (actionData as { rowError?: { categoryId: string; error: string } | null } | undefined)?.rowError ?? null;
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useAppForm({
    id: "add-category",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CategorySchema }),
  });
  return (
    <div className="columns">
      <section className="card">
        <h2>{t("admin.categories")}</h2>
        <p className="muted small">{t("admin.categories_intro")}</p>
        {list.length === 0 ? (
          <p className="empty">{t("admin.categories_empty")}</p>
        ) : (
          <ul className="list">
            {list.map((c) => (
              <li key={c.id} className="list__item category-row">
                <span dir="auto" className={c.isActive ? "category-row__name" : "category-row__name muted"}>
                  {c.name} {c.isActive ? null : <span className="chip">{t("admin.category_retired")}</span>}
                </span>
                {rowError?.categoryId === c.id ? <FormErrors errors={[rowError.error]} /> : null}
                <Form method="post" className="category-row__commission" noValidate>
                  <input type="hidden" name="categoryId" value={c.id} />
                  <select name="commissionId" defaultValue={c.defaultCommissionId ?? ""} className="field__input" aria-label={t("admin.category_commission")}>
                    <option value="">{t("admin.category_no_commission")}</option>
                    {commissions.map((m) => (
                      <option key={m.id} value={m.id}>
                        {m.name}
                      </option>
                    ))}
                  </select>
                  <button type="submit" name="intent" value="commission" className="button button--ghost button--small" disabled={busy}>
                    {t("common.save")}
                  </button>
                </Form>
                <Form method="post" noValidate>
                  <input type="hidden" name="categoryId" value={c.id} />
                  <input type="hidden" name="active" value={c.isActive ? "false" : "true"} />
                  <button type="submit" name="intent" value="toggle" className="button button--ghost button--small" disabled={busy}>
                    {c.isActive ? t("admin.category_retire") : t("admin.category_restore")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <h2>{t("admin.category_add")}</h2>
        {actionData?.done ? <Notice tone="success">{t(`admin.done_${actionData.done}`)}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="form">
          <FormErrors errors={form.errors} />
          <TextField field={fields.name} label={t("admin.category_name")} />
          <button type="submit" name="intent" value="add" className="button" disabled={busy}>
            {t("admin.category_add")}
          </button>
        </Form>
      </section>
    </div>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from "~/components/route-error";
