import { getFormProps } from "@conform-to/react";
import { useIntentForm } from "~/components/app-form";
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormErrors, Notice, TextField } from "~/components/form-field";
import { listCommissions } from "~/domain/commissions.server";
import { createCategory, listCategories, setCategoryActive, setCategoryCommission } from "~/domain/proposals.server";
import { CategoryCommissionSchema, CategorySchema, CategoryToggleSchema } from "~/forms/admin";
import type { FormReply } from "~/forms/reply";
import { requireUserWith } from "~/server/guards.server";
import { intent, runIntent } from "~/server/intent.server";
import { can } from "~/utils/permissions";
import { getT } from "~/utils/i18n.server";

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
  // The admin area is closed to everyone else (an error page); each form's own permission is its guard.
  const user = await requireUserWith(request, context, "admin.access");
  const guard = () => can(user, "admin.access");
  return runIntent(await request.formData(), {
    add: intent({
      schema: CategorySchema,
      guard,
      run: async (value) => {
        const existing = await listCategories(context.db, true);
        const outcome = await createCategory(context.db, value.name, existing.length);
        return outcome.ok ? { ok: true, done: "category_added", resetForm: true } : outcome;
      },
    }),
    // A refusal is answered beside the topic's own row (the reply's key), not on the form for adding topics.
    commission: intent({
      schema: CategoryCommissionSchema,
      key: "categoryId",
      guard,
      run: async (value) => {
        const outcome = await setCategoryCommission(context.db, value.categoryId, value.commissionId ?? null);
        return outcome.ok ? { ok: true, done: "saved" } : outcome;
      },
    }),
    toggle: intent({
      schema: CategoryToggleSchema,
      key: "categoryId",
      guard,
      run: async (value) => {
        await setCategoryActive(context.db, value.categoryId, value.active === "true");
        return { ok: true, done: "saved" };
      },
    }),
  });
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export default function AdminCategories() {
  const { categories: list, commissions } = useLoaderData<typeof loader>();
  const actionData = useActionData<FormReply>();
  const rowReply = actionData && actionData.intent !== "add" ? actionData : undefined;
  const rowErrors = Object.values(rowReply?.result.error ?? {}).flatMap((errors) => errors ?? []);
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useIntentForm("add", CategorySchema, { id: "add-category" });
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
                {rowReply?.key === c.id && rowErrors.length ? <FormErrors errors={rowErrors} /> : null}
                <Form method="post" className="category-row__commission" noValidate>
                  <input type="hidden" name="categoryId" value={c.id} />
                  <select
                    name="commissionId"
                    defaultValue={c.defaultCommissionId ?? ""}
                    className="field__input"
                    aria-label={t("admin.category_commission")}
                  >
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
